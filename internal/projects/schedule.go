package projects

import (
	"math"
	"time"
)

// The office's rule of thumb is 时间过半、任务过半: by the time half the
// schedule has passed, half the task must be done. A project is behind when
// its share of work done is less than the share of its schedule elapsed.
//
// Instead of comparing shares at query time (date arithmetic that PostgreSQL
// and SQLite spell differently), each project stores the moment its current
// progress stops being enough:
//
//	on_track_until = start + progress_share × (end − start)
//
// so "behind" is the indexable test on_track_until < now on both engines.
// It is recomputed whenever progress, dates or status change.

// day is the length of the inclusive last day of a schedule.
const day = 24 * time.Hour

// window is the schedule as instants: planned_end is inclusive, so a project
// planned 2026-01-01 to 2026-12-31 runs the whole year, and one planned for
// a single day lasts a day rather than no time at all. Dates are UTC days.
func window(start, end *time.Time) (from, to time.Time, ok bool) {
	if start == nil || end == nil || end.Before(*start) {
		return time.Time{}, time.Time{}, false
	}
	return dateOf(*start), dateOf(*end).Add(day), true
}

// scheduleApplies: work that should be moving can fall behind. A suspended
// project (停工) is still judged against its schedule — the circular names it
// among the projects behind, which is where the office wants to see it; a
// completed one is done.
func scheduleApplies(st Status) bool {
	return st == StatusPlanned || st == StatusUnderConstruction || st == StatusSuspended
}

// OnTrackUntil is the moment a project with this status, schedule and
// progress falls behind; nil when the rule does not apply (no dates, work
// complete, or a status that is not expected to progress).
func OnTrackUntil(st Status, start, end *time.Time, percent float64) *time.Time {
	from, to, ok := window(start, end)
	if !ok || !scheduleApplies(st) || percent >= 100 {
		return nil
	}
	share := math.Max(percent, 0) / 100
	t := from.Add(time.Duration(share * float64(to.Sub(from)))).Truncate(time.Second)
	return &t
}

// Behind reports whether a project whose on-track moment is onTrack is
// behind at now. It is the same test the list filter runs in SQL.
func Behind(onTrack *time.Time, now time.Time) bool {
	return onTrack != nil && onTrack.Before(now)
}

// ElapsedPercent is the share of the schedule gone at now, 0..100, rounded
// to two decimals; nil without both dates.
func ElapsedPercent(start, end *time.Time, now time.Time) *float64 {
	from, to, ok := window(start, end)
	if !ok {
		return nil
	}
	share := float64(now.Sub(from)) / float64(to.Sub(from))
	pct := math.Round(math.Min(math.Max(share, 0), 1)*10000) / 100
	return &pct
}

// percentOf derives a percent from a quantity, rounded down to two decimals
// so that 99.996% does not display as done. The epsilon keeps 0.29 × 100
// (28.999…) at 29.
func percentOf(quantity, target float64) float64 {
	pct := math.Floor(quantity/target*100*100+1e-6) / 100
	return math.Min(pct, 100)
}

// refreshSchedule recomputes the stored on-track moment after a change.
func (p *Project) refreshSchedule() {
	p.OnTrackUntil = OnTrackUntil(p.Status, p.PlannedStart, p.PlannedEnd, p.Progress.Percent)
}

// decorate fills the read-time fields from the clock.
func (p *Project) decorate(now time.Time) {
	p.ElapsedPercent = ElapsedPercent(p.PlannedStart, p.PlannedEnd, now)
	p.BehindSchedule = Behind(p.OnTrackUntil, now)
}
