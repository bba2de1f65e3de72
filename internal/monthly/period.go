package monthly

import (
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Period is one reporting month, "2026-06".
type Period string

// ParsePeriod reads "YYYY-MM"; anything else is a 422 on field.
func ParsePeriod(field, s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 || t.Year() < 2000 || t.Year() > 2100 {
		return "", unprocessable(field, "invalid", "a period is a month, YYYY-MM (e.g. 2026-06)")
	}
	return Period(s), nil
}

// PeriodOf is the period t falls in, in zone.
func PeriodOf(t time.Time, zone *time.Location) Period {
	return Period(t.In(zone).Format("2006-01"))
}

func (p Period) month() (int, time.Month) {
	t, _ := time.Parse("2006-01", string(p))
	return t.Year(), t.Month()
}

// Start is the first instant of the month in zone.
func (p Period) Start(zone *time.Location) time.Time {
	y, m := p.month()
	return time.Date(y, m, 1, 0, 0, 0, 0, zone)
}

// End is the first instant of the next month in zone (exclusive).
func (p Period) End(zone *time.Location) time.Time {
	y, m := p.month()
	return time.Date(y, m+1, 1, 0, 0, 0, 0, zone)
}

// Prev is the month before.
func (p Period) Prev() Period {
	y, m := p.month()
	return Period(time.Date(y, m-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01"))
}

// LastDay is the month's last calendar day, as a date (midnight UTC).
func (p Period) LastDay() time.Time {
	y, m := p.month()
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
}

// DueDay is the day of the month reports are due: dueDay, or the month's
// last day when the month is shorter (a due day of 31 is 30 June, and 28
// or 29 February).
func (p Period) DueDay(dueDay int) int {
	last := p.LastDay().Day()
	if dueDay > last {
		return last
	}
	return max(dueDay, 1)
}

// DueAt is the deadline: the end of the due day in the county's zone (the
// first instant of the next day). A report first submitted before it is on
// time.
func (p Period) DueAt(dueDay int, zone *time.Location) time.Time {
	y, m := p.month()
	return time.Date(y, m, p.DueDay(dueDay)+1, 0, 0, 0, 0, zone)
}

// RemindAt is when reminders go out: the start of the day three days
// before the due day (28th due: the morning of the 25th), but not before
// the month begins, when its report cannot be filed yet (a due day of the
// 2nd is reminded on the 1st).
func (p Period) RemindAt(dueDay int, zone *time.Location) time.Time {
	y, m := p.month()
	return time.Date(y, m, max(p.DueDay(dueDay)-3, 1), 0, 0, 0, 0, zone)
}

func (p Period) String() string { return string(p) }

func periodErr(p Period) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "period_closed",
		Message: fmt.Sprintf("the period %s is closed; its reports can no longer change", p),
		Fields:  []errs.FieldError{{Field: "period", Code: "closed", Message: "the office has closed this period"}}}
}
