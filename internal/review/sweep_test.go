package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/review/reviewdb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// TestLimiterSweepAtInjectedTimes drives single iterations of the public
// rate-window sweep (the server runs one every ten minutes) with the
// limiter's clock injected: a window is removed once two window lengths
// have passed since it started, and the current and previous ones stay.
func TestLimiterSweepAtInjectedTimes(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		ctx := context.Background()
		w0 := time.Unix(1_800_000_000, 0) // a window boundary for one-minute windows
		now := w0.Add(10 * time.Second)
		lim := review.NewLimiter(reviewdb.NewRateWindows(db), 5, time.Minute, func() time.Time { return now })
		sweep := func(want int64) {
			t.Helper()
			if n, err := lim.Sweep(ctx); err != nil || n != want {
				t.Fatalf("sweep at w0+%v: removed %d, %v; want %d", now.Sub(w0), n, err, want)
			}
		}
		for _, k := range []string{"a", "a", "b"} {
			if err := lim.Allow(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		sweep(0) // the current window
		now = w0.Add(70 * time.Second)
		if err := lim.Allow(ctx, "c"); err != nil { // window w0+60s
			t.Fatal(err)
		}
		sweep(0) // w0 is only the previous window
		now = w0.Add(120 * time.Second)
		sweep(0) // w0 started exactly two windows ago: not before the cutoff
		now = w0.Add(121 * time.Second)
		sweep(2) // a and b of w0; c's window is younger
		now = w0.Add(181 * time.Second)
		sweep(1) // c
		sweep(0)
	})
}
