package review

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Dashboard limits.
const (
	DefaultIdleDays = 30
	MaxIdleDays     = 3650
)

// DashboardQuery is what the office asks of the dashboard.
type DashboardQuery struct {
	// Date is the day to judge at, YYYY-MM-DD; "" is today (UTC).
	Date string
	// Days: a project with no inspection in this many days before the
	// as-of moment is "not inspected"; nil is DefaultIdleDays.
	Days *int
}

// FailedQuery asks the store for failed checks per project.
type FailedQuery struct {
	AsOf time.Time
	// ExcludeOrdered keeps only checks no order cites and no triage
	// dismissed; set when the orders table exists (OrderCounts.Linked).
	ExcludeOrdered bool
}

// InspectionQuery asks the store for projects nobody has visited.
type InspectionQuery struct {
	Since, AsOf time.Time
}

// FailedProject is a project with failed checks.
type FailedProject struct {
	Project      projects.Project
	FailedChecks int
	LastFailedAt time.Time
}

// UninspectedProject is a project nobody has inspected lately;
// LastInspectedAt is nil when it was never inspected before the as-of
// moment.
type UninspectedProject struct {
	Project         projects.Project
	LastInspectedAt *time.Time
}

// Dashboard is the office's list of projects that need attention, each
// list ordered by project code.
type Dashboard struct {
	// Date is the day judged; AsOf the moment: the end of Date, or now
	// when Date is today.
	Date time.Time
	AsOf time.Time
	Days int
	// Behind: progress lags the elapsed share of the schedule
	// (时间过半、任务过半, projects.OnTrackUntil).
	Behind []projects.Project
	// ZeroProgress: half the schedule gone and nothing done — the
	// cultural station whose site could not be found.
	ZeroProgress []projects.Project
	// Failed: failed checks not yet answered by a rectification order
	// (OrdersLinked), or simply failed checks until orders exist.
	Failed       []FailedProject
	OrdersLinked bool
	// NotInspected: no check by an inspector or the office in Days days.
	NotInspected []UninspectedProject
	// Schedule counts every project by schedule status (序时进度) at AsOf,
	// worst first; Behind above is its behind and stalled together.
	Schedule []ScheduleCount
}

func (q DashboardQuery) resolve(now time.Time) (date, asOf time.Time, days int, err error) {
	v := errs.NewValidation(errs.KindInvalid)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	date, asOf = today, now
	if q.Date != "" {
		d, perr := projects.ParseDate(q.Date)
		v.Check(perr != nil, "date", "invalid", "must be a date YYYY-MM-DD")
		if perr == nil && !d.Equal(today) {
			date, asOf = d, d.Add(24*time.Hour)
		}
	}
	days = DefaultIdleDays
	if q.Days != nil {
		days = *q.Days
		v.Check(days < 1 || days > MaxIdleDays, "days", "out_of_range", "must be between 1 and 3650")
	}
	return date, asOf, days, v.Err()
}

// Dashboard answers the four lists at the as-of moment. Progress is each
// project's latest report: a past date moves the clock, not the reports.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal, q DashboardQuery) (Dashboard, error) {
	if err := mayOverview(p); err != nil {
		return Dashboard{}, err
	}
	date, asOf, days, err := q.resolve(s.now())
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Date: date, AsOf: asOf, Days: days, OrdersLinked: s.d.Orders.Linked()}

	behind, err := s.d.Store.BehindProjects(ctx, asOf)
	if err != nil {
		return Dashboard{}, err
	}
	d.Behind = make([]projects.Project, 0, len(behind))
	for _, pr := range behind {
		d.Behind = append(d.Behind, decorated(pr, asOf))
	}

	zero, err := s.d.Store.ZeroProgressCandidates(ctx, asOf)
	if err != nil {
		return Dashboard{}, err
	}
	d.ZeroProgress = []projects.Project{}
	for _, pr := range zero {
		pr = decorated(pr, asOf)
		if pr.ElapsedPercent != nil && *pr.ElapsedPercent >= 50 {
			d.ZeroProgress = append(d.ZeroProgress, pr)
		}
	}

	d.Failed, err = s.d.Store.FailedChecks(ctx, FailedQuery{AsOf: asOf, ExcludeOrdered: d.OrdersLinked})
	if err != nil {
		return Dashboard{}, err
	}
	for i := range d.Failed {
		d.Failed[i].Project = decorated(d.Failed[i].Project, asOf)
	}

	d.NotInspected, err = s.d.Store.NotInspected(ctx, InspectionQuery{Since: asOf.Add(-time.Duration(days) * 24 * time.Hour), AsOf: asOf})
	if err != nil {
		return Dashboard{}, err
	}
	for i := range d.NotInspected {
		d.NotInspected[i].Project = decorated(d.NotInspected[i].Project, asOf)
	}
	// A past day is judged on the figures dated on or before it.
	past := asOf.Equal(date.Add(24*time.Hour)) && asOf.Before(s.now())
	d.Schedule, err = s.scheduleCounts(ctx, asOf, past)
	if err != nil {
		return Dashboard{}, err
	}
	return d, nil
}
