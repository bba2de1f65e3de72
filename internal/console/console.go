// Package console is the supervision office's web console at /console/:
// server-rendered pages (html/template, embedded) over the same services and
// policy the JSON API uses. It holds no rule of its own: every page asks a
// service, and what a service refuses the page refuses, with the same
// status (respond.Classify). Sessions are cookies backed by the auth
// service's refresh families, so a console sign-in ends exactly when the
// account's sessions do, on every replica.
package console

import (
	"errors"
	"html/template"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/reports"
	"github.com/fieldproof/fieldproof/internal/review"
)

// Prefix is where the console is mounted.
const Prefix = "/console"

// Deps is what the console needs: the services, built by internal/server.
type Deps struct {
	Log        *slog.Logger
	Auth       *auth.Service
	Checks     *checks.Service
	Checklists *checklists.Service
	Photos     *photos.Service
	Orders     *orders.Service
	Projects   *projects.Service
	Orgs       *org.Service
	Review     *review.Service
	Campaigns  *campaigns.Service
	Reports    *reports.Service
	Audit      *audit.Service
	// Circulars is the monthly supervision circular (督查通报).
	Circulars *circulars.Service
	// Monthly is the monthly reporting cycle (月报, 定点照片).
	Monthly *monthly.Service
	// Zone is the county's time zone (FIELDPROOF_TZ): pages print times in it.
	Zone *time.Location
	// TileURL is a Leaflet tile URL template (FIELDPROOF_MAP_TILE_URL);
	// empty draws routes and points on a plain background.
	TileURL string
	// ObjectOrigin is the object store's scheme://host when photo
	// downloads redirect there (signed URLs); the pages' CSP lets images
	// load from it. Empty when files are served by this binary.
	ObjectOrigin string
	// Key derives the CSRF key; the JWT signing key, so every replica
	// derives the same one and no new secret needs configuring.
	Key []byte
	// Files registers download routes (exports, PDF reports, photo
	// renditions) that the JSON API already serves, on the console's
	// cookie-authenticated group, so a download is the API's own answer.
	Files func(g *gin.RouterGroup)
}

// Console serves the pages.
type Console struct {
	d     Deps
	pages map[string]*template.Template
	csrf  csrfKey
}

// New parses every template (a broken one fails start-up, not a page view).
func New(d Deps) (*Console, error) {
	if d.Auth == nil || d.Zone == nil || len(d.Key) == 0 || d.Circulars == nil || d.Monthly == nil {
		return nil, errors.New("console: Auth, Circulars, Monthly, Zone and Key are required")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Console{d: d, pages: pages, csrf: newCSRFKey(d.Key)}, nil
}

// Register mounts the console on r.
func (c *Console) Register(r *gin.Engine) {
	r.GET(Prefix, func(gc *gin.Context) { redirect(gc, Prefix+"/") })
	g := r.Group(Prefix, securityHeaders(c.d.TileURL, c.d.ObjectOrigin))
	g.GET("/static/*path", serveStatic)
	g.GET("/signin", c.page(c.signinForm))
	g.POST("/signin", c.page(c.signin))
	g.POST("/signout", c.page(c.signout))

	signed := g.Group("", c.requireSession())
	signed.GET("/password", c.page(c.passwordForm))
	signed.POST("/password", c.page(c.changePassword))

	usable := signed.Group("", requireUsable())
	usable.GET("/", c.page(c.home))
	if c.d.Files != nil {
		c.d.Files(usable.Group("/files"))
	}
	for _, routes := range c.screens() {
		routes(usable)
	}
}

// NotFound answers an unknown console path with a page (the API's unknown
// routes stay problem+json).
func (c *Console) NotFound(gc *gin.Context) {
	mid.PageHeaders(gc.Writer.Header(), contentPolicy(c.d.TileURL, c.d.ObjectOrigin))
	c.fail(gc, errs.NotFound("page"))
}
