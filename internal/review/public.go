package review

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// PublicProject is what the public disclosure (公示) shows of a project.
// It is built field by field from the project, so a field added to the
// project later is not published by accident: no responsible leader, no
// contractor or contact, no budget, no creator, no user or photo data, and
// no internal ids (the code is the number the county's own list prints).
type PublicProject struct {
	Code           string
	Name           string
	Category       projects.Category
	Township       string
	Unit           string
	Status         projects.Status
	PlannedStart   *time.Time
	PlannedEnd     *time.Time
	ProgressPct    float64
	ProgressQty    *float64
	TargetQuantity *float64
	TargetUnit     string
	ProgressDate   *time.Time
	BehindSchedule bool
	// Schedule is the schedule status (序时进度) now. Its gap is not
	// published: it moves every second, and the list's ETag must move only
	// when the data (or a status) does.
	Schedule projects.ScheduleStatus
	Orders   OrderTally
}

// publicBatch bounds one read of the public list; the list itself is the
// whole county (a few hundred to a few thousand projects), because the
// body's hash is its ETag.
const publicBatch = 500

// PublicProjects lists every project for the public, ordered by code. It
// needs no principal: everything in it is public by design. Nothing that
// moves with the clock except behind-schedule is included, so the body
// (and its ETag) changes only when the data does.
func (s *Service) PublicProjects(ctx context.Context) ([]PublicProject, error) {
	now := s.now()
	tallies, err := s.d.Orders.Tallies(ctx)
	if err != nil {
		return nil, err
	}
	out := []PublicProject{}
	after := ""
	for {
		batch, err := s.d.Store.ProjectBatch(ctx, after, publicBatch, false)
		if err != nil {
			return nil, err
		}
		sch, err := s.schedules(ctx, batch, now, false)
		if err != nil {
			return nil, err
		}
		for _, p := range batch {
			out = append(out, PublicProject{Schedule: sch[p.ID].Status, Code: p.Code, Name: p.Name, Category: p.Category, Township: p.Township,
				Unit: p.Unit, Status: p.Status, PlannedStart: p.PlannedStart, PlannedEnd: p.PlannedEnd,
				ProgressPct: p.Progress.Percent, ProgressQty: p.Progress.Quantity, TargetQuantity: p.TargetQuantity,
				TargetUnit: p.TargetUnit, ProgressDate: p.Progress.Date,
				BehindSchedule: projects.Behind(p.OnTrackUntil, now), Orders: tallies[p.ID]})
		}
		if len(batch) < publicBatch {
			return out, nil
		}
		after = batch[len(batch)-1].Code
	}
}
