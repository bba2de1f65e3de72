package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func enqueue(t *testing.T, s jobs.Store, id string, maxAttempts int) {
	t.Helper()
	if err := s.Enqueue(context.Background(), jobs.Job{ID: id, Kind: "test", MaxAttempts: maxAttempts}, time.Now()); err != nil {
		t.Fatalf("enqueue %s: %v", id, err)
	}
}

func waitStatus(t *testing.T, s jobs.Store, id, status string) jobs.State {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := s.Inspect(context.Background(), id)
		if err == nil && st.Status == status {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: status %q (err %v), want %q", id, st.Status, err, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Four workers stand for four replicas claiming from one table.
func TestEachJobRunsExactlyOnce(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		s := jobsdb.New(db)
		const n = 200
		for i := range n {
			enqueue(t, s, fmt.Sprintf("job-%03d", i), 3)
		}
		var mu sync.Mutex
		runs := map[string]int{}
		var done atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 4 {
			wk := &jobs.Worker{Store: s, Name: fmt.Sprintf("replica-%d", w), Concurrency: 3,
				Poll: 10 * time.Millisecond, Log: storetest.Logger(t),
				Handlers: map[string]jobs.Handler{"test": func(ctx context.Context, j jobs.Job) error {
					mu.Lock()
					runs[j.ID]++
					mu.Unlock()
					done.Add(1)
					return nil
				}}}
			wg.Go(func() { _ = wk.Run(ctx) })
		}
		deadline := time.Now().Add(30 * time.Second)
		for done.Load() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		if len(runs) != n {
			t.Fatalf("%d distinct jobs ran, want %d", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Errorf("job %s ran %d times", id, c)
			}
		}
		for i := range n {
			waitStatus(t, s, fmt.Sprintf("job-%03d", i), jobs.StatusDone)
		}
	})
}

func TestFailingJobEndsFailedAfterMaxAttempts(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		s := jobsdb.New(db)
		enqueue(t, s, "bad", 3)
		var calls atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		wk := &jobs.Worker{Store: s, Name: "w", Poll: 5 * time.Millisecond,
			BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, Log: storetest.Logger(t),
			Handlers: map[string]jobs.Handler{"test": func(context.Context, jobs.Job) error {
				calls.Add(1)
				return errors.New("decode: broken")
			}}}
		go func() { _ = wk.Run(ctx) }()
		st := waitStatus(t, s, "bad", jobs.StatusFailed)
		if st.Attempts != 3 || calls.Load() != 3 {
			t.Errorf("attempts %d, calls %d; want 3", st.Attempts, calls.Load())
		}
		if st.LastError != "decode: broken" {
			t.Errorf("last_error %q", st.LastError)
		}
	})
}

// A replica that claimed a job and died: once the lease expires another
// worker runs it, and the dead one can no longer record an outcome.
func TestJobSurvivesRestart(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		s := jobsdb.New(db)
		enqueue(t, s, "orphaned", 3)
		ctx := context.Background()
		got, err := s.Claim(ctx, "dead", []string{"test"}, 5, 100*time.Millisecond, time.Now())
		if err != nil || len(got) != 1 {
			t.Fatalf("claim: %v, %d jobs", err, len(got))
		}
		if again, _ := s.Claim(ctx, "other", []string{"test"}, 5, time.Minute, time.Now()); len(again) != 0 {
			t.Fatalf("leased job claimed again before expiry")
		}
		time.Sleep(150 * time.Millisecond)
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ran := make(chan string, 1)
		wk := &jobs.Worker{Store: s, Name: "new", Poll: 10 * time.Millisecond, Log: storetest.Logger(t),
			Handlers: map[string]jobs.Handler{"test": func(_ context.Context, j jobs.Job) error { ran <- j.ID; return nil }}}
		go func() { _ = wk.Run(wctx) }()
		select {
		case id := <-ran:
			if id != "orphaned" {
				t.Fatalf("ran %s", id)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("job not picked up after lease expiry")
		}
		st := waitStatus(t, s, "orphaned", jobs.StatusDone)
		if st.Attempts != 2 {
			t.Errorf("attempts %d, want 2", st.Attempts)
		}
		if err := s.Complete(ctx, "orphaned", "dead", time.Now()); err == nil {
			t.Error("dead replica recorded an outcome after losing its lease")
		}
	})
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	for attempt := 1; attempt <= 10; attempt++ {
		d := jobs.Backoff(attempt, time.Second, time.Minute)
		want := min(time.Second<<(attempt-1), time.Minute)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %v not in [%v, %v]", attempt, d, want/2, want)
		}
	}
}

// lostAnswer commits its first claim and then reports the connection as
// dropped, as when a proxy or a network cut loses the database's answer.
type lostAnswer struct {
	jobs.Store
	lost atomic.Bool
}

func (l *lostAnswer) Claim(ctx context.Context, worker string, kinds []string, n int, lease time.Duration, now time.Time) ([]jobs.Job, error) {
	got, err := l.Store.Claim(ctx, worker, kinds, n, lease, now)
	for _, j := range got {
		if j.ID == "lost" && l.lost.CompareAndSwap(false, true) {
			return nil, errors.New("read claim: unexpected EOF")
		}
	}
	return got, err
}

// A claim the worker never saw must not idle for the lease (an hour here):
// the worker gives it back when the database answers again and runs it.
func TestClaimWithLostAnswerIsReleased(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		base := jobsdb.New(db)
		s := &lostAnswer{Store: base}
		enqueue(t, base, "slow", 3)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		release, started := make(chan struct{}), make(chan struct{})
		wk := &jobs.Worker{Store: s, Name: "w", Concurrency: 2, Lease: time.Hour, Poll: 10 * time.Millisecond,
			Log: storetest.Logger(t),
			Handlers: map[string]jobs.Handler{"test": func(ctx context.Context, j jobs.Job) error {
				if j.ID == "slow" {
					close(started)
					<-release // in hand while the lost claim is released
				}
				return nil
			}}}
		done := make(chan struct{})
		go func() { _ = wk.Run(ctx); close(done) }()
		<-started
		enqueue(t, base, "lost", 3)
		if !waitFor(func() bool { st, _ := base.Inspect(ctx, "lost"); return st.Status == jobs.StatusDone }) {
			st, _ := base.Inspect(ctx, "lost")
			t.Fatalf("job with a lost claim: status %q", st.Status)
		}
		st, _ := base.Inspect(ctx, "lost")
		if st.Attempts != 1 {
			t.Errorf("attempts %d, want 1 (the lost claim's attempt given back)", st.Attempts)
		}
		if st, _ := base.Inspect(ctx, "slow"); st.Status != jobs.StatusRunning {
			t.Errorf("job in hand: status %q, want running (not released under the worker)", st.Status)
		}
		close(release)
		waitStatus(t, base, "slow", jobs.StatusDone)
		cancel()
		<-done
	})
}

func waitFor(ok func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
