package monthly

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Create files a draft report. created is false when the same id and body
// were filed before by the same author (a retry): the stored report is
// answered. The same id with another body is 409 id_reused; another
// report already filed for the project and period is 409 report_exists.
func (s *Service) Create(ctx context.Context, p auth.Principal, n NewReport) (Report, bool, error) {
	if err := n.Validate(); err != nil {
		return Report{}, false, err
	}
	hash, err := n.Hash()
	if err != nil {
		return Report{}, false, err
	}
	if prev, err := s.d.Store.Report(ctx, n.ID); err == nil {
		return s.replay(ctx, p, prev, hash)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Report{}, false, err
	}
	proj, rel, err := s.project(ctx, p, n.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Report{}, false, unprocessable("project_id", "not_found", "no such project")
	} else if err != nil {
		return Report{}, false, err
	}
	if err := policy.Monthly(p, policy.ReportMonthly, rel); err != nil {
		return Report{}, false, err
	}
	period := Period(n.Period)
	if err := s.open(ctx, proj, period); err != nil {
		return Report{}, false, err
	}
	if other, err := s.d.Store.ReportFor(ctx, proj.ID, period); err == nil {
		return Report{}, false, exists(other)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Report{}, false, err
	}
	values, err := s.judge(ctx, proj, period, n.Content)
	if err != nil {
		return Report{}, false, err
	}
	now := s.now()
	r := Report{ID: n.ID, ProjectID: proj.ID, Period: period, State: StateDraft, Values: values,
		Photos: nonNilPhotos(n.Photos), Narrative: n.Narrative, Problems: n.Problems, HelpRequested: n.HelpRequested,
		AuthorID: p.UserID, RequestHash: hash, CreatedAt: now, UpdatedAt: now}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertReport(ctx, r); err != nil {
			return err
		}
		return s.audit(ctx, p, "monthly_report.create", "monthly_report", r.ID, contentAudit(r))
	})
	if errors.Is(err, errs.ErrConflict) {
		// A retry raced past the lookup, or another id for the same
		// project and period won: answer what is stored.
		if prev, gerr := s.d.Store.Report(ctx, n.ID); gerr == nil {
			return s.replay(ctx, p, prev, hash)
		}
		if other, gerr := s.d.Store.ReportFor(ctx, proj.ID, period); gerr == nil {
			return Report{}, false, exists(other)
		}
		return Report{}, false, err
	}
	if err != nil {
		return Report{}, false, err
	}
	r, err = s.withPhotos(ctx, r)
	return r, true, err
}

func (s *Service) replay(ctx context.Context, p auth.Principal, prev Report, hash string) (Report, bool, error) {
	if prev.AuthorID != p.UserID || prev.RequestHash != hash {
		return Report{}, false, &errs.Error{Kind: errs.KindConflict, Code: "id_reused",
			Message: "a different report was already filed with this id; make a new UUID for a new report",
			Fields:  []errs.FieldError{{Field: "id", Code: "id_reused", Message: "already used"}}}
	}
	// A retry is answered only while the author may still report: a
	// contractor moved to another unit gets nothing of the old unit's.
	if _, _, err := s.authorize(ctx, p, prev.ID, policy.ReportMonthly, false); err != nil {
		return Report{}, false, err
	}
	r, err := s.withPhotos(ctx, prev)
	return r, false, err
}

func exists(other Report) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "report_exists",
		Message: "this project already has a report for the period; edit that one",
		Fields:  []errs.FieldError{{Field: "period", Code: "report_exists", Message: "already reported"}},
		Extra:   map[string]any{"report_id": other.ID}}
}

// open refuses a report for a project not under construction, a month not
// yet begun, or a closed period.
func (s *Service) open(ctx context.Context, proj projects.Project, period Period) error {
	if proj.Status != projects.StatusUnderConstruction {
		return unprocessable("project_id", "not_under_construction",
			fmt.Sprintf("only projects under construction report monthly; this one is %s", proj.Status))
	}
	if !s.d.Now().Before(period.Start(s.o.Zone)) {
		closed, _, err := s.d.Store.PeriodClosed(ctx, period)
		if err != nil {
			return err
		}
		if closed {
			return periodErr(period)
		}
		return nil
	}
	return unprocessable("period", "in_future", "the month has not begun yet")
}

// judge checks the content against the project (its indicators and
// points) and flags the figures against the previous month's.
func (s *Service) judge(ctx context.Context, proj projects.Project, period Period, c Content) ([]Value, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	before := period.Prev().LastDay()
	inds, err := s.indicators(ctx, proj.ID, &before)
	if err != nil {
		return nil, err
	}
	byID := map[string]Indicator{}
	for _, ind := range inds {
		byID[ind.ID] = ind
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	values := make([]Value, 0, len(c.Values))
	for i, x := range c.Values {
		ind, ok := byID[x.IndicatorID]
		if !ok {
			v.Add(fmt.Sprintf("values[%d].indicator_id", i), "unknown", "not an indicator of this project")
			continue
		}
		if ind.Target > 0 && x.Value > AbsurdTimes*ind.Target {
			v.Add(fmt.Sprintf("values[%d].value", i), "absurd",
				fmt.Sprintf("more than %d times the target (%g %s)", AbsurdTimes, ind.Target, ind.Unit))
			continue
		}
		values = append(values, Value{IndicatorID: x.IndicatorID, Value: x.Value, Flags: ValueFlags(ind, x.Value, s.o.JumpShare)})
	}
	if len(c.Photos) > 0 {
		points, err := s.d.Store.Points(ctx, proj.ID)
		if err != nil {
			return nil, err
		}
		own := map[string]bool{}
		for _, pt := range points {
			own[pt.ID] = true
		}
		for i, ph := range c.Photos {
			if own[ph.PointID] {
				continue
			}
			f := fmt.Sprintf("photos[%d].point_id", i)
			if pt, err := s.d.Store.Point(ctx, ph.PointID); err == nil && pt.ProjectID != proj.ID {
				v.Add(f, "other_project", "this photo point belongs to another project")
			} else if err != nil && !errors.Is(err, errs.ErrNotFound) {
				return nil, err
			} else {
				v.Add(f, "not_found", "no such photo point")
			}
		}
	}
	return values, v.Err()
}

func (s *Service) indicators(ctx context.Context, projectID string, at *time.Time) ([]Indicator, error) {
	if s.d.Indicators == nil {
		return nil, errs.Unavailable("indicators_unavailable", time.Minute, errors.New("monthly: no indicators"))
	}
	m, err := s.d.Indicators.IndicatorsOf(ctx, []string{projectID}, at)
	if err != nil {
		return nil, err
	}
	return m[projectID], nil
}

// Update replaces the content of a draft or returned report (its author's
// unit only).
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, c Content) (Report, error) {
	if err := c.Validate(); err != nil {
		return Report{}, err
	}
	var out Report
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		r, proj, err := s.authorize(ctx, p, id, policy.ReportMonthly, true)
		if err != nil {
			return err
		}
		if r.State != StateDraft && r.State != StateReturned {
			return refused(r.State, "edit")
		}
		if err := s.open(ctx, proj, r.Period); err != nil {
			return err
		}
		values, err := s.judge(ctx, proj, r.Period, c)
		if err != nil {
			return err
		}
		r.Values, r.Photos = values, nonNilPhotos(c.Photos)
		r.Narrative, r.Problems, r.HelpRequested = c.Narrative, c.Problems, c.HelpRequested
		r.UpdatedAt = s.now()
		if err := s.d.Store.UpdateReport(ctx, r); err != nil {
			return err
		}
		out = r
		return s.audit(ctx, p, "monthly_report.update", "monthly_report", r.ID, contentAudit(r))
	})
	if err != nil {
		return Report{}, err
	}
	return s.withPhotos(ctx, out)
}

// Submit sends a draft (or a returned report, again) to the office. Every
// indicator needs a figure and every photo point its stored photo.
// Submitting a report already submitted answers it unchanged, so a phone
// that lost the answer can simply retry.
func (s *Service) Submit(ctx context.Context, p auth.Principal, id string) (Report, error) {
	var out Report
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		r, proj, err := s.authorize(ctx, p, id, policy.ReportMonthly, true)
		if err != nil {
			return err
		}
		if r.State == StateSubmitted {
			out = r
			return nil
		}
		if r.State != StateDraft && r.State != StateReturned {
			return refused(r.State, "submit")
		}
		if err := s.open(ctx, proj, r.Period); err != nil {
			return err
		}
		if err := s.complete(ctx, r); err != nil {
			return err
		}
		now := s.now()
		if r.SubmittedAt == nil {
			r.SubmittedAt = &now
		} else {
			r.ResubmittedAt = &now
		}
		r.State, r.UpdatedAt = StateSubmitted, now
		if err := s.d.Store.UpdateReport(ctx, r); err != nil {
			return err
		}
		out = r
		return s.audit(ctx, p, "monthly_report.submit", "monthly_report", r.ID, map[string]any{"period": r.Period})
	})
	if err != nil {
		return Report{}, err
	}
	return s.withPhotos(ctx, out)
}

// complete: a figure for every indicator, a stored photo for every point.
func (s *Service) complete(ctx context.Context, r Report) error {
	inds, err := s.indicators(ctx, r.ProjectID, nil)
	if err != nil {
		return err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	have := map[string]bool{}
	for _, x := range r.Values {
		have[x.IndicatorID] = true
	}
	for _, ind := range inds {
		v.Check(!have[ind.ID], "values", "missing_indicator", "no figure for indicator "+ind.Name)
	}
	points, err := s.d.Store.Points(ctx, r.ProjectID)
	if err != nil {
		return err
	}
	shot := map[string]bool{}
	for _, ph := range r.Photos {
		shot[ph.PointID] = true
	}
	for _, pt := range points {
		v.Check(!shot[pt.ID], "photos", "missing_point", "no photo for point "+pt.Name)
	}
	stored, err := s.stored(ctx, r.ID)
	if err != nil {
		return err
	}
	for i, ph := range r.Photos {
		v.Check(stored[ph.PhotoID].ID == "", fmt.Sprintf("photos[%d].photo_id", i), "not_uploaded",
			"upload this photo before submitting")
	}
	return v.Err()
}

// Return sends a submitted report back to its unit with the office's
// reason; the unit edits and submits again.
func (s *Service) Return(ctx context.Context, p auth.Principal, id, reason string) (Report, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(len(reason) == 0, "reason", "required", "say what must change")
	v.Check(len(reason) > MaxText, "reason", "too_long", "at most 10000 characters")
	if err := v.Err(); err != nil {
		return Report{}, err
	}
	return s.review(ctx, p, id, func(ctx context.Context, r *Report, _ projects.Project) error {
		now := s.now()
		r.State, r.ReturnedAt, r.ReturnedBy, r.ReturnReason, r.UpdatedAt = StateReturned, &now, p.UserID, reason, now
		return s.audit(ctx, p, "monthly_report.return", "monthly_report", r.ID, map[string]any{"reason": reason})
	})
}

// Accept records the report's figures as the project's indicator values
// (source "monthly", the report's id) in the same transaction: the
// acceptance and the figures commit together or not at all.
func (s *Service) Accept(ctx context.Context, p auth.Principal, id string) (Report, error) {
	return s.review(ctx, p, id, func(ctx context.Context, r *Report, proj projects.Project) error {
		if s.d.Indicators == nil {
			return errs.Unavailable("indicators_unavailable", time.Minute, errors.New("monthly: no indicators"))
		}
		vals := make([]IndicatorValue, len(r.Values))
		for i, x := range r.Values {
			vals[i] = IndicatorValue{IndicatorID: x.IndicatorID, Value: x.Value}
		}
		if err := s.d.Indicators.RecordIndicatorValues(ctx, p, proj.ID, "monthly", r.ID, s.valueDate(r.Period), vals); err != nil {
			return err
		}
		now := s.now()
		r.State, r.AcceptedAt, r.AcceptedBy, r.UpdatedAt = StateAccepted, &now, p.UserID, now
		return s.audit(ctx, p, "monthly_report.accept", "monthly_report", r.ID, map[string]any{"values": r.Values})
	})
}

// valueDate is the date an accepted figure stands for: the period's last
// day, or today in the county if the month is not over.
func (s *Service) valueDate(period Period) time.Time {
	last := period.LastDay()
	t := s.d.Now().In(s.o.Zone)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if today.Before(last) {
		return today
	}
	return last
}

func (s *Service) review(ctx context.Context, p auth.Principal, id string,
	fn func(ctx context.Context, r *Report, proj projects.Project) error) (Report, error) {
	var out Report
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		r, proj, err := s.authorize(ctx, p, id, policy.ReviewMonthly, true)
		if err != nil {
			return err
		}
		if r.State != StateSubmitted {
			return refused(r.State, "review")
		}
		if closed, _, err := s.d.Store.PeriodClosed(ctx, r.Period); err != nil {
			return err
		} else if closed {
			return periodErr(r.Period)
		}
		if err := fn(ctx, &r, proj); err != nil {
			return err
		}
		if err := s.d.Store.UpdateReport(ctx, r); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	return s.withPhotos(ctx, out)
}

func refused(st ReportState, what string) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "transition_not_allowed",
		Message: fmt.Sprintf("a report that is %s cannot take %q", st, what),
		Extra:   map[string]any{"report_state": string(st)}}
}

// Get returns one report the caller may see, with its photos' flags.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Report, error) {
	r, _, err := s.authorize(ctx, p, id, policy.ViewMonthly, false)
	if err != nil {
		return Report{}, err
	}
	return s.withPhotos(ctx, r)
}

// List lists the reports the caller may see, by project code.
func (s *Service) List(ctx context.Context, p auth.Principal, f ListFilter) ([]Report, error) {
	if f.Period != "" {
		if _, err := ParsePeriod("period", string(f.Period)); err != nil {
			return nil, err
		}
	}
	switch f.State {
	case "", StateDraft, StateSubmitted, StateReturned, StateAccepted:
	default:
		return nil, unprocessable("state", "invalid", "one of draft, submitted, returned, accepted")
	}
	sc := policy.ProjectListScope(p)
	f.UnitID, f.AssignedTo, f.None = sc.UnitID, sc.AssignedTo, sc.None
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	rs, err := s.d.Store.ListReports(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.withPhotosOf(ctx, rs)
}

// withPhotosOf is withPhotos for many reports in a fixed number of
// queries (points, photos, duplicate references).
func (s *Service) withPhotosOf(ctx context.Context, rs []Report) ([]Report, error) {
	if len(rs) == 0 {
		return rs, nil
	}
	ids, projectIDs := make([]string, len(rs)), make([]string, len(rs))
	for i, r := range rs {
		ids[i], projectIDs[i] = r.ID, r.ProjectID
	}
	points, err := s.d.Store.PointsOf(ctx, projectIDs)
	if err != nil {
		return nil, err
	}
	stored, err := s.d.Store.PhotosOfReports(ctx, ids)
	if err != nil {
		return nil, err
	}
	flags, err := s.photoFlags(ctx, rs, points, stored)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i].Stored, rs[i].PhotoFlags = stored[rs[i].ID], flags[rs[i].ID]
		if rs[i].Stored == nil {
			rs[i].Stored = map[string]photos.Photo{}
		}
	}
	return rs, nil
}

func nonNilPhotos(ps []ReportPhoto) []ReportPhoto {
	if ps == nil {
		return []ReportPhoto{}
	}
	return ps
}

func contentAudit(r Report) map[string]any {
	return map[string]any{"project_id": r.ProjectID, "period": r.Period, "values": r.Values, "photos": r.Photos}
}
