package mid

import (
	"net/http"
	"strings"
)

// PagePolicy is the Content-Security-Policy of the pages the binary serves
// (the office console, the field app): no inline script or style, nothing
// but this origin to load from or talk to, no framing. Images may also come
// from imgFrom (a tile server, the object store signed URLs point to; empty
// entries are skipped); extra directives (e.g. "worker-src 'self'") follow
// connect-src.
func PagePolicy(imgFrom []string, extra ...string) string {
	img := "'self' data: blob:"
	for _, o := range imgFrom {
		if o != "" {
			img += " " + o
		}
	}
	d := []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src " + img, "connect-src 'self'"}
	d = append(d, extra...)
	d = append(d, "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'")
	return strings.Join(d, "; ")
}

// PageHeaders sets the security headers every page carries with csp.
func PageHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}
