// Package reportapi serves the PDF evidence reports. The whole PDF is
// rendered before the first byte is sent, so a failure is a problem+json
// answer, never half a file.
package reportapi

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/reports"
)

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *reports.Service) {
	g.GET("/projects/:id/report.pdf", pdf(svc.ProjectReport))
	g.GET("/orders/:id/report.pdf", pdf(svc.OrderReport))
}

type render func(ctx context.Context, p auth.Principal, id string, lang i18n.Lang, w io.Writer) error

// pdf answers in Chinese unless ?lang= or Accept-Language asks for a
// language the catalog has; an unknown one is the default, not an error,
// since a report in Chinese is still the report.
func pdf(r render) gin.HandlerFunc {
	return respond.H(func(c *gin.Context) error {
		lang := i18n.Negotiate(c.Query("lang"), c.GetHeader("Accept-Language"))
		var buf bytes.Buffer
		if err := r(c.Request.Context(), mid.Principal(c), c.Param("id"), lang, &buf); err != nil {
			return err
		}
		c.Header("Content-Language", string(lang))
		c.Header("Vary", "Accept-Language")
		c.Header("Content-Disposition", `attachment; filename="evidence-`+c.Param("id")+`.pdf"`)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Cache-Control", "private, no-store")
		c.Data(http.StatusOK, "application/pdf", buf.Bytes())
		return nil
	})
}
