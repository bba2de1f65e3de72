// Package httpapi assembles fieldproof's HTTP interface: the Gin engine, its
// middleware chain and every route group. Handlers live in the per-domain
// packages beside this one (authapi, projectapi, …); this file only wires.
package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fieldproof/fieldproof/api"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/httpapi/authapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/idempotency"
)

// Deps is everything the HTTP layer needs, passed in by cmd/fieldproof.
type Deps struct {
	Log            *slog.Logger
	Auth           *auth.Service
	Ready          []ReadyCheck
	Registry       *prometheus.Registry
	TrustedProxies []string
	ReadTimeout    time.Duration
	MaxBodyBytes   int64
	// Uploads lists the routes (templates, e.g. /api/v1/checks/:id/photos)
	// that receive photos, with their own body cap and read deadline.
	Uploads map[string]mid.Upload
	// Mount registers further authenticated route groups (projects, checks,
	// …) on /api/v1; each domain package contributes one.
	Mount []func(g *gin.RouterGroup)
	// Public registers unauthenticated route groups on /api/v1 (a signed
	// upload URL carries its own proof); keep them few.
	Public []func(g *gin.RouterGroup)
	// Root registers routes outside /api/v1 (the public disclosure API
	// under /public/v1), with no authentication and the default body limits.
	Root []func(r *gin.Engine)
	// Idempotency honours Idempotency-Key on authenticated POSTs; nil turns it off.
	Idempotency *idempotency.Service
	// NotFound answers unknown routes under a path prefix in that client's
	// own way (the console's pages with a page); elsewhere it is problem+json.
	NotFound map[string]gin.HandlerFunc
}

// New builds the engine.
func New(d Deps) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Gin trusts every proxy by default, which lets any client forge
	// X-Forwarded-For and so dodge per-address login throttling. Only the
	// configured proxies are believed; with none, the peer address is used.
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	metrics := mid.NewMetrics(d.Registry)
	r.Use(mid.RequestID(), mid.Recover(d.Log), metrics.Handler(), mid.Log(d.Log))
	r.NoRoute(func(c *gin.Context) {
		for prefix, h := range d.NotFound {
			if strings.HasPrefix(c.Request.URL.Path, prefix) {
				h(c)
				return
			}
		}
		respond.Status(c, http.StatusNotFound, "route_not_found", "no such route")
	})
	r.NoMethod(func(c *gin.Context) {
		respond.Status(c, http.StatusMethodNotAllowed, "method_not_allowed", "this route does not accept that method")
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", readyHandler(d.Ready))
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	r.GET("/api/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", api.OpenAPI) })
	for _, m := range d.Root {
		m(r)
	}

	v1 := r.Group("/api/v1", mid.ReadDeadline(d.ReadTimeout, d.Uploads), mid.BodyLimit(d.MaxBodyBytes, d.Uploads))
	authapi.RegisterPublic(v1, d.Auth)
	for _, m := range d.Public {
		m(v1)
	}
	// A caller who must change their password reaches only the self routes;
	// everywhere else they are refused before anything (an idempotency
	// record included) is written.
	signedIn := v1.Group("", mid.RequireAuth(d.Auth))
	authapi.RegisterSelf(signedIn.Group("", mid.Idempotency(d.Idempotency, d.Uploads)), d.Auth)
	authed := signedIn.Group("", mid.RequireUsableSession(), mid.Idempotency(d.Idempotency, d.Uploads))
	authapi.Register(authed, d.Auth)
	for _, m := range d.Mount {
		m(authed)
	}
	return r, nil
}
