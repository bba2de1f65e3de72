package fieldapp

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/i18n"
)

// serveMessages answers the catalog's "app." messages in the negotiated
// language (?lang=, else Accept-Language, else Chinese), keyed without the
// prefix, so the app's text comes from the one catalog.
func serveMessages(gc *gin.Context) {
	lang := i18n.Negotiate(gc.Query("lang"), gc.GetHeader("Accept-Language"))
	out := map[string]string{"lang": string(lang)}
	for _, k := range i18n.Keys() {
		if name, ok := strings.CutPrefix(string(k), "app."); ok {
			out[name] = i18n.T(lang, k)
		}
	}
	gc.Header("Cache-Control", "no-cache")
	gc.Header("Content-Language", string(lang))
	gc.Header("Vary", "Accept-Language")
	gc.JSON(http.StatusOK, out)
}
