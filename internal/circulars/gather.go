package circulars

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// Sources is the default Gatherer: the programme's facts from the
// database, schedule status from the projects' indicators, report states
// from the monthly reports. It makes a fixed number of bulk calls per
// circular (units, projects, schedules, reports, orders, look-back),
// whatever the county's size.
type Sources struct {
	Programme Programme
	Schedules Schedules
	Reports   Reports
	// Zone is the county's: a period's month starts and ends at its
	// midnights (nil: UTC).
	Zone *time.Location
	// History narrows the programme to the projects that were under
	// construction at some instant of the programme year up to the
	// circular's instant, or whose planned window meets the year (nil: the
	// programme as Programme.Projects lists it).
	History StatusHistory
}

// StatusHistory reads which statuses projects held over a range of time
// (*projects.Service, from the status history).
type StatusHistory interface {
	StatusesDuring(ctx context.Context, projectIDs []string, from, to time.Time) (map[string][]projects.Status, error)
}

var _ Gatherer = Sources{}

// Gather reads the period's facts.
func (s Sources) Gather(ctx context.Context, period Period, at time.Time) (Input, error) {
	in := Input{Period: period, At: at}
	var err error
	if in.Units, err = s.Programme.Units(ctx); err != nil {
		return Input{}, err
	}
	yearStart := time.Date(period.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
	ps, err := s.Programme.Projects(ctx, yearStart, period.LastDay())
	if err != nil {
		return Input{}, err
	}
	zone := s.Zone
	if zone == nil {
		zone = time.UTC
	}
	if s.History != nil {
		if ps, err = s.inProgramme(ctx, ps, yearStart, period.LastDay(), time.Date(period.Year, time.January, 1, 0, 0, 0, 0, zone), at); err != nil {
			return Input{}, err
		}
	}
	sched, err := s.Schedules.SchedulesOf(ctx, ps, at)
	if err != nil {
		return Input{}, err
	}
	in.Projects = make([]ProjectFacts, len(ps))
	for i, p := range ps {
		sc := sched[p.ID]
		if sc.Status == "" {
			sc.Status = NotStarted
		}
		in.Projects[i] = ProjectFacts{ID: p.ID, Code: p.Code, Name: p.Name, UnitID: p.UnitID, Township: p.Township,
			Status: sc.Status, GapPoints: sc.GapPoints}
	}
	if in.Reports, err = s.Reports.ReportsOf(ctx, period, ps); err != nil {
		return Input{}, err
	}
	start, end := period.Start(zone), period.End(zone)
	// Overdue at the period's end; while the month runs, overdue now (an
	// order is not overdue before its deadline has passed).
	overdueAt := end
	if at.Before(end) {
		overdueAt = at
	}
	if in.OrdersOpened, in.OrdersClosed, in.Overdue, err = s.Programme.Orders(ctx, start, end, overdueAt); err != nil {
		return Input{}, err
	}
	if in.LookBackInspected, in.LookBackFindings, err = s.Programme.LookBack(ctx, start, end); err != nil {
		return Input{}, err
	}
	return in, nil
}

// inProgramme keeps the projects whose planned window meets [from, to]
// (dates) or that were under construction at some instant of [yearStart,
// at): a project begun in September is not in June's circular, however
// late that is printed, and one under construction in March is in it
// though completed since.
func (s Sources) inProgramme(ctx context.Context, ps []projects.Project, from, to, yearStart, at time.Time) ([]projects.Project, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	during, err := s.History.StatusesDuring(ctx, ids, yearStart, at)
	if err != nil {
		return nil, err
	}
	out := ps[:0:0]
	for _, p := range ps {
		keep := p.PlannedStart != nil && p.PlannedEnd != nil && !p.PlannedStart.After(to) && !p.PlannedEnd.Before(from)
		for _, st := range during[p.ID] {
			keep = keep || st == projects.StatusUnderConstruction
		}
		if keep {
			out = append(out, p)
		}
	}
	return out, nil
}

// Indicators reads projects' indicators with their values as of a date
// (*projects.Service, which has no policy on this path: the circular's
// service has decided the caller may publish it).
type Indicators interface {
	IndicatorsOf(ctx context.Context, projectIDs []string, at *time.Time) (map[string][]projects.Indicator, error)
}

// ProjectSchedules judges the projects with internal/projects' own rule
// (projects.ScheduleOf: the worst indicator, stalled at half time with
// nothing done), from their indicators' values as of the circular's date,
// in one bulk read for all of them.
type ProjectSchedules struct {
	Indicators Indicators
	// Statuses gives the projects the status each had at the circular's
	// instant (*projects.Service, from the status history): a project
	// completed in August is not completed in June's circular, however
	// late it is printed. Nil judges with the status given.
	Statuses Statuses
}

// Statuses replaces projects' status with the one of an instant.
type Statuses interface {
	WithStatusesAt(ctx context.Context, ps []projects.Project, at time.Time) ([]projects.Project, error)
}

var _ Schedules = ProjectSchedules{}

// SchedulesOf judges ps at the instant at; values are those dated on or
// before the day before at (a finished month is judged at the first
// instant of the next, with the figures reported in it).
func (s ProjectSchedules) SchedulesOf(ctx context.Context, ps []projects.Project, at time.Time) (map[string]Schedule, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	day := dayBefore(at)
	inds, err := s.Indicators.IndicatorsOf(ctx, ids, &day)
	if err != nil {
		return nil, err
	}
	if s.Statuses != nil {
		if ps, err = s.Statuses.WithStatusesAt(ctx, ps, at); err != nil {
			return nil, err
		}
	}
	out := make(map[string]Schedule, len(ps))
	for _, p := range ps {
		sc := projects.ScheduleOf(p, inds[p.ID], at)
		out[p.ID] = Schedule{Status: ScheduleStatus(sc.Status), GapPoints: sc.GapPoints}
	}
	return out, nil
}

// dayBefore is the last calendar day (midnight UTC) that ends on or before
// the instant at: the day whose schedule a circular judged at at reports.
func dayBefore(at time.Time) time.Time {
	y, m, d := at.UTC().Add(-time.Nanosecond).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
