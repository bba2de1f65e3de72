package fieldapp

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/i18n"
)

// sharedKinds are the enumerated values the app names as every client does,
// served under their full keys ("flag.off_site", "item.fenced", …).
var sharedKinds = []string{"flag.", "item.", "check_type.", "result.", "category.", "role.", "order_status.", "severity.", "side.",
	"schedule_status."}

// serveMessages answers the catalog's "app." messages in the negotiated
// language (?lang=, else Accept-Language, else Chinese), keyed without the
// prefix, and the shared value names under their own keys, so the app's
// text comes from the one catalog.
func serveMessages(gc *gin.Context) {
	lang := i18n.Negotiate(gc.Query("lang"), gc.GetHeader("Accept-Language"))
	out := map[string]string{"lang": string(lang)}
	for _, k := range i18n.Keys() {
		if name, ok := strings.CutPrefix(string(k), "app."); ok {
			out[name] = i18n.T(lang, k)
			continue
		}
		for _, kind := range sharedKinds {
			if strings.HasPrefix(string(k), kind) {
				out[string(k)] = i18n.T(lang, k)
			}
		}
	}
	gc.Header("Cache-Control", "no-cache")
	gc.Header("Content-Language", string(lang))
	gc.Header("Vary", "Accept-Language")
	gc.JSON(http.StatusOK, out)
}
