package orders_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/orders"
)

// A keyed create whose commit went through but whose answer was never
// recorded runs again on the phone's retry (scripts/faults.sh
// fieldday-crash found it: PostgreSQL lost between the commit and the
// Idempotency-Key's record made a second order). The rerun must answer
// the first order and the first response, not make new ones.
func TestKeyedCreateRunTwiceMakesOneOrderAndOneResponse(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		ctx := idempotency.WithKey(context.Background(), w.office.UserID, "issue-key-1")
		n := orders.NewOrder{ProjectID: w.road, Defect: "Pavement joints not cut", Severity: orders.SeverityMajor,
			RequiredAction: "Cut the joints"}
		first, err := w.srv.Orders.Create(ctx, w.office, n)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.srv.Orders.Create(ctx, w.office, n)
		if err != nil {
			t.Fatalf("the rerun: %v", err)
		}
		if again.ID != first.ID || again.Number != first.Number {
			t.Fatalf("the rerun answered order %s (%s), the first was %s (%s)", again.ID, again.Number, first.ID, first.Number)
		}
		list, err := w.srv.Orders.List(context.Background(), w.office, orders.ListQuery{ProjectID: w.road})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Orders) != 1 {
			t.Fatalf("%d orders after the rerun, want 1", len(list.Orders))
		}
		// Another request (another key) is another order.
		other, err := w.srv.Orders.Create(idempotency.WithKey(context.Background(), w.office.UserID, "issue-key-2"), w.office, n)
		if err != nil || other.ID == first.ID {
			t.Fatalf("another key: %v, id %s", err, other.ID)
		}

		if _, err := w.srv.Orders.Acknowledge(context.Background(), w.contractor, first.ID, ""); err != nil {
			t.Fatal(err)
		}
		rctx := idempotency.WithKey(context.Background(), w.contractor.UserID, "respond-key-1")
		r := orders.NewResponse{Text: "Joints cut", PhotoIDs: []string{uuid.NewString()}}
		_, rid, err := w.srv.Orders.Respond(rctx, w.contractor, first.ID, r)
		if err != nil {
			t.Fatal(err)
		}
		d, rid2, err := w.srv.Orders.Respond(rctx, w.contractor, first.ID, r)
		if err != nil {
			t.Fatalf("the rerun of the response: %v", err)
		}
		if rid2 != rid || len(d.Responses) != 1 {
			t.Fatalf("the rerun answered response %s with %d responses, the first was %s", rid2, len(d.Responses), rid)
		}
	})
}
