package monthly_test

import (
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/monthly"
)

// Who owes a report is decided at the due time, or now while it is ahead.
func TestOwedAt(t *testing.T) {
	due := time.Date(2026, 5, 28, 16, 0, 0, 0, time.UTC) // the end of 28 May in Asia/Shanghai
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 5, 20, 1, 0, 0, 0, time.UTC), time.Date(2026, 5, 20, 1, 0, 0, 0, time.UTC)},
		{due, due},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), due},
	} {
		if got := monthly.OwedAt(due, c.now); !got.Equal(c.want) {
			t.Errorf("OwedAt(due, %s) = %s, want %s", c.now, got, c.want)
		}
	}
}

// A reuse is the later of two uses: an earlier period first, then the
// earlier-filed report of the same period.
func TestReportPlaceBefore(t *testing.T) {
	oct1 := monthly.ReportPlace{ReportID: "a", Period: "2026-10", Seq: 7}
	oct2 := monthly.ReportPlace{ReportID: "b", Period: "2026-10", Seq: 9}
	nov := monthly.ReportPlace{ReportID: "c", Period: "2026-11", Seq: 3} // filed before October's
	for _, c := range []struct {
		p, q monthly.ReportPlace
		want bool
	}{
		{oct1, nov, true}, {nov, oct1, false}, {oct2, nov, true}, {nov, oct2, false},
		{oct1, oct2, true}, {oct2, oct1, false}, {oct1, oct1, false},
		{monthly.ReportPlace{Period: "2025-12", Seq: 99}, oct1, true}, // December before October of the next year
	} {
		if got := c.p.Before(c.q); got != c.want {
			t.Errorf("%+v before %+v: %v, want %v", c.p, c.q, got, c.want)
		}
	}
}
