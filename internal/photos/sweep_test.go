package photos_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/storage"
)

// TestSweepKeepsYoungAndReferencedOriginals drives single sweeps with the
// service's clock moved past the grace step by step. The sweeper's current
// contract: an original no row references is removed once it is older than
// OrphanGrace and not before; a referenced original is never removed.
func TestSweepKeepsYoungAndReferencedOriginals(t *testing.T) {
	const grace = time.Hour
	eachBackendWith(t, func(d *photos.Deps) { d.Config.OrphanGrace = grace }, func(t *testing.T, e *env) {
		ph, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, "gps/DSCN0010.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		orphan := storage.Key(storage.KindOriginals, uuid.NewString())
		body := []byte("bytes whose row never committed")
		if _, err := e.objects.Put(t.Context(), orphan, bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		present := func(key string) bool {
			t.Helper()
			_, err := e.objects.Stat(t.Context(), key)
			if err != nil && !errors.Is(err, storage.ErrNotExist) {
				t.Fatal(err)
			}
			return err == nil
		}
		sweep := func(wantRemoved int) {
			t.Helper()
			n, err := e.svc.Sweep(t.Context())
			if err != nil || n != wantRemoved {
				t.Fatalf("sweep at clock %v: removed %d, %v; want %d", e.clock.Now().Format(time.RFC3339), n, err, wantRemoved)
			}
		}

		// Young: within the grace an upload may still be between its Put
		// and its commit.
		sweep(0)
		e.clock.Add(grace - 5*time.Minute)
		sweep(0)
		if !present(orphan) {
			t.Fatal("a young unreferenced original was removed")
		}
		// Past the grace: gone; the referenced original, as old, stays.
		e.clock.Add(10 * time.Minute)
		sweep(1)
		if present(orphan) {
			t.Error("an unreferenced original older than the grace survived the sweep")
		}
		if !present(ph.ObjectKey) {
			t.Fatal("the sweep removed a referenced original")
		}
		// Much later still, the referenced original is kept.
		e.clock.Add(365 * 24 * time.Hour)
		sweep(0)
		if !present(ph.ObjectKey) {
			t.Fatal("a year on, the sweep removed a referenced original")
		}
	})
}
