package projects

import (
	"testing"
	"time"
)

// Every figure here is worked out by hand; the comment on each case shows
// the arithmetic.
func TestScheduleOfHandWorked(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	proj := func(start, end string, st Status) Project {
		p := Project{Status: st}
		if start != "" {
			p.PlannedStart, p.PlannedEnd = date(start), date(end)
		}
		return p
	}
	pct := func(v float64) Indicator { return Indicator{Name: "形象进度", Unit: "%", Target: 100, Value: v} }
	year := proj("2026-01-01", "2026-12-31", StatusUnderConstruction)
	mid := at("2026-07-02 12:00") // 182.5 of 365 days: exactly 50%
	monthly := []PlanPoint{{Month: "2026-06", Percent: 60}}
	spring := proj("2026-03-01", "2026-11-30", StatusUnderConstruction)
	cases := []struct {
		name    string
		proj    Project
		ind     Indicator
		at      time.Time
		planned float64
		gap     float64
		status  ScheduleStatus
	}{
		{"half the year, 40 of 100", year, pct(40), mid, 50, -10, ScheduleBehind},
		{"half the year, 55: within the margin", year, pct(55), mid, 50, 5, ScheduleOnSchedule},
		{"half the year, 62: ahead by 12 points", year, pct(62), mid, 50, 12, ScheduleAhead},
		{"half the year, nothing: stalled", year, pct(0), mid, 50, -50, ScheduleStalled},
		{"done early", year, pct(100), mid, 50, 50, ScheduleCompleted},
		{"quantity: 11 of 22.5 km at mid-year (48.88%)", year,
			Indicator{Name: "工程量", Unit: "km", Target: 22.5, Value: 11}, mid, 50, -1.12, ScheduleBehind},
		// 2028 is a leap year: 1 March is day 60 of 366, 16.393…%.
		{"leap year, 1 March", proj("2028-01-01", "2028-12-31", StatusUnderConstruction), pct(16), at("2028-03-01 00:00"),
			16.39, -0.39, ScheduleBehind},
		// Starts 1 July (184 days to 31 Dec inclusive).
		{"mid-year start, before it", proj("2026-07-01", "2026-12-31", StatusPlanned), pct(0), at("2026-06-15 00:00"),
			0, 0, ScheduleNotStarted},
		// 1 September is 62 of 184 days: 33.695…%; nothing done is behind,
		// not yet stalled (that is from 50%).
		{"mid-year start, 1 September, nothing", proj("2026-07-01", "2026-12-31", StatusUnderConstruction), pct(0),
			at("2026-09-01 00:00"), 33.7, -33.7, ScheduleBehind},
		{"past the end, 99%", year, pct(99), at("2027-02-01 00:00"), 100, -1, ScheduleBehind},
		{"completed status, figure short", proj("2026-01-01", "2026-12-31", StatusCompleted), pct(90), mid, 50, 40,
			ScheduleCompleted},
		{"no dates, nothing", proj("", "", StatusUnderConstruction), pct(0), mid, 0, 0, ScheduleNotStarted},
		{"no dates, some", proj("", "", StatusUnderConstruction), pct(30), mid, 0, 0, ScheduleOnSchedule},
		// Plan 60% by the end of June, from 1 March: 1 May is 61 of the
		// 122 days to 1 July, so 30% is due.
		{"monthly plan, 1 May, 30", spring, Indicator{Target: 100, Value: 30, Plan: monthly}, at("2026-05-01 00:00"), 30, 0,
			ScheduleOnSchedule},
		{"monthly plan, end of June, 59", spring, Indicator{Target: 100, Value: 59, Plan: monthly}, at("2026-07-01 00:00"),
			60, -1, ScheduleBehind},
		// After June the last 40 points spread over July–November (153
		// days); 15 September is day 76: 60 + 40 × 76/153 = 79.869…
		{"monthly plan, 15 September", spring, Indicator{Target: 100, Value: 80, Plan: monthly}, at("2026-09-15 00:00"),
			79.87, 0.13, ScheduleOnSchedule},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ScheduleOf(c.proj, []Indicator{c.ind}, c.at)
			is := s.Indicators[0]
			if is.PlannedPercent != c.planned || is.GapPoints != c.gap || is.Status != c.status {
				t.Errorf("planned %v gap %v %s, want %v %v %s", is.PlannedPercent, is.GapPoints, is.Status,
					c.planned, c.gap, c.status)
			}
			if s.Status != is.Status || s.GapPoints != is.GapPoints {
				t.Errorf("project %s %v, its only indicator %s %v", s.Status, s.GapPoints, is.Status, is.GapPoints)
			}
			// The stored on-track moment agrees with the status: behind (or
			// stalled) exactly when it has passed.
			until := indicatorOnTrackUntil(c.proj, c.ind)
			behind := c.status == ScheduleBehind || c.status == ScheduleStalled
			if Behind(until, c.at) != behind {
				t.Errorf("on track until %v at %v, want behind=%v", until, c.at, behind)
			}
		})
	}
}

func TestProjectTakesWorstIndicator(t *testing.T) {
	p := Project{Status: StatusUnderConstruction, PlannedStart: date("2026-01-01"), PlannedEnd: date("2026-12-31")}
	mid := time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC)
	inds := []Indicator{
		{ID: "a", Target: 100, Value: 70},  // ahead, +20
		{ID: "b", Target: 10, Value: 4.5},  // behind, -5
		{ID: "c", Target: 100, Value: 100}, // completed
		{ID: "d", Target: 200, Value: 60},  // behind, -20
	}
	s := ScheduleOf(p, inds, mid)
	if s.Status != ScheduleBehind || s.GapPoints != -20 {
		t.Fatalf("project %s %v, want behind -20 (its worst indicator, d)", s.Status, s.GapPoints)
	}
	// The project's on-track moment is its earliest indicator's: d falls
	// behind at 30% of the year, before b at 45%.
	var ts []*time.Time
	for _, ind := range inds {
		ts = append(ts, indicatorOnTrackUntil(p, ind))
	}
	want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(0.3 * float64(365*day))).Truncate(time.Second)
	if got := earliest(ts); got == nil || !got.Equal(want) {
		t.Fatalf("project on track until %v, want %v", got, want)
	}
	// Stalled beats behind.
	inds = append(inds, Indicator{ID: "e", Target: 5, Value: 0})
	if s := ScheduleOf(p, inds, mid); s.Status != ScheduleStalled {
		t.Fatalf("with a stalled indicator: %s", s.Status)
	}
}

func TestPlanKnotsRepairPlans(t *testing.T) {
	start, end := date("2026-03-01"), date("2026-11-30")
	// Out of order, going down, before the start and past the end.
	ks, ok := planKnots(start, end, []PlanPoint{{"2026-09", 50}, {"2026-06", 60}, {"2026-01", 10}, {"2027-03", 90}})
	if !ok {
		t.Fatal("no knots")
	}
	want := []knot{{*start, 0}, {*date("2026-07-01"), 60}, {*date("2026-10-01"), 60}, {*date("2026-12-01"), 90}}
	if len(ks) != len(want) {
		t.Fatalf("knots %+v, want %+v", ks, want)
	}
	for i := range ks {
		if !ks[i].t.Equal(want[i].t) || ks[i].pct != want[i].pct {
			t.Fatalf("knot %d %+v, want %+v", i, ks[i], want[i])
		}
	}
}
