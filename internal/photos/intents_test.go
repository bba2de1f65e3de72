package photos_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/storage"
)

// pausedPut holds every Put after it lands until release is closed: an
// upload stuck between its put and its commit (CPU starvation, a stalled
// database) for as long as a test likes.
type pausedPut struct {
	storage.Store
	landed  chan string
	release chan struct{}
}

func (p *pausedPut) Put(ctx context.Context, key string, r io.Reader, size int64, o storage.PutOptions) (storage.ObjectInfo, error) {
	info, err := p.Store.Put(ctx, key, r, size, o)
	p.landed <- key
	<-p.release
	return info, err
}

// slowUpload starts an upload on its own replica (service) whose put
// pauses after landing; it returns the object key and the upload's result.
func slowUpload(t *testing.T, e *env, id string) (key string, release func(), result chan error) {
	t.Helper()
	p := &pausedPut{Store: e.objects, landed: make(chan string, 1), release: make(chan struct{})}
	slow := newEnv(t, e.db, e.objects, func(d *photos.Deps) { d.Objects = p })
	result = make(chan error, 1)
	go func() {
		_, _, err := slow.upload(t, "check-1", id, read(t, "gps/DSCN0010.jpg"))
		result <- err
	}()
	select {
	case key = <-p.landed:
	case err := <-result:
		t.Fatalf("the upload ended before its put landed: %v", err)
	}
	return key, func() { close(p.release) }, result
}

func exists(t *testing.T, s storage.Store, key string) bool {
	t.Helper()
	_, err := s.Stat(t.Context(), key)
	return err == nil
}

// TestSweeperSparesAnUploadInFlightWhateverItsAge: with no grace at all
// (FIELDPROOF_ORPHAN_GRACE=0, the extreme of the overloaded 2 s grace that
// cost 21–23 originals in the two-replica drill), an original whose upload
// is between put and commit is not swept, because its upload recorded its
// intent before the put; the row then commits with its object.
func TestSweeperSparesAnUploadInFlightWhateverItsAge(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		key, release, result := slowUpload(t, e, uuid.NewString())
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("sweep during the upload removed %d, %v", n, err)
		}
		release()
		if err := <-result; err != nil {
			t.Fatalf("upload: %v", err)
		}
		if !exists(t, e.objects, key) {
			t.Fatal("the sweeper removed the original of an upload that then committed its row")
		}
		if used, err := e.store.ExistingKeys(t.Context(), []string{key}); err != nil || !used[key] {
			t.Fatalf("the upload's row does not reference its object: %v %v", used, err)
		}
		// Committed: the row now keeps it, with the intent gone.
		e.clock.Add(e.cfg.IntentTTL + time.Hour)
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("sweep after the commit removed %d, %v", n, err)
		}
	})
}

// TestUploadThatOutlivesItsIntentCannotCommit: an upload still uncommitted
// when its intent lapses loses its object to the sweeper, and then cannot
// commit a row for it: it answers 503 and the phone's retry starts afresh.
// Never a row without its object.
func TestUploadThatOutlivesItsIntentCannotCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		id := uuid.NewString()
		key, release, result := slowUpload(t, e, id)
		e.clock.Add(e.cfg.IntentTTL + time.Second)
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 1 {
			t.Fatalf("sweep past the intent removed %d, %v; want the object", n, err)
		}
		release()
		err := <-result
		if kindOf(err) != errs.KindUnavailable {
			t.Fatalf("upload whose object was swept: %v, want 503", err)
		}
		if used, err := e.store.ExistingKeys(t.Context(), []string{key}); err != nil || used[key] {
			t.Fatalf("a row references the swept object %s: %v", key, err)
		}
		// The retry (same photo UUID) stores it whole.
		ph, created, err := e.upload(t, "check-1", id, read(t, "gps/DSCN0010.jpg"))
		if err != nil || !created || !exists(t, e.objects, ph.ObjectKey) {
			t.Fatalf("retry: %v %v", created, err)
		}
	})
}

// TestSweeperRemovesObjectsWithNeitherIntentNorRow: what no upload
// announced and no row references (a race loser whose delete failed, a
// put whose intent was released) goes once it is past the grace.
func TestSweeperRemovesObjectsWithNeitherIntentNorRow(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		key := storage.Key(storage.KindOriginals, uuid.NewString())
		b := []byte("not a photo anyone will reference")
		if _, err := e.objects.Put(t.Context(), key, bytes.NewReader(b), int64(len(b)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 1 || exists(t, e.objects, key) {
			t.Fatalf("sweep removed %d, %v; the orphan is still there: %v", n, err, exists(t, e.objects, key))
		}
	})
}

// TestOneReplicaSweepsAtATime: replicas take turns by a lease; a second
// replica sweeps nothing while the first holds it, and takes over once the
// first stops renewing it (a dead replica's turn passes on).
func TestOneReplicaSweepsAtATime(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		other := newEnv(t, e.db, e.objects, nil)
		if _, err := e.svc.Sweep(t.Context()); err != nil { // e's turn
			t.Fatal(err)
		}
		key := storage.Key(storage.KindOriginals, uuid.NewString())
		b := []byte("orphan")
		if _, err := e.objects.Put(t.Context(), key, bytes.NewReader(b), int64(len(b)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		if n, err := other.svc.Sweep(t.Context()); err != nil || n != 0 || !exists(t, e.objects, key) {
			t.Fatalf("a second replica swept (%d, %v) while the first held the lease", n, err)
		}
		other.clock.Add(time.Minute) // e stopped sweeping: its lease lapses
		if n, err := other.svc.Sweep(t.Context()); err != nil || n != 1 {
			t.Fatalf("after the holder's lease lapsed, the other replica swept %d, %v", n, err)
		}
	})
}

// heldIntents records an intent only when the test says so, and then
// fails it or not.
type heldIntents struct {
	photos.IntentStore
	entered chan struct{}
	outcome chan error
}

func (h *heldIntents) RecordIntent(ctx context.Context, key string, now, expires time.Time) error {
	h.entered <- struct{}{}
	if err := <-h.outcome; err != nil {
		return err
	}
	return h.IntentStore.RecordIntent(ctx, key, now, expires)
}

// TestNoObjectBeforeItsIntent: the intent is recorded while the put
// starts, but the put's last byte waits for it, so while the intent is
// not in no object exists, and an intent that fails leaves none.
func TestNoObjectBeforeItsIntent(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data := read(t, "gps/DSCN0010.jpg")
		for _, fail := range []bool{true, false} {
			for _, sized := range []bool{true, false} {
				base := countOriginals(t, e.objects)
				h := &heldIntents{IntentStore: e.deps.Intents, entered: make(chan struct{}), outcome: make(chan error)}
				held := newEnv(t, e.db, e.objects, func(d *photos.Deps) { d.Intents = h })
				id := uuid.NewString()
				result := make(chan error, 1)
				go func() {
					in := photos.UploadInput{ParentID: "check-1", PhotoID: id, Body: bytes.NewReader(data)}
					if sized {
						in.Size = int64(len(data))
					}
					_, _, err := held.svc.Upload(t.Context(), alice, in)
					result <- err
				}()
				<-h.entered
				time.Sleep(300 * time.Millisecond) // time for a put that did not wait to land
				if n := countOriginals(t, e.objects) - base; n != 0 {
					t.Fatalf("sized %v: %d objects before the intent was recorded", sized, n)
				}
				var want error
				if fail {
					want = errs.Unavailable("database_unavailable", time.Second, errors.New("intent insert failed"))
				}
				h.outcome <- want
				err := <-result
				if fail && kindOf(err) != errs.KindUnavailable {
					t.Fatalf("sized %v: upload with a failed intent: %v, want 503", sized, err)
				}
				if !fail && err != nil {
					t.Fatalf("sized %v: upload: %v", sized, err)
				}
				n := countOriginals(t, e.objects) - base
				if fail && n != 0 || !fail && n != 1 {
					t.Fatalf("sized %v fail %v: %d objects", sized, fail, n)
				}
				if ph, err := e.store.Get(t.Context(), id); !fail && (err != nil || !exists(t, e.objects, ph.ObjectKey)) {
					t.Fatalf("row %v, %v", ph, err)
				}
			}
		}
	})
}
