package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Schedule status (序时进度) on the console: the list's tag beside the
// progress, and the project page's indicator table (read-only: editing is
// the API's PATCH /indicators/{id}).

// scheduleTag is a schedule status as the console shows it.
type scheduleTag struct {
	Status string // the API's code, for the catalog ("schedule_status.<s>")
	Class  string // the tag's colour
	Gap    float64
	HasGap bool // a gap worth printing (a schedule applies and is running)
}

func newScheduleTag(st projects.ScheduleStatus, gap float64, scheduled bool) scheduleTag {
	t := scheduleTag{Status: string(st)}
	switch st {
	case projects.ScheduleStalled:
		t.Class = "bad"
	case projects.ScheduleBehind:
		t.Class = "warn"
	case projects.ScheduleAhead, projects.ScheduleCompleted:
		t.Class = "ok"
	}
	if scheduled && st != projects.ScheduleNotStarted && st != projects.ScheduleCompleted {
		t.Gap, t.HasGap = gap, true
	}
	return t
}

// projectScheduleTag is a listed project's tag; nil when not computed.
func projectScheduleTag(p projects.Project) *scheduleTag {
	if p.Schedule == nil {
		return nil
	}
	scheduled := p.PlannedStart != nil && p.PlannedEnd != nil
	t := newScheduleTag(p.Schedule.Status, p.Schedule.GapPoints, scheduled)
	return &t
}

// indicatorRow is one line of the project page's indicator table.
type indicatorRow struct {
	projects.IndicatorSchedule
	Tag   scheduleTag
	Plan  string // "2026-06 60% · 2026-09 100%"; "" for the linear plan
	First bool   // follows the project's target
	// PlanText is the plan as the edit form writes it, "2026-06:60;2026-09:100".
	PlanText string
}

// projectIndicators reads the project's indicators and judges them now.
func (c *Console) projectIndicators(ctx context.Context, p auth.Principal, id string, now time.Time) ([]indicatorRow, error) {
	inds, err := c.d.Projects.Indicators(ctx, p, id)
	if err != nil {
		return nil, err
	}
	sch, err := c.d.Projects.ScheduleAt(ctx, p, id, now)
	if err != nil {
		return nil, err
	}
	plans := map[string]projects.Indicator{}
	for _, ind := range inds {
		plans[ind.ID] = ind
	}
	out := make([]indicatorRow, len(sch.Indicators))
	for i, is := range sch.Indicators {
		ind := plans[is.IndicatorID]
		var parts, text []string
		for _, pt := range ind.Plan {
			parts = append(parts, fmt.Sprintf("%s %g%%", pt.Month, pt.Percent))
			text = append(text, fmt.Sprintf("%s:%g", pt.Month, pt.Percent))
		}
		out[i] = indicatorRow{IndicatorSchedule: is, Tag: newScheduleTag(is.Status, is.GapPoints, is.Scheduled),
			Plan: strings.Join(parts, " · "), First: ind.Position == 1, PlanText: strings.Join(text, ";")}
	}
	return out, nil
}
