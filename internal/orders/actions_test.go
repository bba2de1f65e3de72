package orders_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/orders"
)

// Detail.Actions is what each caller may do now: the status's next steps
// that the policy lets them take, so a page offers exactly what the
// service accepts.
func TestDetailActionsAreTheCallersOwn(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		id := w.issue(t, nil).ID
		expect := func(when string, want map[string][]orders.Action) {
			t.Helper()
			for name, p := range map[string]auth.Principal{"office": w.office, "inspector": w.inspector,
				"contractor": w.contractor, "volunteer": w.volunteer} {
				d, err := w.srv.Orders.Get(ctx, p, id)
				if err != nil {
					t.Fatalf("%s: get as %s: %v", when, name, err)
				}
				if !slices.Equal(d.Actions, want[name]) {
					t.Errorf("%s: %s may %v, want %v", when, name, d.Actions, want[name])
				}
			}
		}
		none := []orders.Action{}
		expect("issued", map[string][]orders.Action{"office": {orders.ActCancel}, "inspector": none,
			"contractor": {orders.ActAcknowledge}, "volunteer": none})
		if _, err := w.srv.Orders.Acknowledge(ctx, w.contractor, id, ""); err != nil {
			t.Fatal(err)
		}
		expect("acknowledged", map[string][]orders.Action{"office": {orders.ActCancel}, "inspector": none,
			"contractor": {orders.ActRespond}, "volunteer": none})
		if _, _, err := w.srv.Orders.Respond(ctx, w.contractor, id, orders.NewResponse{Text: "Joints cut",
			PhotoIDs: []string{uuid.NewString()}}); err != nil {
			t.Fatal(err)
		}
		expect("responded", map[string][]orders.Action{"office": {orders.ActVerify, orders.ActReject, orders.ActCancel},
			"inspector": {orders.ActVerify, orders.ActReject}, "contractor": none, "volunteer": none})
		if _, err := w.srv.Orders.Cancel(ctx, w.office, id, "issued twice"); err != nil {
			t.Fatal(err)
		}
		expect("cancelled", map[string][]orders.Action{"office": none, "inspector": none, "contractor": none, "volunteer": none})
	})
}
