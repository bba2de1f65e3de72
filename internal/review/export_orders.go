package review

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/orders"
)

// orderExportBatch: one keyset page of orders per query.
const orderExportBatch = 200

// ExportedOrder is one order with the project it is on.
type ExportedOrder struct {
	orders.Order
	Project ProjectLabel
	Overdue bool
}

// ExportOrders streams the orders matching q, newest first, to emit in
// batches, paging through orders.Service.List: the same filters,
// validation and visibility as GET /orders. emit is called at least once.
func (s *Service) ExportOrders(ctx context.Context, p auth.Principal, q orders.ListQuery, emit func([]ExportedOrder) error) error {
	if err := mayOverview(p); err != nil {
		return err
	}
	limit := orderExportBatch
	q.Cursor, q.Limit = "", &limit
	labels := map[string]ProjectLabel{}
	for {
		page, err := s.d.OrderList.List(ctx, p, q)
		if err != nil {
			return err
		}
		ids := make([]string, len(page.Orders))
		for i, o := range page.Orders {
			ids[i] = o.ProjectID
		}
		if err := s.label(ctx, labels, ids); err != nil {
			return err
		}
		out := make([]ExportedOrder, len(page.Orders))
		for i, o := range page.Orders {
			out[i] = ExportedOrder{Order: o, Project: labels[o.ProjectID], Overdue: o.Overdue(page.Now)}
		}
		if err := emit(out); err != nil {
			return err
		}
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}
