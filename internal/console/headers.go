package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// securityHeaders: no inline script or style anywhere (the pages load
// their code from /console/static), no framing, no sniffing, and nothing
// but this origin (plus the configured tile server, and the object store
// that photo downloads redirect to) to load from.
func securityHeaders(tileURL, objectOrigin string) gin.HandlerFunc {
	csp := contentPolicy(tileURL, objectOrigin)
	return func(gc *gin.Context) {
		writeSecurityHeaders(gc.Writer.Header(), csp)
		gc.Next()
	}
}

func contentPolicy(tileURL, objectOrigin string) string {
	img := "'self' data: blob:"
	if o := tileOrigin(tileURL); o != "" {
		img += " " + o
	}
	if objectOrigin != "" {
		img += " " + objectOrigin
	}
	return strings.Join([]string{
		"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src " + img,
		"connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

func writeSecurityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// tileOrigin is scheme://host of a tile URL template ({s}, {z}… left in the
// host are made wildcards, as CSP allows one leading *).
func tileOrigin(t string) string {
	if t == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "x", "{z}", "0", "{x}", "0", "{y}", "0").Replace(t))
	if err != nil || u.Host == "" {
		return ""
	}
	host := u.Host
	if strings.Contains(t, "{s}.") {
		host = "*." + strings.SplitN(host, ".", 2)[1]
	}
	return u.Scheme + "://" + host
}
