package photos

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/storage"
)

// Service is the photo pipeline.
type Service struct {
	audit     Auditor
	store     Store
	jobs      jobs.Store
	objects   storage.Store
	parents   Parents
	cfg       config.PhotoConfig
	retention time.Duration
	log       *slog.Logger
	now       func() time.Time
	// verify bounds how many uploads fully decode at once: a decode holds
	// the whole frame (up to MaxPixels x 4 bytes), so this is what keeps a
	// burst of uploads from exhausting memory.
	verify chan struct{}
	// tempDir is where upload bodies are spooled; "" is os.TempDir().
	tempDir string
	// mem bounds the upload bytes held in memory (Config.UploadMemory).
	mem *budget
	// Direct upload: off when Deps.Direct is nil.
	uploads UploadStore
	urlKey  []byte
	// intents keep the sweeper off objects whose upload may still commit;
	// replica names this service as a holder of the sweep lease.
	intents IntentStore
	replica string
}

// Deps are the service's collaborators.
type Deps struct {
	Store   Store
	Jobs    jobs.Store
	Objects storage.Store
	Parents Parents
	// Routes send the parent ids a route owns (rectification responses) to
	// its Parents; every other id goes to Parents (checks).
	Routes []Route
	// Direct turns direct upload on; nil leaves it off.
	Direct *DirectDeps
	// TempDir is where upload bodies are spooled; "" is os.TempDir().
	TempDir string
	Config  config.PhotoConfig
	// RetentionDays is the object-lock period for originals (0: none).
	RetentionDays int
	Log           *slog.Logger
	// Audit records each stored photo in its row's transaction; nil
	// records nothing.
	Audit Auditor
	// Intents records uploads' objects before their put (IntentStore);
	// nil leaves the sweeper to judge by the grace period alone.
	Intents IntentStore
	// Now is the clock; nil is the system clock. Tests move it to expire
	// upload sessions.
	Now func() time.Time
}

// Auditor records a write in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// New builds the service, complete: nothing is set on it afterwards, so
// wiring cannot depend on the order of calls.
func New(d Deps) (*Service, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	n := max(2, d.Config.RenditionJobs)
	now := func() time.Time { return time.Now().UTC() }
	if d.Now != nil {
		now = func() time.Time { return d.Now().UTC() }
	}
	s := &Service{audit: d.Audit, store: d.Store, jobs: d.Jobs, objects: d.Objects, parents: route(d.Parents, d.Routes),
		cfg: d.Config, retention: time.Duration(d.RetentionDays) * 24 * time.Hour, log: d.Log,
		now: now, verify: make(chan struct{}, n), tempDir: d.TempDir, mem: newBudget(d.Config.UploadMemory),
		intents: d.Intents, replica: uuid.NewString()}
	if d.Direct != nil {
		if err := s.enableDirect(*d.Direct); err != nil {
			return nil, err
		}
	}
	return s, nil
}
