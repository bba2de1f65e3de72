package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// static holds the console's own CSS and ES modules and the vendored
// third-party code (static/vendor, each with its licence and provenance).
//
//go:embed static
var staticFS embed.FS

var staticRoot, _ = fs.Sub(staticFS, "static")

// leafletDir is the vendored Leaflet's folder under static/vendor.
const leafletDir = "vendor/leaflet-1.9.4"

// assetVersion is a digest of every embedded asset: pages ask for
// /console/static/x?v=<it>, so a release with changed CSS or scripts is
// fetched anew although assets are cached (Leaflet's path has its version).
var assetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(staticRoot, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticRoot, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

// serveStatic serves an embedded asset. Assets change only with the binary
// and are asked for by version (assetVersion), so they may be cached a day.
func serveStatic(gc *gin.Context) {
	p := strings.TrimPrefix(path.Clean(gc.Param("path")), "/")
	f, err := fs.ReadFile(staticRoot, p)
	if err != nil || strings.HasSuffix(p, ".md") {
		gc.Status(http.StatusNotFound)
		return
	}
	ct := "application/octet-stream"
	switch path.Ext(p) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	case ".png":
		ct = "image/png"
	case ".txt", "":
		ct = "text/plain; charset=utf-8"
	}
	gc.Header("Cache-Control", "public, max-age=86400")
	gc.Data(http.StatusOK, ct, f)
}
