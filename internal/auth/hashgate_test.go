package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

func TestHashGateBoundsHashesAtOnce(t *testing.T) {
	g := newHashGate(2, time.Minute)
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.do(context.Background(), func() {
				n := cur.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				cur.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Fatalf("%d hashes ran at once, want at most (and, with 16 waiting, exactly) 2", p)
	}
}

func TestHashGateGivesUp(t *testing.T) {
	g := newHashGate(1, 30*time.Millisecond)
	hold, release := make(chan struct{}), make(chan struct{})
	go func() { _ = g.do(context.Background(), func() { close(hold); <-release }) }()
	<-hold
	defer close(release)

	start := time.Now()
	err := g.do(context.Background(), func() { t.Error("ran while the only slot was taken") })
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindUnavailable || e.RetryAfter <= 0 {
		t.Fatalf("a full queue answered %v, want 503 with Retry-After", err)
	}
	if took := time.Since(start); took < 30*time.Millisecond || took > time.Second {
		t.Errorf("gave up after %v, want the 30 ms wait", took)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.do(ctx, func() { t.Error("ran for a caller that left") }); !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller that left got %v", err)
	}
}
