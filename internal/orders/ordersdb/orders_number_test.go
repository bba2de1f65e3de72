package ordersdb_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/audit/auditdb"
	"github.com/fieldproof/fieldproof/internal/orders/ordersdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// Audit appends take no lock, so a transaction holding the year's order
// counter holds up no audited write elsewhere (the chain lock it once
// queued behind is gone). PostgreSQL: SQLite has one writer anyway.
func TestNumberingHoldsUpNoAuditAppend(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	orders, log := ordersdb.New(db), auditdb.New(db)
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
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := log.Append(short, entry)
	close(release)
	if err != nil {
		t.Fatalf("an audit append waited for the order counter: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Numbers stay distinct and gap-free under concurrent creations, on both
// engines, with no lock but the counter row's.
func TestConcurrentNumbersAreDistinct(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		orders := ordersdb.New(db)
		const n = 16
		got := make([]int, n)
		errc := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errc <- db.InTx(context.Background(), func(ctx context.Context) error {
					var err error
					got[i], err = orders.NextNumber(ctx, 2031)
					return err
				})
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		sort.Ints(got)
		for i, v := range got {
			if v != i+1 {
				t.Fatalf("numbers %v, want 1..%d each once", got, n)
			}
		}
	})
}
