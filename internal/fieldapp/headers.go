package fieldapp

import (
	"net/http"
	"strings"
)

// contentPolicy: as the console's — no inline script or style, nothing
// but this origin to load from or talk to. Photos the app shows are its
// own blobs (blob:) or the API's downloads, which may redirect to the
// object store.
func contentPolicy(objectOrigin string) string {
	img := "'self' data: blob:"
	if objectOrigin != "" {
		img += " " + objectOrigin
	}
	return strings.Join([]string{
		"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src " + img,
		"connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
		"base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
	}, "; ")
}

func writeSecurityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}
