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
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// TestIdempotencyKeyOfADeadRequestIsTakenOver: a request that claimed a key
// and died (kill -9: it never completes nor releases) blocks retries only
// until its lease lapses; then exactly one retry takes the key over, and
// the dead owner, should it wake, can no longer record or release it.
func TestIdempotencyKeyOfADeadRequestIsTakenOver(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
		svc := idempotency.NewService(idempotencydb.New(db), 48*time.Hour, 30*time.Second, clock)
		begin := func() (*idempotency.Record, *idempotency.Claim, error) {
			return svc.Begin(ctx, "u1", "k1", "POST", "/api/v1/orders/o1/close", "h1")
		}

		_, dead, err := begin()
		if err != nil || dead == nil {
			t.Fatalf("first claim: %v %v", dead, err)
		}
		// Within the lease the owner may still be running: a retry waits,
		// told for how long.
		advance(10 * time.Second)
		_, c, err := begin()
		var e *errs.Error
		if c != nil || !errors.As(err, &e) || e.Code != "idempotency_in_progress" {
			t.Fatalf("retry within the lease: %v %v", c, err)
		}
		if e.RetryAfter < 19*time.Second || e.RetryAfter > 20*time.Second {
			t.Errorf("Retry-After %v, want the 20 s left of the lease", e.RetryAfter)
		}

		// Past the lease, ten retries race (two replicas, impatient phones):
		// exactly one takes the key over.
		advance(21 * time.Second)
		var wg sync.WaitGroup
		var cmu sync.Mutex
		var winners []*idempotency.Claim
		busy := 0
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c, err := begin()
				cmu.Lock()
				defer cmu.Unlock()
				switch {
				case err == nil && c != nil:
					winners = append(winners, c)
				case errors.Is(err, errs.ErrConflict):
					busy++
				default:
					t.Errorf("racing retry: %v %v", c, err)
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 || busy != 9 {
			t.Fatalf("%d retries took the key over (%d told busy), want exactly 1", len(winners), busy)
		}
		retry := winners[0]
		if retry.Owner == dead.Owner {
			t.Fatal("the retry holds the key under the dead request's owner id")
		}

		// The dead owner wakes: neither its answer nor its release counts.
		if err := svc.Complete(ctx, dead, 500, "application/problem+json", nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.Complete(ctx, dead, 201, "application/json", []byte(`{"stale":true}`)); err != nil {
			t.Fatal(err)
		}
		if _, c, err := begin(); c != nil || !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("the dead owner released or completed the retry's key: %v %v", c, err)
		}

		// The retry finishes; its answer is what the next retry replays.
		if err := svc.Complete(ctx, retry, 200, "application/json", []byte(`{"status":"closed"}`)); err != nil {
			t.Fatal(err)
		}
		rep, c, err := begin()
		if err != nil || c != nil || rep == nil || rep.Status != 200 || string(rep.Body) != `{"status":"closed"}` {
			t.Fatalf("replay after the takeover: %+v %v %v", rep, c, err)
		}
		// A completed key is never taken over, however long after.
		advance(time.Hour)
		if rep, c, err := begin(); err != nil || c != nil || rep == nil {
			t.Fatalf("completed key an hour later: %+v %v %v", rep, c, err)
		}
	})
}

// TestIdempotencyHoldRenewsAndStopsWhenLost: a live request keeps its key
// however long it runs (Hold renews the lease), so no retry takes over a
// request that is merely slow; and a request whose key is gone has its
// context cancelled, so it stops rather than racing the retry.
func TestIdempotencyHoldRenewsAndStopsWhenLost(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const lease = 600 * time.Millisecond
		keys := idempotencydb.New(db)
		svc := idempotency.NewService(keys, time.Hour, lease, nil)
		begin := func(key string) (*idempotency.Claim, error) {
			_, c, err := svc.Begin(ctx, "u1", key, "POST", "/api/v1/checks", "h1")
			return c, err
		}

		c, err := begin("slow")
		if err != nil {
			t.Fatal(err)
		}
		held, stop := svc.Hold(ctx, c)
		time.Sleep(3 * lease)
		if _, err := begin("slow"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("a retry took over a live request's key after 3 leases: %v", err)
		}
		if held.Err() != nil {
			t.Fatalf("a renewed hold was cancelled: %v", context.Cause(held))
		}
		stop()
		if held.Err() == nil {
			t.Fatal("stop did not end the held context")
		}
		time.Sleep(lease + 100*time.Millisecond)
		if c2, err := begin("slow"); err != nil || c2 == nil {
			t.Fatalf("after the owner stopped renewing, the key was not taken over: %v", err)
		}

		// The key vanishes under a running request (taken over): its
		// context ends within a renewal period.
		c, err = begin("lost")
		if err != nil {
			t.Fatal(err)
		}
		held, stop = svc.Hold(ctx, c)
		defer stop()
		if err := keys.Delete(ctx, "u1", "lost"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-held.Done():
		case <-time.After(2 * lease):
			t.Fatal("a request whose key was lost kept running")
		}
	})
}
