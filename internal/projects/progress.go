package projects

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// quantityEpsilon is the relative slack allowed above the target: 22.5000001
// km against 22.5 km is rounding in someone's spreadsheet, not overbuilding.
const quantityEpsilon = 1e-6

// latestTimezone is how far ahead of UTC a calendar can be (UTC+14). A
// report dated "today" where the reporter stands is accepted; the county is
// at UTC+8, so checking against the UTC date would refuse every report filed
// before 08:00.
const latestTimezone = 14 * time.Hour

// historyLimit bounds a progress history; a project gets a report a month.
const historyLimit = 1000

// ReportProgress records a progress report and makes it the project's
// progress if it is the latest by date. Exactly one of quantity or percent
// is given; a quantity is turned into a percent of the target, and may not
// exceed the target (a larger job is recorded by raising the target first).
func (s *Service) ReportProgress(ctx context.Context, p auth.Principal, id string, np NewProgress) (ProgressReport, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	now := s.now()
	var date time.Time
	switch ds := strings.TrimSpace(np.Date); {
	case ds == "":
		v.Add("date", "required", "is required")
	default:
		d, err := ParseDate(ds)
		switch {
		case err != nil:
			v.Add("date", "invalid_date", "must be a date written YYYY-MM-DD")
		case d.After(dateOf(now.Add(latestTimezone))):
			v.Add("date", "in_future", "must not be in the future")
		case d.Year() < minYear:
			v.Add("date", "out_of_range", "is too far in the past")
		default:
			date = d
		}
	}
	switch {
	case np.Quantity == nil && np.Percent == nil:
		v.Add("quantity", "required", "give either quantity or percent")
	case np.Quantity != nil && np.Percent != nil:
		v.Add("percent", "exclusive", "give either quantity or percent, not both")
	case np.Quantity != nil:
		v.Check(math.IsNaN(*np.Quantity) || *np.Quantity < 0, "quantity", "out_of_range", "must not be negative")
	default:
		v.Check(math.IsNaN(*np.Percent) || *np.Percent < 0 || *np.Percent > 100, "percent", "out_of_range",
			"must be between 0 and 100")
	}
	note := strings.TrimSpace(np.Note)
	v.Check(!utf8.ValidString(note) || utf8.RuneCountInString(note) > 2000, "note", "too_long",
		"must be at most 2000 characters")
	if err := v.Err(); err != nil {
		return ProgressReport{}, err
	}
	rid, err := newID()
	if err != nil {
		return ProgressReport{}, err
	}
	r := ProgressReport{ID: rid, ProjectID: id, Date: date, Quantity: np.Quantity, Note: note,
		ReportedBy: p.UserID, CreatedAt: now}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		proj, err := s.authorize(ctx, p, id, policy.ReportProgress, true)
		if err != nil {
			return err
		}
		if r.Percent, err = percentFor(proj, np); err != nil {
			return err
		}
		if err := s.store.InsertProgress(ctx, r); err != nil {
			return err
		}
		latest, err := s.store.LatestProgress(ctx, id)
		if err != nil {
			return err
		}
		// A monthly report accepted for a later date stays the latest.
		if d := latest.Date; proj.Progress.Date == nil || !d.Before(*proj.Progress.Date) {
			proj.Progress = Progress{Percent: latest.Percent, Quantity: latest.Quantity, Date: &d}
		}
		if err := s.recordProgressValue(ctx, p, proj, r); err != nil {
			return err
		}
		proj.refreshSchedule()
		if err := s.refreshIndicators(ctx, &proj); err != nil {
			return err
		}
		proj.UpdatedAt = now
		if err := s.store.UpdateProject(ctx, proj); err != nil {
			return err
		}
		return s.audit(ctx, p, "project.progress", id, map[string]any{"report_id": r.ID, "date": r.Date.Format(DateLayout),
			"percent": r.Percent, "quantity": r.Quantity})
	})
	if err != nil {
		return ProgressReport{}, err
	}
	return r, nil
}

func percentFor(proj Project, np NewProgress) (float64, error) {
	if np.Percent != nil {
		return *np.Percent, nil
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	q, t := *np.Quantity, proj.TargetQuantity
	switch {
	case t == nil:
		v.Add("quantity", "no_target", "this project has no target quantity; report a percent instead")
	case q > *t*(1+quantityEpsilon):
		v.Add("quantity", "exceeds_target", "must not exceed the project's target quantity")
	default:
		return percentOf(q, *t), nil
	}
	return 0, v.Err()
}

// ProgressHistory lists a project's reports, newest first.
func (s *Service) ProgressHistory(ctx context.Context, p auth.Principal, id string) ([]ProgressReport, error) {
	if _, err := s.authorize(ctx, p, id, policy.ViewProject, false); err != nil {
		return nil, err
	}
	return s.store.ListProgress(ctx, id, historyLimit)
}
