package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// flakyStore fails the first writes of an outcome as a dropped database
// connection does.
type flakyStore struct {
	Store
	failures, completes int
	lost                bool
}

func (f *flakyStore) Complete(context.Context, string, string, time.Time) error {
	f.completes++
	if f.lost {
		return errors.New("job j1: lease lost")
	}
	if f.completes <= f.failures {
		return fmt.Errorf("update job: %w", errs.Unavailable("database_unavailable", time.Second, io.ErrUnexpectedEOF))
	}
	return nil
}

func TestOutcomeSurvivesAShortDatabaseOutage(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &flakyStore{failures: 2}
	ok := map[string]Handler{"k": func(context.Context, Job) error { return nil }}
	w := &Worker{Store: f, Log: log, Lease: time.Minute, Now: time.Now, Handlers: ok}
	w.run(context.Background(), Job{ID: "j1", Kind: "k", MaxAttempts: 3, Attempts: 1})
	if f.completes != 3 {
		t.Fatalf("outcome written %d times, want 2 failures then success", f.completes)
	}
	// A lost lease is final: no retrying.
	f = &flakyStore{lost: true}
	w.Store = f
	w.run(context.Background(), Job{ID: "j1", Kind: "k", MaxAttempts: 3, Attempts: 1})
	if f.completes != 1 {
		t.Fatalf("lost lease written %d times", f.completes)
	}
}
