// Package server wires fieldproof together: it builds every service from
// the database, the object store and the configuration, and mounts them on
// the HTTP router. cmd/fieldproof and the API tests both use it, so what the
// tests exercise is exactly what runs.
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

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/httpapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/storage"
)

// Server holds the built services and the HTTP handler.
type Server struct {
	Auth     *auth.Service
	Orgs     *org.Service
	Projects *projects.Service
	Handler  http.Handler
	// Routes lists every registered route, for the route × role tests that
	// fail when a route has no access rule.
	Routes gin.RoutesInfo

	log *slog.Logger
	db  *store.DB
}

// Options are what New needs.
type Options struct {
	Config  config.Config
	DB      *store.DB
	Objects storage.Store
	Log     *slog.Logger
	JWTKey  []byte
	// Now is the clock; nil means time.Now. Tests fix it.
	Now func() time.Time
}

// New builds every service and the router.
func New(o Options) (*Server, error) {
	cfg := o.Config
	now := o.Now
	if now == nil {
		now = time.Now
	}
	orgs := org.NewService(store.NewOrg(o.DB))
	authSvc, err := auth.NewService(store.NewUsers(o.DB),
		func(ctx context.Context, name string) (string, error) {
			u, err := orgs.EnsureUnit(ctx, name)
			return u.ID, err
		},
		auth.Options{
			Tokens: auth.TokenConfig{Key: o.JWTKey, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
				AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL},
			MaxFailures: cfg.LoginMaxFailures, MaxIPFailures: cfg.LoginIPFailures, Window: cfg.LoginWindow,
		}, now)
	if err != nil {
		return nil, err
	}
	projSvc := projects.NewService(store.NewProjects(o.DB), orgs, now,
		projects.Options{DefaultGeofenceM: cfg.DefaultGeofenceM, MaxVolunteersPerProject: cfg.MaxVolunteersPerProject})

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h, err := httpapi.New(httpapi.Deps{
		Log:            o.Log,
		Auth:           authSvc,
		Registry:       reg,
		TrustedProxies: cfg.TrustedProxies,
		ReadTimeout:    cfg.ReadTimeout,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		Ready: []httpapi.ReadyCheck{
			{Name: "database", Ping: o.DB.Ping},
			{Name: "objects", Ping: o.Objects.Ping},
		},
		Mount: []func(g *gin.RouterGroup){
			func(g *gin.RouterGroup) { projectapi.Register(g, projSvc, orgs) },
		},
	})
	if err != nil {
		return nil, err
	}
	return &Server{Auth: authSvc, Orgs: orgs, Projects: projSvc, Handler: h, Routes: h.Routes(), log: o.Log, db: o.DB}, nil
}

// Background starts the periodic jobs and returns a channel closed when
// they have all stopped after ctx ends.
func (s *Server) Background(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	// Later issues add the rendition workers, the orphan sweeper and the
	// overdue escalator here.
	go func() {
		<-ctx.Done()
		wg.Wait()
		close(done)
	}()
	return done
}
