package photos_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

// fakeParents stands in for the checks service: parents by id, and who may
// upload to / view each.
type fakeParents struct {
	mu      sync.Mutex
	parents map[string]photos.Parent
	owner   map[string]string
}

func (f *fakeParents) add(p photos.Parent, owner string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parents[p.ID], f.owner[p.ID] = p, owner
}

func (f *fakeParents) lookup(p auth.Principal, id string) (photos.Parent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	par, ok := f.parents[id]
	if !ok || f.owner[id] != p.UserID {
		return photos.Parent{}, errs.NotFound("check")
	}
	return par, nil
}

func (f *fakeParents) ForUpload(_ context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return f.lookup(p, id)
}

func (f *fakeParents) ForView(_ context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return f.lookup(p, id)
}

type env struct {
	clock   *clock
	svc     *photos.Service
	db      *store.DB
	store   *photosdb.Photos
	jobs    *jobsdb.Store
	objects storage.Store
	parents *fakeParents
	cfg     config.PhotoConfig
	// deps built svc; withDirect rebuilds it from them.
	deps photos.Deps
}

var alice = auth.Principal{UserID: "alice", Role: "inspector"}

func testConfig() config.PhotoConfig {
	return config.PhotoConfig{MaxUploadBytes: 25 << 20, MaxPixels: 64_000_000, MaxSide: 16384,
		GPSMismatchM: 200, TimeMismatch: 2 * time.Hour, PHashDistance: 6, RenditionJobs: 1,
		OrphanGrace: 0, IntentTTL: time.Hour, SignedURLTTL: time.Minute, StorageDeadline: 5 * time.Second,
		UploadMemory: 64 << 20}
}

// clock is the service's clock: the real time (MinIO signs URLs and
// stamps objects with that), moved ahead only when a test says so.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// eachBackend runs fn on SQLite + local disk and on PostgreSQL + MinIO.
func eachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	eachBackendWith(t, nil, fn)
}

// eachBackendWith is eachBackend with the service's Deps adjusted by mod.
func eachBackendWith(t *testing.T, mod func(*photos.Deps), fn func(t *testing.T, e *env)) {
	t.Run("sqlite+local", func(t *testing.T) {
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, newEnv(t, storetest.SQLite(t), objs, mod))
	})
	t.Run("postgres+minio", func(t *testing.T) {
		db := storetest.Postgres(t)
		ep := testenv.S3Endpoint(t)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		objs, err := s3store.New(ctx, s3store.Config{Endpoint: ep.Endpoint, AccessKey: ep.AccessKey,
			SecretKey: ep.SecretKey, Bucket: ep.Bucket})
		if err != nil {
			t.Fatalf("s3store: %v", err)
		}
		fn(t, newEnv(t, db, objs, mod))
	})
}

func newEnv(t testing.TB, db *store.DB, objs storage.Store, mod func(*photos.Deps)) *env {
	e := &env{db: db, store: photosdb.NewPhotos(db), jobs: jobsdb.New(db), objects: objs,
		parents: &fakeParents{parents: map[string]photos.Parent{}, owner: map[string]string{}}, cfg: testConfig(),
		clock: &clock{}}
	d := photos.Deps{Store: e.store, Jobs: e.jobs, Objects: objs, Parents: e.parents, Config: e.cfg,
		Log: storetest.Logger(t), Now: e.clock.Now, TempDir: t.TempDir(), Intents: photosdb.NewIntents(db)}
	if mod != nil {
		mod(&d)
		e.cfg = d.Config
	}
	e.deps = d
	var err error
	if e.svc, err = photos.New(d); err != nil {
		t.Fatal(err)
	}
	e.parents.add(photos.Parent{Kind: "check", ID: "check-1", ProjectID: "proj-1"}, "alice")
	e.parents.add(photos.Parent{Kind: "check", ID: "check-2", ProjectID: "proj-2"}, "alice")
	e.parents.add(photos.Parent{Kind: "check", ID: "check-bob", ProjectID: "proj-1"}, "bob")
	return e
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) upload(t *testing.T, parent, id string, b []byte) (photos.Photo, bool, error) {
	t.Helper()
	return e.svc.Upload(t.Context(), alice, photos.UploadInput{ParentID: parent, PhotoID: id, Body: bytes.NewReader(b)})
}

// renderAll runs a worker until every rendition job of ids is finished.
func (e *env) renderAll(t *testing.T, ids ...string) {
	t.Helper()
	e.runJobsUntil(t, 90*time.Second, ids, func(id string) bool {
		ph, err := e.store.Get(t.Context(), id)
		return err == nil && ph.RenditionStatus != photos.RenditionPending
	})
}

// retainAll runs a worker until the retention jobs of ids are done.
func (e *env) retainAll(t *testing.T, ids ...string) {
	t.Helper()
	e.runJobsUntil(t, 30*time.Second, ids, func(id string) bool {
		st, err := e.jobs.Inspect(t.Context(), "retain-"+id)
		return err == nil && st.Status == jobs.StatusDone
	})
}

// runJobsUntil runs a worker until done holds for every id.
func (e *env) runJobsUntil(t *testing.T, limit time.Duration, ids []string, done func(id string) bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &jobs.Worker{Store: e.jobs, Name: "test", Concurrency: 2, Poll: 10 * time.Millisecond,
		BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, Log: storetest.Logger(t),
		Handlers: e.svc.Handlers(), Now: e.clock.Now} // the service's clock stamps the jobs it enqueues
	stopped := make(chan struct{})
	go func() { _ = w.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(limit)
	for _, id := range ids {
		for !done(id) {
			if time.Now().After(deadline) {
				t.Fatalf("jobs of %s not finished", id)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	cancel()
	<-stopped
}

func countOriginals(t *testing.T, s storage.Store) int {
	t.Helper()
	n := 0
	if err := s.List(t.Context(), storage.KindOriginals+"/", func(storage.ObjectInfo) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// originalsAfterSweep runs the orphan sweeper once and counts the
// originals it left.
func (e *env) originalsAfterSweep(t *testing.T) int {
	t.Helper()
	if _, err := e.svc.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	return countOriginals(t, e.objects)
}

func kindOf(err error) errs.Kind {
	if e, ok := errs.As(err); ok {
		return e.Kind
	}
	return -1
}

// withDirect rebuilds e's service from the deps it was built with, plus
// direct upload.
func (e *env) withDirect(d photos.DirectDeps) error {
	deps := e.deps
	deps.Direct = &d
	svc, err := photos.New(deps)
	if err != nil {
		return err
	}
	e.svc, e.deps = svc, deps
	return nil
}
