package ordersdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/audit/auditdb"
	"github.com/fieldproof/fieldproof/internal/orders/ordersdb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// An order's number is taken only with the audit chain's turn already held,
// so no transaction ever queues for the chain while holding the year's
// counter (the convoy the field day measured). SQLite serialises writers
// anyway; this is PostgreSQL's advisory lock.
func TestNextNumberTakesTheAuditChainFirst(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	orders, chain := ordersdb.New(db), auditdb.New(db)
	numbered, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(ctx context.Context) error {
			if _, err := orders.NextNumber(ctx, 2026); err != nil {
				return err
			}
			close(numbered)
			<-release
			return nil
		})
	}()
	select {
	case <-numbered:
	case err := <-done:
		t.Fatalf("numbering: %v", err)
	}
	entry := []audit.Entry{{At: time.Now().UTC(), ActorID: "system", ActorRole: "system", Action: "test", Entity: "order",
		EntityID: "o1", Changes: "{}"}}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := chain.Append(short, entry, audit.ComputeHash, nil); err == nil {
		t.Fatal("another transaction appended to the audit chain while an order was being numbered")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := chain.Append(ctx, entry, audit.ComputeHash, nil); err != nil {
		t.Fatalf("after the numbering committed: %v", err)
	}
}
