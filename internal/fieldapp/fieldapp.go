// Package fieldapp serves the field app at /app/: an installable,
// offline-first web app for inspectors and volunteer supervisors, served
// from the binary (embed.FS). It holds no rule and calls no service: the
// app in the browser uses only the public JSON API, as any phone client
// does, so everything it may or may not do is decided where the API
// decides it. This package serves files, the service worker with the
// shell's version, and the app's messages in the reader's language.
package fieldapp

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
)

// Prefix is where the app is mounted (and the service worker's scope).
const Prefix = "/app"

//go:embed static
var staticFS embed.FS

var staticRoot, _ = fs.Sub(staticFS, "static")

// App serves the field app.
type App struct {
	version string
	shell   []string
	sw      []byte
	csp     string
}

// New hashes the embedded files into the shell's version, so a new binary
// with changed files installs a new service worker (which replaces the
// cached shell and leaves the outbox in IndexedDB alone). objectOrigin is
// the object store's scheme://host when photo downloads redirect there.
func New(objectOrigin string) (*App, error) { return newApp(objectOrigin, "") }

// newApp is New with salt mixed into the version (tests make a "new
// binary" with it).
func newApp(objectOrigin, salt string) (*App, error) {
	h := sha256.New()
	h.Write([]byte(salt))
	var shell []string
	err := fs.WalkDir(staticRoot, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticRoot, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		if p != "sw.js" && p != "index.html" {
			shell = append(shell, Prefix+"/"+p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fieldapp: hash shell: %w", err)
	}
	sort.Strings(shell)
	shell = append([]string{Prefix + "/", Prefix + "/messages.json"}, shell...)
	a := &App{version: hex.EncodeToString(h.Sum(nil))[:16], shell: shell, csp: contentPolicy(objectOrigin)}
	src, err := fs.ReadFile(staticRoot, "sw.js")
	if err != nil {
		return nil, fmt.Errorf("fieldapp: service worker: %w", err)
	}
	list, _ := json.Marshal(shell)
	a.sw = []byte(strings.NewReplacer(`"__VERSION__"`, `"`+a.version+`"`, `["__SHELL__"]`, string(list)).Replace(string(src)))
	return a, nil
}

// Version is the shell's version (a hash of the embedded files).
func (a *App) Version() string { return a.version }

// Register mounts the app on r.
func (a *App) Register(r *gin.Engine) {
	r.GET(Prefix, func(gc *gin.Context) { gc.Redirect(http.StatusMovedPermanently, Prefix+"/") })
	g := r.Group(Prefix, func(gc *gin.Context) {
		mid.PageHeaders(gc.Writer.Header(), a.csp)
		gc.Next()
	})
	g.GET("/*path", a.serve)
}

func (a *App) serve(gc *gin.Context) {
	p := strings.TrimPrefix(path.Clean(gc.Param("path")), "/")
	switch p {
	case "", ".":
		p = "index.html"
	case "sw.js":
		// The browser checks the worker for updates; it must never be
		// served stale, or a new shell would never reach the phone.
		gc.Header("Cache-Control", "no-cache")
		gc.Data(http.StatusOK, "text/javascript; charset=utf-8", a.sw)
		return
	case "messages.json":
		serveMessages(gc)
		return
	}
	f, err := fs.ReadFile(staticRoot, p)
	if err != nil || strings.HasSuffix(p, ".md") {
		gc.Status(http.StatusNotFound)
		return
	}
	// The service worker caches the shell by version; the HTTP cache must
	// not hand it an older file while it fills that cache.
	gc.Header("Cache-Control", "no-cache")
	gc.Data(http.StatusOK, contentType(p), f)
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".webmanifest":
		return "application/manifest+json"
	}
	return "application/octet-stream"
}
