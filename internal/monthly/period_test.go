package monthly_test

import (
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/monthly"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// Due days worked out by hand: the 28th, or the month's last day when the
// configured day is later than the month has (leap and common Februaries).
func TestDueAt(t *testing.T) {
	z := shanghai(t)
	cases := []struct {
		period string
		day    int
		want   string // the deadline: the start of the day after the due day, in the county
	}{
		{"2026-06", 28, "2026-06-29T00:00:00+08:00"},
		{"2026-06", 31, "2026-07-01T00:00:00+08:00"}, // June has 30 days
		{"2026-02", 30, "2026-03-01T00:00:00+08:00"}, // 28 Feb 2026
		{"2028-02", 30, "2028-03-01T00:00:00+08:00"}, // 29 Feb 2028 (leap year)
		{"2028-02", 29, "2028-03-01T00:00:00+08:00"},
		{"2026-12", 28, "2026-12-29T00:00:00+08:00"},
		{"2026-12", 31, "2027-01-01T00:00:00+08:00"},
	}
	for _, c := range cases {
		p, err := monthly.ParsePeriod("period", c.period)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.DueAt(c.day, z).Format(time.RFC3339); got != c.want {
			t.Errorf("%s day %d: due %s, want %s", c.period, c.day, got, c.want)
		}
	}
	p := monthly.Period("2026-06")
	if got := p.RemindAt(28, z).Format(time.RFC3339); got != "2026-06-25T00:00:00+08:00" {
		t.Errorf("remind at %s, want the 25th", got)
	}
	if got := p.RemindAt(2, z).Format(time.RFC3339); got != "2026-06-01T00:00:00+08:00" {
		t.Errorf("due on the 2nd: remind at %s, want the 1st", got)
	}
	// 23:59 on the 28th in the county is 15:59 UTC: still on time.
	due := p.DueAt(28, z)
	if !time.Date(2026, 6, 28, 15, 59, 0, 0, time.UTC).Before(due) || time.Date(2026, 6, 28, 16, 0, 0, 0, time.UTC).Before(due) {
		t.Errorf("the deadline %s is not the end of the 28th in Shanghai", due)
	}
	if got := p.Prev(); got != "2026-05" {
		t.Errorf("prev %s", got)
	}
	if got := monthly.Period("2026-01").Prev(); got != "2025-12" {
		t.Errorf("prev of January %s", got)
	}
	// A UTC instant late on 30 June is already July in the county.
	if got := monthly.PeriodOf(time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC), z); got != "2026-07" {
		t.Errorf("period of 30 June 17:00 UTC = %s, want 2026-07", got)
	}
}

func TestParsePeriodRefusesOtherShapes(t *testing.T) {
	for _, s := range []string{"", "2026-6", "2026-13", "2026/06", "26-06", "2026-06-01", "1999-12", "abcd-ef"} {
		if _, err := monthly.ParsePeriod("period", s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
