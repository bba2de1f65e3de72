package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
)

func (c *Console) exportsRoutes(g *gin.RouterGroup) {
	g.GET("/exports", c.page(c.exports))
	g.POST("/exports/verify", c.page(c.verifyAudit))
}

// verifyDeadline bounds "verify now": a long log is walked in batches,
// and a run that meets the deadline is recorded with how far it got (the
// CLI, which has no deadline, walks any length).
const verifyDeadline = 20 * time.Second

// exportsData is the exports page: the download forms' choices, and the
// audit log's last verification when the reader may see the audit log.
type exportsData struct {
	CheckTypes    []checklists.Type
	OrderStatuses []orders.Status
	Severities    []orders.Severity
	// Audit: the reader may view the audit log (the service said so).
	Audit bool
	Last  *audit.Verification
	// ByName names who ran the last verification from the console.
	ByName string
}

func (c *Console) exports(gc *gin.Context) error {
	d := exportsData{CheckTypes: checklists.Types, OrderStatuses: orders.Statuses,
		Severities: []orders.Severity{orders.SeverityMinor, orders.SeverityMajor, orders.SeverityCritical}}
	last, err := c.d.Audit.LastVerification(gc.Request.Context(), principal(gc))
	switch {
	case errors.Is(err, errs.ErrForbidden):
	case err != nil:
		return err
	default:
		d.Audit, d.Last = true, last
	}
	v := c.newView(gc, "exports", nil)
	if d.Last != nil && d.Last.By != "cli" && d.Last.By != "" {
		d.ByName = c.authorName(gc.Request.Context(), v, d.Last.By)
	}
	v.Data = d
	c.render(gc, http.StatusOK, "exports", v)
	return nil
}

// verifyAudit verifies the audit log now, within verifyDeadline, and
// records the run; the exports page then shows it.
func (c *Console) verifyAudit(gc *gin.Context) error {
	ctx, cancel := context.WithTimeout(gc.Request.Context(), verifyDeadline)
	defer cancel()
	if _, err := c.d.Audit.VerifyAs(ctx, principal(gc)); err != nil {
		return err
	}
	redirect(gc, Prefix+"/exports?done=audit_verified#audit")
	return nil
}
