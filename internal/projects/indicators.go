package projects

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Assessment indicators (考核指标). A project is judged on one or more
// indicators; the first is the project's own target (工程量 in its unit, or
// 形象进度 in percent when it has no quantity) and follows the project's
// target fields and progress reports. Others are added by the office.

// The first indicator's names, as migration 00016 and Create give them.
const (
	QuantityIndicatorName = "工程量"
	ProgressIndicatorName = "形象进度"
	PercentUnit           = "%"
	// MonthLayout is how a plan names its months.
	MonthLayout = "2006-01"
)

// Value sources: where a dated figure came from.
const (
	SourceProgress = "progress" // a progress report (POST /projects/{id}/progress)
	SourceMonthly  = "monthly"  // an accepted monthly report
)

// PlanPoint is a cumulative share of the target due by the end of a month.
type PlanPoint struct {
	Month   string  `json:"month"` // "2026-06"
	Percent float64 `json:"percent"`
}

// Indicator is one assessment indicator of a project.
type Indicator struct {
	ID        string
	ProjectID string
	Position  int
	Name      string
	Unit      string
	Target    float64
	// Plan empty: linear between the project's planned start and end.
	Plan []PlanPoint
	// Value is the latest cumulative figure reported (or the latest as of
	// a date, from IndicatorsOf); ValueDate nil when nothing is reported.
	Value        float64
	ValueDate    *time.Time
	OnTrackUntil *time.Time
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// IndicatorValue is one cumulative figure for an indicator.
type IndicatorValue struct {
	IndicatorID string
	Value       float64
}

// DatedValue is a recorded figure: what indicator_values keeps.
type DatedValue struct {
	ID          string
	IndicatorID string
	ProjectID   string
	Date        time.Time
	Value       float64
	Source      string
	SourceID    string
	ReportedBy  string
	CreatedAt   time.Time
}

// firstIndicator is the indicator a project's own target makes.
func firstIndicator(proj Project) Indicator {
	ind := Indicator{ID: proj.ID + "-i1", ProjectID: proj.ID, Position: 1, CreatedBy: proj.CreatedBy,
		CreatedAt: proj.CreatedAt, UpdatedAt: proj.UpdatedAt}
	mirrorTarget(proj, &ind)
	return ind
}

// progressOf is the project's progress as its first indicator says: a
// monthly report's figure for it is the project's latest progress too.
func progressOf(proj Project, ind Indicator) Progress {
	pr := Progress{Percent: reportedPercent(ind), Date: ind.ValueDate}
	if proj.TargetQuantity != nil {
		q := ind.Value
		pr.Quantity = &q
	}
	return pr
}

// mirrorTarget keeps the first indicator equal to the project's target and
// latest progress. A figure newer than the project's progress (an accepted
// monthly report) is kept: the project's progress already follows it.
func mirrorTarget(proj Project, ind *Indicator) {
	if ind.ValueDate != nil && (proj.Progress.Date == nil || ind.ValueDate.After(*proj.Progress.Date)) {
		if proj.TargetQuantity != nil {
			ind.Name, ind.Unit, ind.Target = QuantityIndicatorName, proj.TargetUnit, *proj.TargetQuantity
		} else {
			ind.Name, ind.Unit, ind.Target = ProgressIndicatorName, PercentUnit, 100
		}
		return
	}
	if proj.TargetQuantity != nil {
		ind.Name, ind.Unit, ind.Target = QuantityIndicatorName, proj.TargetUnit, *proj.TargetQuantity
		switch {
		case proj.Progress.Quantity != nil:
			ind.Value = *proj.Progress.Quantity
		default:
			ind.Value = proj.Progress.Percent * *proj.TargetQuantity / 100
		}
	} else {
		ind.Name, ind.Unit, ind.Target, ind.Value = ProgressIndicatorName, PercentUnit, 100, proj.Progress.Percent
	}
	ind.ValueDate = proj.Progress.Date
}

// Indicators lists a project's indicators by position.
func (s *Service) Indicators(ctx context.Context, p auth.Principal, projectID string) ([]Indicator, error) {
	if _, err := s.authorize(ctx, p, projectID, policy.ViewProject, false); err != nil {
		return nil, err
	}
	m, err := s.store.IndicatorsOf(ctx, []string{projectID})
	if err != nil {
		return nil, err
	}
	return m[projectID], nil
}

// IndicatorsOf is for services that have already decided the caller may
// see these projects (the monthly cycle, the circular): every indicator of
// each project, by position, with its value as of at (nil: the latest),
// taken from the dated history.
func (s *Service) IndicatorsOf(ctx context.Context, projectIDs []string, at *time.Time) (map[string][]Indicator, error) {
	m, err := s.store.IndicatorsOf(ctx, projectIDs)
	if err != nil || at == nil {
		return m, err
	}
	vals, err := s.store.IndicatorValuesAsOf(ctx, projectIDs, dateOf(*at))
	if err != nil {
		return nil, err
	}
	for pid, inds := range m {
		for i := range inds {
			inds[i].Value, inds[i].ValueDate = 0, nil
			if v, ok := vals[inds[i].ID]; ok {
				d := v.Date
				inds[i].Value, inds[i].ValueDate = v.Value, &d
			}
		}
		m[pid] = inds
	}
	return m, nil
}

// ScheduleAt is a project's schedule status at a date, from the figures
// and the status of that time.
func (s *Service) ScheduleAt(ctx context.Context, p auth.Principal, projectID string, at time.Time) (Schedule, error) {
	proj, err := s.authorize(ctx, p, projectID, policy.ViewProject, false)
	if err != nil {
		return Schedule{}, err
	}
	m, err := s.IndicatorsOf(ctx, []string{projectID}, &at)
	if err != nil {
		return Schedule{}, err
	}
	// Judged with the status the project had then: a project completed in
	// August was not completed on 31 May.
	ps, err := s.WithStatusesAt(ctx, []Project{proj}, at)
	if err != nil {
		return Schedule{}, err
	}
	return ScheduleOf(ps[0], m[projectID], at), nil
}

// MaxIndicatorValue bounds a figure: beyond it a value is a typo, not a
// road (the longest county road is not a billion kilometres).
const MaxIndicatorValue = 1e9

// RecordIndicatorValues records dated cumulative figures for a project's
// indicators, in the caller's transaction (ctx from InTx), once per
// (indicator, source, sourceID): a retried acceptance records nothing twice.
// A figure dated at or after an indicator's latest becomes its value. The
// calling service has already asked the policy; this does not.
func (s *Service) RecordIndicatorValues(ctx context.Context, p auth.Principal, projectID, source, sourceID string,
	date time.Time, values []IndicatorValue) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		proj, err := s.store.LockProject(ctx, projectID)
		if err != nil {
			if isNotFound(err) {
				return errProjectNotFound()
			}
			return err
		}
		m, err := s.store.IndicatorsOf(ctx, []string{projectID})
		if err != nil {
			return err
		}
		inds := m[projectID]
		byID := make(map[string]int, len(inds))
		for i, ind := range inds {
			byID[ind.ID] = i
		}
		v := errs.NewValidation(errs.KindUnprocessable)
		for i, val := range values {
			f := fmt.Sprintf("values[%d]", i)
			if _, ok := byID[val.IndicatorID]; !ok {
				v.Add(f+".indicator_id", "unknown_indicator", "is not an indicator of this project")
			}
			v.Check(math.IsNaN(val.Value) || math.IsInf(val.Value, 0) || val.Value < 0 || val.Value > MaxIndicatorValue,
				f+".value", "out_of_range", "must be a number from 0 to 1e9")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.now()
		day := dateOf(date)
		var recorded []map[string]any
		for _, val := range values {
			id, err := newID()
			if err != nil {
				return err
			}
			dv := DatedValue{ID: id, IndicatorID: val.IndicatorID, ProjectID: projectID, Date: day, Value: val.Value,
				Source: source, SourceID: sourceID, ReportedBy: p.UserID, CreatedAt: now}
			fresh, err := s.store.InsertIndicatorValue(ctx, dv)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			ind := &inds[byID[val.IndicatorID]]
			if ind.ValueDate == nil || !day.Before(*ind.ValueDate) {
				ind.Value, ind.ValueDate = val.Value, &day
				ind.UpdatedAt = now
				if ind.Position == 1 {
					proj.Progress = progressOf(proj, *ind)
				}
			}
			recorded = append(recorded, map[string]any{"indicator_id": val.IndicatorID, "value": val.Value})
		}
		if len(recorded) == 0 {
			return nil
		}
		if err := s.saveIndicators(ctx, &proj, inds); err != nil {
			return err
		}
		proj.UpdatedAt = now
		if err := s.store.UpdateProject(ctx, proj); err != nil {
			return err
		}
		return s.audit(ctx, p, "project.indicator_values", projectID, map[string]any{"source": source,
			"source_id": sourceID, "date": day.Format(DateLayout), "values": recorded})
	})
}

// saveIndicators recomputes each indicator's on-track moment, writes them,
// and sets the project's as the earliest.
func (s *Service) saveIndicators(ctx context.Context, proj *Project, inds []Indicator) error {
	ts := make([]*time.Time, len(inds))
	for i := range inds {
		inds[i].OnTrackUntil = indicatorOnTrackUntil(*proj, inds[i])
		ts[i] = inds[i].OnTrackUntil
		if err := s.store.UpdateIndicator(ctx, inds[i]); err != nil {
			return err
		}
	}
	proj.OnTrackUntil = earliest(ts)
	proj.ScheduleBasis = append([]Indicator{}, inds...)
	if len(inds) == 0 {
		proj.refreshSchedule()
	}
	return nil
}

// refreshIndicators follows a change of the project (target, dates, status,
// progress): the first indicator mirrors its target and latest progress,
// and every on-track moment is recomputed. Inside the change's transaction,
// before the project row is written.
func (s *Service) refreshIndicators(ctx context.Context, proj *Project) error {
	m, err := s.store.IndicatorsOf(ctx, []string{proj.ID})
	if err != nil {
		return err
	}
	inds := m[proj.ID]
	for i := range inds {
		if inds[i].Position == 1 {
			mirrorTarget(*proj, &inds[i])
			inds[i].UpdatedAt = s.now()
		}
	}
	return s.saveIndicators(ctx, proj, inds)
}

// firstIndicatorOf is a new project's first indicator, on track as the
// project is.
func firstIndicatorOf(proj Project) Indicator {
	ind := firstIndicator(proj)
	ind.OnTrackUntil = indicatorOnTrackUntil(proj, ind)
	return ind
}

// recordProgressValue keeps a progress report in the first indicator's
// dated history (as migration 00016 did for the reports before it), so the
// indicator's value at any past date can be read back.
func (s *Service) recordProgressValue(ctx context.Context, p auth.Principal, proj Project, r ProgressReport) error {
	v := r.Percent
	switch {
	case proj.TargetQuantity != nil && r.Quantity != nil:
		v = *r.Quantity
	case proj.TargetQuantity != nil:
		v = r.Percent * *proj.TargetQuantity / 100
	}
	_, err := s.store.InsertIndicatorValue(ctx, DatedValue{ID: r.ID + "-v1", IndicatorID: proj.ID + "-i1",
		ProjectID: proj.ID, Date: r.Date, Value: v, Source: SourceProgress, SourceID: r.ID, ReportedBy: p.UserID,
		CreatedAt: r.CreatedAt})
	return err
}
