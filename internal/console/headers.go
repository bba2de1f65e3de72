package console

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
)

// securityHeaders: the pages' policy (mid.PagePolicy: no inline script or
// style, no framing, nothing but this origin), with images also from the
// configured tile server and the object store photo downloads redirect to.
func securityHeaders(tileURL, objectOrigin string) gin.HandlerFunc {
	csp := contentPolicy(tileURL, objectOrigin)
	return func(gc *gin.Context) {
		mid.PageHeaders(gc.Writer.Header(), csp)
		gc.Next()
	}
}

func contentPolicy(tileURL, objectOrigin string) string {
	return mid.PagePolicy([]string{tileOrigin(tileURL), objectOrigin})
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
