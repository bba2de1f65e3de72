package projects

import (
	"math"
	"sort"
	"time"
)

// Schedule status (序时进度): how far each indicator should be by a date,
// how far it is, and what the office calls that. The rules are DOMAIN.md's
// "Schedule status"; each has a hand-worked test in indicator_schedule_test.go.

// ScheduleStatus is an indicator's or a project's standing against its plan.
type ScheduleStatus string

// The statuses, from worst to best as a project takes its worst indicator.
const (
	ScheduleStalled    ScheduleStatus = "stalled"
	ScheduleBehind     ScheduleStatus = "behind"
	ScheduleOnSchedule ScheduleStatus = "on_schedule"
	ScheduleNotStarted ScheduleStatus = "not_started"
	ScheduleAhead      ScheduleStatus = "ahead"
	ScheduleCompleted  ScheduleStatus = "completed"
)

// ScheduleStatuses lists the statuses worst first (the order the office
// reads a circular in).
var ScheduleStatuses = []ScheduleStatus{ScheduleStalled, ScheduleBehind, ScheduleOnSchedule, ScheduleNotStarted,
	ScheduleAhead, ScheduleCompleted}

func (st ScheduleStatus) rank() int {
	for i, s := range ScheduleStatuses {
		if s == st {
			return i
		}
	}
	return len(ScheduleStatuses)
}

// Valid reports whether st is a known status.
func (st ScheduleStatus) Valid() bool { return st.rank() < len(ScheduleStatuses) }

const (
	// AheadPoints is how far past the plan an indicator must be to count
	// as ahead (超序时): a few points either way is the noise of a monthly
	// figure, not a unit that is doing better.
	AheadPoints = 10
	// StalledShare: nothing reported once half the schedule is due is a
	// stalled project (时间过半而进度为零), whatever its gap.
	StalledShare = 50
)

// IndicatorSchedule is one indicator's standing at a date.
type IndicatorSchedule struct {
	IndicatorID string
	Name        string
	Unit        string
	Target      float64
	Value       float64
	// Scheduled is false when the project has no planned dates: nothing is
	// due, so the indicator can be completed or not, never behind.
	Scheduled       bool
	PlannedPercent  float64
	ReportedPercent float64
	// GapPoints is reported − planned, in percentage points: negative is behind.
	GapPoints float64
	Status    ScheduleStatus
}

// Schedule is a project's standing: its worst indicator's.
type Schedule struct {
	Status     ScheduleStatus
	GapPoints  float64
	Indicators []IndicatorSchedule
}

// ScheduleOf judges a project's indicators at a date. A project with no
// indicators is judged on its own progress percent (the indicator every
// project had before indicators existed).
func ScheduleOf(proj Project, inds []Indicator, at time.Time) Schedule {
	if len(inds) == 0 {
		inds = []Indicator{{Name: ProgressIndicatorName, Unit: PercentUnit, Target: 100, Value: proj.Progress.Percent}}
	}
	out := Schedule{Indicators: make([]IndicatorSchedule, len(inds))}
	for i, ind := range inds {
		is := indicatorSchedule(proj, ind, at)
		out.Indicators[i] = is
		if i == 0 || is.Status.rank() < out.Status.rank() ||
			(is.Status == out.Status && is.GapPoints < out.GapPoints) {
			out.Status, out.GapPoints = is.Status, is.GapPoints
		}
	}
	return out
}

func indicatorSchedule(proj Project, ind Indicator, at time.Time) IndicatorSchedule {
	is := IndicatorSchedule{IndicatorID: ind.ID, Name: ind.Name, Unit: ind.Unit, Target: ind.Target, Value: ind.Value,
		ReportedPercent: reportedPercent(ind)}
	planned, ok := plannedPercent(proj, ind.Plan, at)
	is.Scheduled = ok
	if ok {
		is.PlannedPercent = round2(planned)
		is.GapPoints = round2(is.ReportedPercent - planned)
	}
	done := proj.Status == StatusCompleted || proj.Status == StatusAccepted
	switch {
	case done || is.ReportedPercent >= 100:
		is.Status = ScheduleCompleted
	case ind.Value <= 0 && (!ok || planned <= 0):
		is.Status = ScheduleNotStarted
	case !ok:
		is.Status = ScheduleOnSchedule
	case ind.Value <= 0 && planned >= StalledShare:
		is.Status = ScheduleStalled
	case is.ReportedPercent < planned:
		// The unrounded comparison: the same test the list filter runs in
		// SQL through on_track_until.
		is.Status = ScheduleBehind
	case is.ReportedPercent-planned >= AheadPoints:
		is.Status = ScheduleAhead
	default:
		is.Status = ScheduleOnSchedule
	}
	return is
}

// reportedPercent is the share of the target reported, 0..100, rounded
// down to two decimals as project percents are.
func reportedPercent(ind Indicator) float64 {
	if ind.Target <= 0 {
		return 0
	}
	return percentOf(math.Max(ind.Value, 0), ind.Target)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// knot is a point of an indicator's plan: by instant t, pct percent is due.
type knot struct {
	t   time.Time
	pct float64
}

// planKnots turns a plan into the piecewise-linear curve the share due
// follows: 0 at the planned start, each month's cumulative share at the
// end of that month (the first instant of the next, UTC dates as the rest
// of the schedule), and 100 at the end of the inclusive window. An empty
// plan is the straight line from start to end. Shares never go down: a plan
// written 60, 50 is read as 60, 60.
func planKnots(start, end *time.Time, plan []PlanPoint) ([]knot, bool) {
	from, to, ok := window(start, end)
	if !ok {
		return nil, false
	}
	ks := []knot{{t: from, pct: 0}}
	pts := append([]PlanPoint(nil), plan...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Month < pts[j].Month })
	for _, p := range pts {
		m, err := time.Parse(MonthLayout, p.Month)
		if err != nil {
			continue
		}
		t := m.AddDate(0, 1, 0)
		if !t.After(from) {
			continue
		}
		if t.After(to) {
			t = to
		}
		pct := math.Min(math.Max(p.Percent, ks[len(ks)-1].pct), 100)
		if t.Equal(ks[len(ks)-1].t) {
			ks[len(ks)-1].pct = pct
			continue
		}
		ks = append(ks, knot{t: t, pct: pct})
	}
	if last := ks[len(ks)-1]; last.t.Before(to) {
		ks = append(ks, knot{t: to, pct: 100})
	}
	return ks, true
}

// plannedPercent is the share due at `at`; false without planned dates.
func plannedPercent(proj Project, plan []PlanPoint, at time.Time) (float64, bool) {
	ks, ok := planKnots(proj.PlannedStart, proj.PlannedEnd, plan)
	if !ok {
		return 0, false
	}
	if !at.After(ks[0].t) {
		return 0, true
	}
	for i := 1; i < len(ks); i++ {
		a, b := ks[i-1], ks[i]
		if at.Before(b.t) {
			f := float64(at.Sub(a.t)) / float64(b.t.Sub(a.t))
			return a.pct + f*(b.pct-a.pct), true
		}
	}
	return ks[len(ks)-1].pct, true
}

// indicatorOnTrackUntil is the moment the share due passes the share
// reported: the last instant at which the indicator is not behind. Nil when
// that never happens (done, no dates, or a status not expected to move).
// Stored per indicator, and the project's is the earliest of them, so
// "behind" stays the indexable on_track_until < now on both engines.
func indicatorOnTrackUntil(proj Project, ind Indicator) *time.Time {
	if !scheduleApplies(proj.Status) {
		return nil
	}
	r := reportedPercent(ind)
	if r >= 100 {
		return nil
	}
	ks, ok := planKnots(proj.PlannedStart, proj.PlannedEnd, ind.Plan)
	if !ok {
		return nil
	}
	for i := 1; i < len(ks); i++ {
		a, b := ks[i-1], ks[i]
		if b.pct > r {
			f := 0.0
			if r > a.pct {
				f = (r - a.pct) / (b.pct - a.pct)
			}
			t := a.t.Add(time.Duration(f * float64(b.t.Sub(a.t)))).Truncate(time.Second)
			return &t
		}
	}
	return nil
}

// earliest is the project's on-track moment from its indicators'.
func earliest(ts []*time.Time) *time.Time {
	var out *time.Time
	for _, t := range ts {
		if t != nil && (out == nil || t.Before(*out)) {
			tt := *t
			out = &tt
		}
	}
	return out
}
