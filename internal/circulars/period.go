package circulars

import (
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Period is a reporting month, written "2026-06" as the monthly reports
// write it.
type Period struct {
	Year  int
	Month time.Month
}

// ParsePeriod reads "YYYY-MM". A bad period is a validation error on
// field "period" (the path parameter), never a 500.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		v := errs.NewValidation(errs.KindInvalid)
		v.Add("period", "invalid", "a period is a month written YYYY-MM, e.g. 2026-06")
		return Period{}, v.Err()
	}
	return Period{Year: t.Year(), Month: t.Month()}, nil
}

func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// Start is the first instant of the month in the county's zone.
func (p Period) Start(zone *time.Location) time.Time {
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, zone)
}

// End is the first instant after the month in the county's zone: orders
// opened "in the period" were opened in [Start, End), and "overdue at its
// end" means still open at End with a deadline before it.
func (p Period) End(zone *time.Location) time.Time {
	return time.Date(p.Year, p.Month+1, 1, 0, 0, 0, 0, zone)
}

// LastDay is the month's last calendar date (midnight UTC, as projects
// write dates), the day whose schedule a circular reports.
func (p Period) LastDay() time.Time {
	return time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC)
}
