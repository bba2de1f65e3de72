package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Handler runs one job. An error makes the job retry until MaxAttempts.
type Handler func(ctx context.Context, j Job) error

// Worker claims jobs of any kind it has a handler for and runs them with
// bounded concurrency (renditions decode whole images: the bound is what
// keeps memory bounded).
type Worker struct {
	Store       Store
	Name        string // unique per replica; shows in locked_by
	Handlers    map[string]Handler
	Concurrency int
	Lease       time.Duration // longer than any single run
	Poll        time.Duration
	BackoffBase time.Duration
	BackoffMax  time.Duration
	Log         *slog.Logger
	Now         func() time.Time
}

func (w *Worker) defaults() {
	if w.Concurrency <= 0 {
		w.Concurrency = 1
	}
	if w.Lease <= 0 {
		w.Lease = 5 * time.Minute
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.BackoffBase <= 0 {
		w.BackoffBase = 5 * time.Second
	}
	if w.BackoffMax <= 0 {
		w.BackoffMax = 30 * time.Minute
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
	if w.Now == nil {
		w.Now = func() time.Time { return time.Now().UTC() }
	}
}

// Run claims and runs jobs until ctx ends, then waits for the jobs in hand.
// Those jobs get a context that ends with ctx; a handler that stops early
// returns an error, the job is retried (or its lease expires if even that
// write fails), so nothing is lost on shutdown.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	kinds := make([]string, 0, len(w.Handlers))
	for k := range w.Handlers {
		kinds = append(kinds, k)
	}
	slots := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	var held heldSet
	// After a failed claim the database may hold a claim this worker never
	// saw; it is released once the database answers again.
	unsure := false
	for {
		if unsure && ctx.Err() == nil {
			if n, err := w.Store.Release(ctx, w.Name, held.ids(), w.Now()); err == nil {
				unsure = false
				if n > 0 {
					w.Log.Info("released jobs claimed by a lost answer", "jobs", n)
				}
			}
		}
		free := w.Concurrency - len(slots)
		n := 0
		if free > 0 {
			got, err := w.Store.Claim(ctx, w.Name, kinds, free, w.Lease, w.Now())
			if err != nil && ctx.Err() == nil {
				w.Log.Warn("claim jobs", "err", err)
				unsure = true
			}
			for _, j := range got {
				slots <- struct{}{}
				held.add(j.ID)
				wg.Add(1)
				go func() {
					defer func() { held.remove(j.ID); <-slots; wg.Done() }()
					w.run(ctx, j)
				}()
			}
			n = len(got)
		}
		if n > 0 && n == free {
			// More may be waiting; look again once a slot frees up.
			select {
			case <-ctx.Done():
				return nil
			case slots <- struct{}{}:
				<-slots
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.Poll):
		}
	}
}

func (w *Worker) run(ctx context.Context, j Job) {
	err := w.call(ctx, j)
	now := w.Now()
	var record func(ctx context.Context) error
	switch {
	case err == nil:
		record = func(ctx context.Context) error { return w.Store.Complete(ctx, j.ID, w.Name, now) }
	case j.Attempts >= j.MaxAttempts:
		w.Log.Error("job failed", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", err)
		msg := err.Error()
		record = func(ctx context.Context) error { return w.Store.Fail(ctx, j.ID, w.Name, msg, now) }
	default:
		w.Log.Warn("job will retry", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", err)
		msg, at := err.Error(), now.Add(Backoff(j.Attempts, w.BackoffBase, w.BackoffMax))
		record = func(ctx context.Context) error { return w.Store.Retry(ctx, j.ID, w.Name, msg, at, now) }
	}
	w.recordOutcome(ctx, j, record)
}

// recordOutcome writes a job's outcome, retrying through a short database
// outage: a write lost to a dropped connection would otherwise leave the
// finished job "running" until its lease expires (minutes). It gives up
// well before the lease does, and never because shutdown began.
func (w *Worker) recordOutcome(ctx context.Context, j Job, record func(ctx context.Context) error) {
	out, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(w.Lease/2, time.Minute))
	defer cancel()
	for attempt := 1; ; attempt++ {
		err := record(out)
		if err == nil {
			return
		}
		if !errors.Is(err, errs.ErrUnavailable) {
			// A lost lease (another replica took the job) or a bug: trying
			// again cannot help.
			w.Log.Warn("record job outcome", "id", j.ID, "err", err)
			return
		}
		wait := Backoff(attempt, 200*time.Millisecond, 5*time.Second)
		if dl, _ := out.Deadline(); time.Until(dl) < wait {
			w.Log.Warn("record job outcome; its lease will expire", "id", j.ID, "err", err)
			return
		}
		select {
		case <-out.Done():
			return
		case <-time.After(wait):
		}
	}
}

// call turns a handler panic into an error: one bad image must not take the
// replica down.
func (w *Worker) call(ctx context.Context, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	h, ok := w.Handlers[j.Kind]
	if !ok {
		return fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	return h(ctx, j)
}

// heldSet is the jobs a worker has in hand.
type heldSet struct {
	mu  sync.Mutex
	set map[string]struct{}
}

func (h *heldSet) add(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.set == nil {
		h.set = map[string]struct{}{}
	}
	h.set[id] = struct{}{}
}

func (h *heldSet) remove(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.set, id)
}

func (h *heldSet) ids() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.set))
	for id := range h.set {
		out = append(out, id)
	}
	return out
}
