package ordersdb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/store"
)

// Tallies counts orders by status, township, unit and severity.
func (s *Store) Tallies(ctx context.Context) ([]orders.Tally, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		Status, Township, Unit, Severity string
		Count                            int
	}
	// Counted per project first (from orders_tally alone), then named:
	// joining names to a hundred thousand orders before grouping costs five
	// times as much.
	err := s.db.Conn(ctx).Raw(`SELECT g.status, t.name AS township, u.name AS unit, g.severity, SUM(g.n) AS count
		FROM (SELECT status, severity, project_id, unit_id, COUNT(*) AS n FROM orders
		      GROUP BY status, severity, project_id, unit_id) g
		JOIN projects p ON p.id = g.project_id JOIN townships t ON t.id = p.township_id JOIN units u ON u.id = g.unit_id
		GROUP BY g.status, t.name, u.name, g.severity ORDER BY g.status, t.name, u.name, g.severity`).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entOrder, "order tallies")
	}
	out := make([]orders.Tally, len(rows))
	for i, r := range rows {
		out[i] = orders.Tally{Status: orders.Status(r.Status), Township: r.Township, Unit: r.Unit,
			Severity: orders.Severity(r.Severity), Count: r.Count}
	}
	return out, nil
}

// Overdue lists open orders past their deadline, oldest deadline first,
// with how many there are in all.
func (s *Store) Overdue(ctx context.Context, now time.Time, limit int) ([]orders.OverdueOrder, int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var total int64
	q := s.db.Conn(ctx).Table("orders").Where("status IN ? AND deadline < ?", openStatuses, now.UTC())
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, store.Translate(err, entOrder, "count overdue orders")
	}
	var rows []struct {
		ID, Number, Code, Township, Unit, Severity, Status string
		Deadline                                           time.Time
		EscalatedAt                                        *time.Time
	}
	err := s.db.Conn(ctx).Raw(`SELECT o.id, o.number, p.code, t.name AS township, u.name AS unit, o.severity, o.status,
			o.deadline, o.escalated_at
		FROM orders o JOIN projects p ON p.id = o.project_id JOIN townships t ON t.id = p.township_id
		JOIN units u ON u.id = o.unit_id
		WHERE o.status IN ? AND o.deadline < ? ORDER BY o.deadline, o.number LIMIT ?`,
		openStatuses, now.UTC(), limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, store.Translate(err, entOrder, "list overdue orders")
	}
	out := make([]orders.OverdueOrder, len(rows))
	for i, r := range rows {
		out[i] = orders.OverdueOrder{ID: r.ID, Number: r.Number, ProjectCode: r.Code, Township: r.Township, Unit: r.Unit,
			Severity: orders.Severity(r.Severity), Status: orders.Status(r.Status), Deadline: r.Deadline.UTC(),
			Escalated: r.EscalatedAt != nil}
	}
	return out, int(total), nil
}

// CloseTimes computes the median and 90th percentile of days to close in
// the database (percentile_cont on PostgreSQL; on SQLite, the two rows at
// those ranks), and counts closed orders without a verification photo.
func (s *Store) CloseTimes(ctx context.Context) (orders.CloseTimes, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var ct orders.CloseTimes
	var closed int64
	if err := s.db.Conn(ctx).Table("orders").Where("status = ? AND closed_at IS NOT NULL", orders.StatusClosed).
		Count(&closed).Error; err != nil {
		return ct, store.Translate(err, entOrder, "count closed orders")
	}
	ct.Closed = int(closed)
	if err := s.db.Conn(ctx).Raw(`SELECT count(*) FROM orders o WHERE o.status = ?
		AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.parent_id = o.verification_check_id AND o.verification_check_id <> '')`,
		orders.StatusClosed).Scan(&ct.ClosedNoFoto).Error; err != nil {
		return ct, store.Translate(err, entPhoto, "count closed orders without a verification photo")
	}
	if closed == 0 {
		return ct, nil
	}
	if s.db.Dialect() == store.Postgres {
		var r struct{ Median, P90 float64 }
		err := s.db.Conn(ctx).Raw(`SELECT
			percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM closed_at - created_at) / 86400) AS median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM closed_at - created_at) / 86400) AS p90
			FROM orders WHERE status = ? AND closed_at IS NOT NULL`, orders.StatusClosed).Scan(&r).Error
		if err != nil {
			return ct, store.Translate(err, entOrder, "days to close")
		}
		ct.MedianDays, ct.P90Days = &r.Median, &r.P90
		return ct, nil
	}
	at := func(rank float64) (*float64, error) {
		var d float64
		err := s.db.Conn(ctx).Raw(`SELECT julianday(closed_at) - julianday(created_at) FROM orders
			WHERE status = ? AND closed_at IS NOT NULL ORDER BY 1 LIMIT 1 OFFSET ?`,
			orders.StatusClosed, int(rank*float64(closed-1))).Scan(&d).Error
		return &d, store.Translate(err, entOrder, "days to close")
	}
	var err error
	if ct.MedianDays, err = at(0.5); err != nil {
		return ct, err
	}
	ct.P90Days, err = at(0.9)
	return ct, err
}
