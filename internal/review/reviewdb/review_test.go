package reviewdb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/review/reviewdb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestRateWindows(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		ctx := context.Background()
		s := reviewdb.NewRateWindows(db)
		hit := func(key string, window int64) int {
			t.Helper()
			n, err := s.Hit(ctx, key, window)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 1; i <= 3; i++ {
			if n := hit("public:192.0.2.1", 600); n != i {
				t.Fatalf("hit %d counted %d", i, n)
			}
		}
		if n := hit("public:192.0.2.2", 600); n != 1 {
			t.Errorf("another address starts at %d", n)
		}
		// A replica whose clock lags counts into the current window.
		if n := hit("public:192.0.2.1", 540); n != 4 {
			t.Errorf("lagging hit counted %d, want 4", n)
		}
		if n := hit("public:192.0.2.1", 660); n != 1 {
			t.Errorf("a new window starts at %d, want 1", n)
		}

		// Concurrent hits (replicas) are all counted.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := s.Hit(ctx, "public:198.51.100.7", 600); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := hit("public:198.51.100.7", 600); n != 21 {
			t.Errorf("after 20 concurrent hits, count %d, want 21", n)
		}

		n, err := s.SweepRates(ctx, 650)
		if err != nil || n != 2 {
			t.Fatalf("swept %d (%v), want 2", n, err)
		}
		if n := hit("public:192.0.2.2", 660); n != 1 {
			t.Errorf("after the sweep, count %d", n)
		}
	})
}

func TestLimiter(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		ctx := context.Background()
		now := time.Unix(1_800_000_010, 0)
		lim := review.NewLimiter(reviewdb.NewRateWindows(db), 3, time.Minute, func() time.Time { return now })
		for i := range 3 {
			if err := lim.Allow(ctx, "k"); err != nil {
				t.Fatalf("request %d refused: %v", i+1, err)
			}
		}
		err := lim.Allow(ctx, "k")
		if err == nil {
			t.Fatal("fourth request allowed")
		}
		if e, ok := errs.As(err); !ok || e.Kind != errs.KindTooManyRequests || e.RetryAfter != 50*time.Second {
			t.Fatalf("refusal %v, want 429 retrying after the 50 s left of the window", err)
		}
		now = now.Add(time.Minute)
		if err := lim.Allow(ctx, "k"); err != nil {
			t.Fatalf("next window refused: %v", err)
		}
	})
}
