package review

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// Schedule status (序时进度) on the dashboard and the public list: each
// project judged by projects.ScheduleOf on its indicators, read a batch at
// a time with the projects (never one query per project).

// IndicatorSource is the projects service's bulk read of indicators
// (projects.Service.IndicatorsOf): values as of at, nil for the latest.
type IndicatorSource interface {
	IndicatorsOf(ctx context.Context, projectIDs []string, at *time.Time) (map[string][]projects.Indicator, error)
}

// StatusSource replaces projects' status with the one they had at an
// instant (projects.Service.WithStatusesAt).
type StatusSource interface {
	WithStatusesAt(ctx context.Context, ps []projects.Project, at time.Time) ([]projects.Project, error)
}

// ScheduleCount is how many projects stand at a schedule status.
type ScheduleCount struct {
	Status projects.ScheduleStatus
	Count  int
}

// schedules judges a batch of projects at asOf; historic is false when
// asOf is now, so the latest figures are read as the project list reads
// them. Without an indicator source (a test wiring), each project is
// judged on its own progress.
func (s *Service) schedules(ctx context.Context, batch []projects.Project, asOf time.Time, historic bool) (map[string]projects.Schedule, error) {
	ids := make([]string, len(batch))
	for i, p := range batch {
		ids[i] = p.ID
	}
	inds := map[string][]projects.Indicator{}
	if s.d.Indicators != nil {
		var at *time.Time
		if historic {
			// asOf is the end of a day, the first instant of the next:
			// the figures are those dated on or before the day itself.
			last := asOf.Add(-time.Second)
			at = &last
		}
		var err error
		if inds, err = s.d.Indicators.IndicatorsOf(ctx, ids, at); err != nil {
			return nil, err
		}
	}
	if historic && s.d.Statuses != nil {
		// Completed by the end of that day, not by today.
		var err error
		if batch, err = s.d.Statuses.WithStatusesAt(ctx, batch, asOf.Add(-time.Second)); err != nil {
			return nil, err
		}
	}
	out := make(map[string]projects.Schedule, len(batch))
	for _, p := range batch {
		out[p.ID] = projects.ScheduleOf(p, inds[p.ID], asOf)
	}
	return out, nil
}

// scheduleCounts counts every project of the county by schedule status at
// asOf, worst status first, every status present (zero or not).
func (s *Service) scheduleCounts(ctx context.Context, asOf time.Time, historic bool) ([]ScheduleCount, error) {
	n := map[projects.ScheduleStatus]int{}
	after := ""
	for {
		batch, err := s.d.Store.ProjectBatch(ctx, after, publicBatch, false)
		if err != nil {
			return nil, err
		}
		sch, err := s.schedules(ctx, batch, asOf, historic)
		if err != nil {
			return nil, err
		}
		for _, v := range sch {
			n[v.Status]++
		}
		if len(batch) < publicBatch {
			break
		}
		after = batch[len(batch)-1].Code
	}
	out := make([]ScheduleCount, len(projects.ScheduleStatuses))
	for i, st := range projects.ScheduleStatuses {
		out[i] = ScheduleCount{Status: st, Count: n[st]}
	}
	return out, nil
}
