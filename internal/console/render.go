package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/policy"
)

//go:embed templates/*.html
var templateFS embed.FS

// parsePages builds one template set per page: the layout plus the page's
// own file (which defines "title" and "content") plus the shared partials.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var shared []string
	var pages []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		switch {
		case name == "layout", strings.HasPrefix(name, "_"):
			shared = append(shared, f)
		default:
			pages = append(pages, name)
		}
	}
	out := map[string]*template.Template{}
	for _, name := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, append(shared, "templates/"+name+".html")...)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// funcs are the few helpers templates need beyond the page's methods.
var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"pct": func(part, whole int) float64 {
		if whole == 0 {
			return 0
		}
		return float64(part) * 100 / float64(whole)
	},
	"join": strings.Join,
}

// view is what every page template receives: the page's own data and what
// the layout needs (language, person, CSRF token, navigation).
type view struct {
	Lang    i18n.Lang
	Title   string
	User    auth.Principal
	Signed  bool
	CSRF    string
	Nav     string
	Path    string
	TileURL string
	Notice  string
	// Assets is the static files' version, for their URLs.
	Assets  string
	Problem *problemView
	Data    any

	zone *time.Location
}

type problemView struct {
	Status    int
	Code      string
	Message   string
	Fields    []string
	RequestID string
}

// T translates a catalog key.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, i18n.Key(key), args...) }

// V names an enumerated value (category, status, role…).
func (v *view) V(kind, value string) string { return i18n.Value(v.Lang, kind, value) }

// Time prints an instant in the county's zone.
func (v *view) Time(t any) string {
	switch x := t.(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.In(v.zone).Format("2006-01-02 15:04")
	case *time.Time:
		if x == nil {
			return ""
		}
		return v.Time(*x)
	}
	return ""
}

// Date prints the calendar day of an instant in the county's zone.
func (v *view) Date(t any) string {
	s := v.Time(t)
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// Can reports whether a policy check passes for the viewer; navigation and
// buttons use it so that the page never decides who may act by itself.
func (v *view) Can(what string) bool {
	switch what {
	case "review":
		return policy.ReviewChecks(v.User) == nil
	case "overview":
		return policy.Overview(v.User) == nil
	case "audit":
		return policy.Global(v.User, policy.ViewAudit) == nil
	case "reports":
		return policy.Reports(v.User) == nil
	case "circulars":
		return policy.Circulars(v.User, policy.GenerateCircular) == nil
	case "monthly":
		return policy.MonthlyGlobal(v.User, policy.ViewPeriodStatus) == nil
	case "close_period":
		return policy.MonthlyGlobal(v.User, policy.ClosePeriod) == nil
	case "review_monthly":
		// Reviewing needs no relation beyond seeing the report.
		return policy.Monthly(v.User, policy.ReviewMonthly, policy.ProjectRelation{}) == nil
	}
	return false
}

// Query returns the current URL with one parameter replaced (for paging
// links and the language switch).
func (v *view) Query(key, value string) string {
	u, err := url.Parse(v.Path)
	if err != nil {
		return Prefix + "/"
	}
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Console) newView(gc *gin.Context, nav string, data any) *view {
	p := principal(gc)
	v := &view{Lang: lang(gc), User: p, Signed: p.UserID != "", Nav: nav, Path: gc.Request.URL.RequestURI(),
		TileURL: c.d.TileURL, Data: data, zone: c.d.Zone, Assets: assetVersion}
	if tok := sessionToken(gc); v.Signed && tok != "" {
		v.CSRF = c.csrf.token(tok)
	}
	if n := gc.Query("done"); n != "" && len(n) < 64 {
		if k := i18n.Key("console.done." + n); i18n.Has(v.Lang, k) {
			v.Notice = v.T(string(k))
		}
	}
	return v
}

// render writes a page. Rendering into a buffer first means a template
// error is a clean 500 page, never half a page.
func (c *Console) render(gc *gin.Context, status int, name string, v *view) {
	t, ok := c.pages[name]
	if !ok {
		c.fail(gc, fmt.Errorf("console: no template %q", name))
		return
	}
	if v.Title == "" {
		v.Title = v.T("console.title." + name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		slog.ErrorContext(gc.Request.Context(), "console template", "page", name, "err", err)
		gc.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("500 template error"))
		return
	}
	gc.Header("Cache-Control", "no-store")
	gc.Header("Content-Language", string(v.Lang))
	gc.Header("Vary", "Accept-Language, Cookie")
	gc.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// handler is a page handler; an error it returns is shown as a page.
type handler func(gc *gin.Context) error

func (c *Console) page(h handler) gin.HandlerFunc {
	return func(gc *gin.Context) {
		if err := h(gc); err != nil {
			c.fail(gc, err)
		}
	}
}

// fail answers an error with the status the API would give it, as a page
// (or, for a script's fetch, as problem+json).
func (c *Console) fail(gc *gin.Context, err error) {
	status, e := respond.Classify(err)
	if e != nil && status == http.StatusUnauthorized && gc.Request.Method == http.MethodGet {
		redirect(gc, Prefix+"/signin")
		return
	}
	if strings.Contains(gc.GetHeader("Accept"), "json") {
		respond.Error(gc, err)
		return
	}
	v := c.newView(gc, "", nil)
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	if e == nil {
		slog.ErrorContext(gc.Request.Context(), "console internal error", "err", err, "path", gc.FullPath())
	}
	c.render(gc, status, "error", v)
}

// problem describes an error in the reader's language: the catalog's
// message for the error's code when it has one, else for the status.
func (c *Console) problem(v *view, status int, e *errs.Error, rid string) *problemView {
	p := &problemView{Status: status, RequestID: rid}
	if e == nil {
		p.Code = "internal"
	} else {
		p.Code = e.Code
		for _, f := range e.Fields {
			p.Fields = append(p.Fields, f.Field+": "+f.Message)
		}
	}
	switch k := i18n.Key("console.error." + p.Code); {
	case i18n.Has(v.Lang, k):
		p.Message = v.T(string(k))
	case e != nil && v.Lang == i18n.EN:
		p.Message = e.Message
	default:
		p.Message = v.T(fmt.Sprintf("console.status.%d", status/100*100))
	}
	return p
}
