package orders

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// MaxOverdueListed bounds the overdue list of the dashboard (oldest
// deadline first); the counts cover every order.
const MaxOverdueListed = 200

// Tally is how many orders share a status, township, unit and severity.
type Tally struct {
	Status   Status
	Township string
	Unit     string
	Severity Severity
	Count    int
}

// OverdueOrder is an open order past its deadline.
type OverdueOrder struct {
	ID, Number, ProjectCode, Township, Unit string
	Severity                                Severity
	Status                                  Status
	Deadline                                time.Time
	Escalated                               bool
}

// CloseTimes summarises days from issue to close over closed orders.
type CloseTimes struct {
	Closed       int
	MedianDays   *float64
	P90Days      *float64
	ClosedNoFoto int // closed without a verification photo: must be zero
}

// Dashboard is the office's county-wide view of rectification.
type Dashboard struct {
	AsOf     time.Time
	Tallies  []Tally
	Overdue  []OverdueOrder
	Overdues int
	Close    CloseTimes
}

// DashboardStore answers the dashboard's aggregate queries.
type DashboardStore interface {
	Tallies(ctx context.Context) ([]Tally, error)
	Overdue(ctx context.Context, now time.Time, limit int) ([]OverdueOrder, int, error)
	CloseTimes(ctx context.Context) (CloseTimes, error)
}

// Dashboard computes the office's view. It is county-wide, so it is for
// the roles that see every project.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal) (Dashboard, error) {
	if err := policy.Overview(p); err != nil {
		return Dashboard{}, err
	}
	ds := s.d.Store
	now := s.now()
	d := Dashboard{AsOf: now}
	var err error
	if d.Tallies, err = ds.Tallies(ctx); err != nil {
		return Dashboard{}, err
	}
	if d.Overdue, d.Overdues, err = ds.Overdue(ctx, now, MaxOverdueListed); err != nil {
		return Dashboard{}, err
	}
	if d.Close, err = ds.CloseTimes(ctx); err != nil {
		return Dashboard{}, err
	}
	return d, nil
}
