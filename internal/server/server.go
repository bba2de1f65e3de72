// Package server wires fieldproof together: it builds every service from
// the database, the object store and the configuration, and mounts them on
// the HTTP router. cmd/fieldproof and the API tests both use it, so what the
// tests exercise is exactly what runs.
//
// Each domain's wiring lives in its own file (wire_*.go) with a part struct
// embedded in Server, so adding a domain touches this file only to call it.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/httpapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/org/orgdb"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/phonesync/syncdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/reports"
	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/storage"
)

// Server holds the built services and the HTTP handler.
type Server struct {
	Auth     *auth.Service
	Orgs     *org.Service
	Projects *projects.Service
	// Audit is the audit log; its sealer runs in Background.
	Audit   *audit.Service
	Review  *review.Service
	Reports *reports.Service
	campaignParts
	checkParts
	photoParts
	orderParts
	monthlyParts
	circularParts

	Handler http.Handler
	// Routes lists every registered route, for the route × role tests that
	// fail when a route has no access rule.
	Routes gin.RoutesInfo

	log      *slog.Logger
	db       *store.DB
	mounts   []func(g *gin.RouterGroup)
	public   []func(g *gin.RouterGroup)
	root     []func(r *gin.Engine)
	notFound map[string]gin.HandlerFunc
	uploads  map[string]mid.Upload
	workers  []func(ctx context.Context)
	registry *prometheus.Registry
}

// Options are what New needs.
type Options struct {
	Config  config.Config
	DB      *store.DB
	Objects storage.Store
	Log     *slog.Logger
	JWTKey  []byte
	// AuditKey is the note private key that signs the audit log's
	// checkpoints; empty signs with a throwaway key (tests).
	AuditKey string
	// Now is the clock; nil means time.Now. Tests fix it.
	Now func() time.Time
	// HashCost is the argon2id work in new password hashes; zero (as
	// cmd/fieldproof leaves it) means production's. Tests lower it.
	HashCost auth.HashCost
}

// New builds every service and the router.
func New(o Options) (*Server, error) {
	cfg := o.Config
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{log: o.Log, db: o.DB, registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if err := s.wireAudit(o); err != nil {
		return nil, err
	}
	// The phones' sync feed files every entry as it is sealed, from the
	// first write on (wireSync back-fills what came before).
	s.Audit.OnSeal(phonesync.NewIndexer(syncdb.New(o.DB)).Seal)
	s.Orgs = org.NewService(orgdb.New(o.DB), org.Audited(s.Audit, o.DB.InTx))
	var err error
	s.Auth, err = auth.NewService(authdb.New(o.DB),
		func(ctx context.Context, name string) (string, error) {
			u, err := s.Orgs.EnsureUnit(ctx, name)
			return u.ID, err
		},
		auth.Options{
			Tokens: auth.TokenConfig{Key: o.JWTKey, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
				AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL},
			MaxFailures: cfg.LoginMaxFailures, MaxIPFailures: cfg.LoginIPFailures, Window: cfg.LoginWindow,
			HashConcurrency: cfg.HashConcurrency, HashWait: cfg.HashWait, HashCost: o.HashCost, Audit: s.Audit,
		}, o.Now)
	if err != nil {
		return nil, err
	}
	s.Projects = projects.NewService(projectsdb.New(o.DB), s.Orgs, o.Now,
		projects.Options{DefaultGeofenceM: cfg.DefaultGeofenceM, MaxVolunteersPerProject: cfg.MaxVolunteersPerProject,
			Audit: s.Audit})
	s.mount(func(g *gin.RouterGroup) { projectapi.Register(g, s.Projects, s.Orgs) })
	s.wireIndicators(o)

	// Each service is complete when built, so one is built before those
	// that hold it: campaigns before checks (inspections link to tasks),
	// checks before photos (checks decide photo access).
	if err := s.wireCampaigns(o); err != nil {
		return nil, err
	}
	if err := s.wireChecks(o); err != nil {
		return nil, err
	}
	if err := s.wirePhotos(o); err != nil {
		return nil, err
	}
	if err := s.wireDirect(o); err != nil {
		return nil, err
	}
	if err := s.wireOrders(o); err != nil {
		return nil, err
	}
	// The monthly cycle builds on projects, photos and orders.
	if err := s.wireMonthly(o); err != nil {
		return nil, err
	}
	if err := s.wireSync(o); err != nil {
		return nil, err
	}
	if err := s.wireReports(o); err != nil {
		return nil, err
	}
	if err := s.wireCirculars(o); err != nil {
		return nil, err
	}
	if err := s.wireReview(o); err != nil {
		return nil, err
	}
	if err := s.wireConsole(o); err != nil {
		return nil, err
	}
	if err := s.wireFieldApp(o); err != nil {
		return nil, err
	}

	h, err := httpapi.New(httpapi.Deps{
		Log:            o.Log,
		Auth:           s.Auth,
		Registry:       s.registry,
		TrustedProxies: cfg.TrustedProxies,
		ReadTimeout:    cfg.ReadTimeout,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		Uploads:        s.uploads,
		Ready: []httpapi.ReadyCheck{
			{Name: "database", Ping: o.DB.Ping},
			{Name: "objects", Ping: o.Objects.Ping},
		},
		Mount:       s.mounts,
		Public:      s.public,
		Root:        s.root,
		Idempotency: s.Idempotency,
		NotFound:    s.notFound,
	})
	if err != nil {
		return nil, err
	}
	s.Handler, s.Routes = h, h.Routes()
	return s, nil
}

// mount adds an authenticated route group under /api/v1.
func (s *Server) mount(m func(g *gin.RouterGroup)) { s.mounts = append(s.mounts, m) }

// mountRoot adds routes outside /api/v1 (the public disclosure API).
func (s *Server) mountRoot(m func(r *gin.Engine)) { s.root = append(s.root, m) }

// mountPublic adds an unauthenticated route group under /api/v1.
func (s *Server) mountPublic(m func(g *gin.RouterGroup)) { s.public = append(s.public, m) }

// upload declares a route (template under /api/v1) that receives photos:
// it gets the photo size limit and the slow-phone read deadline.
func (s *Server) upload(route string, cfg config.Config) {
	if s.uploads == nil {
		s.uploads = map[string]mid.Upload{}
	}
	s.uploads["/api/v1"+route] = mid.Upload{MaxBytes: cfg.Photos.MaxUploadBytes + 1<<20, Timeout: cfg.UploadTimeout}
}

// worker adds a background loop; it must return when ctx ends.
func (s *Server) worker(w func(ctx context.Context)) { s.workers = append(s.workers, w) }

// Background starts the background workers (rendition jobs, sweepers, …) and
// returns a channel closed when all have stopped after ctx ends.
func (s *Server) Background(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w(ctx)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}
