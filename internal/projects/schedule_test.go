package projects

import (
	"testing"
	"time"
)

func date(s string) *time.Time {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// TestBehindScheduleRule is 时间过半、任务过半 as a table.
func TestBehindScheduleRule(t *testing.T) {
	mid := time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC) // half of 2026 gone
	start, end := date("2026-01-01"), date("2026-12-31")
	cases := []struct {
		name    string
		status  Status
		start   *time.Time
		end     *time.Time
		percent float64
		now     time.Time
		behind  bool
		elapsed *float64
	}{
		{"half time gone, 40% done", StatusUnderConstruction, start, end, 40, mid, true, ptrF(50)},
		{"half time gone, 60% done", StatusUnderConstruction, start, end, 60, mid, false, ptrF(50)},
		{"half time gone, exactly half done", StatusUnderConstruction, start, end, 50, mid, false, ptrF(50)},
		{"before start, nothing done", StatusPlanned, start, end, 0, time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC), false, ptrF(0)},
		{"on the start day, nothing done", StatusPlanned, start, end, 0, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false, ptrF(0)},
		{"zero progress at mid-year", StatusPlanned, start, end, 0, mid, true, ptrF(50)},
		{"completed, zero progress recorded", StatusCompleted, start, end, 0, mid, false, ptrF(50)},
		{"accepted", StatusAccepted, start, end, 10, mid, false, ptrF(50)},
		// A suspension does not stop the schedule (序时进度 counts calendar time).
		{"suspended", StatusSuspended, start, end, 10, mid, true, ptrF(50)},
		{"fully done before the end", StatusUnderConstruction, start, end, 100, mid, false, ptrF(50)},
		{"past the end, 99% done", StatusUnderConstruction, start, end, 99, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), true, ptrF(100)},
		{"no dates", StatusUnderConstruction, nil, nil, 0, mid, false, nil},
		{"only a start date", StatusUnderConstruction, start, nil, 0, mid, false, nil},
		{"one-day project, morning", StatusUnderConstruction, date("2026-07-02"), date("2026-07-02"), 60, mid, false, ptrF(50)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			until := OnTrackUntil(c.status, c.start, c.end, c.percent)
			if got := Behind(until, c.now); got != c.behind {
				t.Errorf("behind = %v, want %v (on track until %v)", got, c.behind, until)
			}
			got := ElapsedPercent(c.start, c.end, c.now)
			if (got == nil) != (c.elapsed == nil) || (got != nil && *got != *c.elapsed) {
				t.Errorf("elapsed = %v, want %v", deref(got), deref(c.elapsed))
			}
		})
	}
}

func ptrF(f float64) *float64 { return &f }

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestPercentOf(t *testing.T) {
	cases := []struct{ q, target, want float64 }{
		{11, 22.5, 48.88},
		{0.29, 1, 29},
		{22.5, 22.5, 100},
		{22.5000001, 22.5, 100},
		{22.4999, 22.5, 99.99},
	}
	for _, c := range cases {
		if got := percentOf(c.q, c.target); got != c.want {
			t.Errorf("percentOf(%v, %v) = %v, want %v", c.q, c.target, got, c.want)
		}
	}
}

func TestYuan(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1": 100, "1.5": 150, "1234567.89": 123456789, "0.01": 1} {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
		if back, _ := ParseYuan(FormatYuan(got)); back != got {
			t.Errorf("FormatYuan round trip of %d gave %d", got, back)
		}
	}
	for _, bad := range []string{"", "-1", "1.234", "1e6", "1,000", "abc", "12345678901234"} {
		if _, err := ParseYuan(bad); err == nil {
			t.Errorf("ParseYuan(%q) accepted", bad)
		}
	}
	if got := FormatYuan(123456789); got != "1234567.89" {
		t.Errorf("FormatYuan = %s", got)
	}
}
