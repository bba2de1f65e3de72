package idempotencydb_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/idempotency/idempotencydb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestIdempotencyKeys(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		svc := idempotency.NewService(idempotencydb.New(db), 24*time.Hour, time.Minute, clock)

		// Ten concurrent first requests: exactly one runs, the rest are told
		// it is in progress.
		var wg sync.WaitGroup
		var mu sync.Mutex
		runs, busy := 0, 0
		var first *idempotency.Claim
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep, c, err := svc.Begin(ctx, "u1", "k1", "POST", "/api/v1/projects", "h1")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && rep == nil && c != nil:
					runs++
					first = c
				case errors.Is(err, errs.ErrConflict):
					busy++
				default:
					t.Errorf("begin: %v %v", rep, err)
				}
			}()
		}
		wg.Wait()
		if runs != 1 || busy != 9 {
			t.Fatalf("runs %d busy %d", runs, busy)
		}
		if err := svc.Complete(ctx, first, 201, "application/json", []byte(`{"id":"p1"}`)); err != nil {
			t.Fatal(err)
		}
		rep, _, err := svc.Begin(ctx, "u1", "k1", "POST", "/api/v1/projects", "h1")
		if err != nil || rep == nil || rep.Status != 201 || string(rep.Body) != `{"id":"p1"}` {
			t.Fatalf("replay: %+v %v", rep, err)
		}
		if _, _, err := svc.Begin(ctx, "u1", "k1", "POST", "/api/v1/projects", "h2"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("reused key: %v", err)
		}
		// Another user's key is separate.
		rep, u2, err := svc.Begin(ctx, "u2", "k1", "POST", "/api/v1/projects", "h1")
		if err != nil || rep != nil {
			t.Fatalf("other user: %v %v", rep, err)
		}
		// A failed request releases its key so a retry can run.
		if err := svc.Complete(ctx, u2, 503, "application/problem+json", nil); err != nil {
			t.Fatal(err)
		}
		if rep, _, err := svc.Begin(ctx, "u2", "k1", "POST", "/api/v1/projects", "h1"); err != nil || rep != nil {
			t.Fatalf("retry after 5xx: %v %v", rep, err)
		}
		// After the TTL, the sweeper removes keys.
		now = now.Add(25 * time.Hour)
		if n, err := svc.Sweep(ctx); err != nil || n != 2 {
			t.Fatalf("sweep: %d %v", n, err)
		}
	})
}
