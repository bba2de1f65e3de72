package reviewdb

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/store"
)

// Orders implements review.OrderCounts from the orders table
// (migration 00007, internal/orders). Whether that table exists is read
// once, when the server is built after migrating: on a database without it
// the review answers zero orders and lists failed checks without the
// "no order" condition, and with it both come from the orders table, with
// no change here. (A replica keeps what it saw at start until restarted.)
type Orders struct {
	db     *store.DB
	linked bool
}

var _ review.OrderCounts = (*Orders)(nil)

// NewOrders looks for the orders table and returns the counter.
func NewOrders(ctx context.Context, db *store.DB) (*Orders, error) {
	ctx, cancel := db.Ctx(ctx)
	defer cancel()
	has := db.Conn(ctx).Migrator().HasTable("orders")
	if err := ctx.Err(); err != nil {
		return nil, store.Translate(err, entOrder, "look for the orders table")
	}
	return &Orders{db: db, linked: has}, nil
}

// Linked reports whether the orders table exists.
func (s *Orders) Linked() bool { return s.linked }

// Tallies counts open (issued, acknowledged, response_submitted) and
// closed orders per project in one grouped query; cancelled orders count
// as neither.
func (s *Orders) Tallies(ctx context.Context) (map[string]review.OrderTally, error) {
	out := map[string]review.OrderTally{}
	if !s.linked {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		ProjectID    string
		Open, Closed int
	}
	err := s.db.Conn(ctx).Table("orders").
		Select("project_id, " +
			"SUM(CASE WHEN status NOT IN ('closed', 'cancelled') THEN 1 ELSE 0 END) AS open, " +
			"SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS closed").
		Group("project_id").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entOrder, "count orders")
	}
	for _, r := range rows {
		out[r.ProjectID] = review.OrderTally{Open: r.Open, Closed: r.Closed}
	}
	return out, nil
}
