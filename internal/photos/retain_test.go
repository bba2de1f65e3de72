package photos_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/storage"
)

// retainRecorder is the object store with its Retain calls noted, so the
// test can see the date asked for on a backend without object locking too.
type retainRecorder struct {
	storage.Store
	mu    sync.Mutex
	until map[string]time.Time
}

func (r *retainRecorder) Retain(ctx context.Context, key string, until time.Time) error {
	r.mu.Lock()
	r.until[key] = until
	r.mu.Unlock()
	return r.Store.Retain(ctx, key, until)
}

// TestRetentionFollowsTheInjectedClock runs the retention job once for an
// upload made with the service's clock an hour ahead of the wall clock: the
// original is retained until its creation time by that clock plus the
// retention period — not the wall clock's, nor the job's run time.
func TestRetentionFollowsTheInjectedClock(t *testing.T) {
	var rec *retainRecorder
	wrap := func(d *photos.Deps) {
		d.RetentionDays = 1
		rec = &retainRecorder{Store: d.Objects, until: map[string]time.Time{}}
		d.Objects = rec
	}
	eachBackendWith(t, wrap, func(t *testing.T, e *env) {
		e.clock.Add(time.Hour)
		before := e.clock.Now()
		ph, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, "gps/DSCN0021.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		after := e.clock.Now()
		if ph.CreatedAt.Before(before.Truncate(time.Microsecond)) || ph.CreatedAt.After(after) {
			t.Fatalf("created at %v, want the service clock's %v..%v", ph.CreatedAt, before, after)
		}
		e.clock.Add(5 * time.Hour) // the job runs later; the date must not move
		e.retainAll(t, ph.ID)
		rec.mu.Lock()
		got, ok := rec.until[ph.ObjectKey]
		rec.mu.Unlock()
		// The row's creation time (stored to the microsecond) is the one
		// the job reads.
		row, err := e.store.Get(t.Context(), ph.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := row.CreatedAt.Add(24 * time.Hour); !ok || !got.Equal(want) {
			t.Errorf("retained until %v (asked: %v), want creation + 1 day = %v", got, ok, want)
		}
	})
}
