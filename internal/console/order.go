package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// orderData is one order as its page shows it.
type orderData struct {
	orders.Detail
	Overdue bool
	Project *projects.Project
	// Source is the failed check the order came from (nil: issued on the
	// project, or not readable by this person); Before its stored photos.
	Source *checks.Check
	Before []photos.Photo
	// Reinspections are the verification checks the timeline names (a
	// verify or a reject on a failed one), with their stored photos.
	Reinspections []reinspection
	// Candidates are the project's verification checks captured since the
	// last response, offered to Verify (which alone decides if one will do).
	Candidates []checks.Check
	Can        map[string]bool
	// Form holds what a refused form sent, to show it again.
	Form map[string]string

	lang i18n.Lang
}

// gallery is a row of photo thumbnails with their alt text.
type gallery struct {
	Photos                      []photos.Photo
	Alt, Empty, Pending, Failed string
}

// Gallery is the page's row of photos, described by the catalog's key.
func (d *orderData) Gallery(ps []photos.Photo, key string) gallery {
	t := func(k string) string { return i18n.T(d.lang, i18n.Key(k)) }
	return gallery{Photos: ps, Alt: t(key), Empty: t("console.order.no_photos"),
		Pending: t("console.order.photo_pending"), Failed: t("console.order.photo_failed")}
}

type reinspection struct {
	Check  checks.Check
	Photos []photos.Photo
}

// orderPage shows one order.
func (c *Console) orderPage(gc *gin.Context) error {
	d, err := c.orderDetail(gc.Request.Context(), principal(gc), gc.Param("id"))
	if err != nil {
		return err
	}
	v := c.newView(gc, "orders", d)
	d.lang = v.Lang
	c.render(gc, http.StatusOK, "order", v)
	return nil
}

// orderDetail gathers the order and what its page shows around it. What
// the person may not read of the checks or the project is left out.
func (c *Console) orderDetail(ctx context.Context, p auth.Principal, id string) (*orderData, error) {
	det, err := c.d.Orders.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &orderData{Detail: det, Overdue: det.Overdue(det.Now), Can: map[string]bool{}, Form: map[string]string{}}
	for _, a := range det.Actions {
		d.Can[string(a)] = true
	}
	if pr, err := c.d.Projects.Get(ctx, p, det.ProjectID); err == nil {
		d.Project = &pr
	} else if !hidden(err) {
		return nil, err
	}
	if det.SourceCheckID != "" && det.View >= orders.ViewUnit {
		ch, err := c.d.Checks.Get(ctx, p, det.SourceCheckID)
		if err != nil && !hidden(err) {
			return nil, err
		}
		if err == nil {
			d.Source = &ch
			if d.Before, err = c.d.Photos.List(ctx, p, ch.ID); err != nil {
				return nil, err
			}
		}
	}
	// Who checked and why is the unit's and the county's to read, as the
	// API's timeline says (a volunteer sees the steps only).
	seen := map[string]bool{}
	for _, e := range det.Events {
		if det.View < orders.ViewUnit || e.CheckID == "" || seen[e.CheckID] || (e.Action != orders.ActVerify && e.Action != orders.ActReject) {
			continue
		}
		seen[e.CheckID] = true
		ch, err := c.d.Checks.Get(ctx, p, e.CheckID)
		if hidden(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		ps, err := c.d.Photos.List(ctx, p, ch.ID)
		if err != nil {
			return nil, err
		}
		d.Reinspections = append(d.Reinspections, reinspection{Check: ch, Photos: ps})
	}
	if d.Can[string(orders.ActVerify)] {
		q := checks.ListQuery{ProjectID: det.ProjectID, Type: string(checklists.TypeVerification), State: checks.StateFiled,
			From: det.LastResponseAt}
		pg, err := c.d.Checks.List(ctx, p, q)
		if err != nil {
			return nil, err
		}
		d.Candidates = pg.Checks
	}
	return d, nil
}

// hidden: the person may not read it, which the page simply leaves out.
func hidden(err error) bool {
	return errors.Is(err, errs.ErrNotFound) || errors.Is(err, errs.ErrForbidden)
}

// orderStep runs one lifecycle step from a form: on success back to the
// order with a notice; refused, the order's page again with the service's
// status and its reason, and what was typed.
func (c *Console) orderStep(gc *gin.Context, done string, fields []string,
	run func(ctx context.Context, p auth.Principal, id string) error) error {
	p, ctx, id := principal(gc), gc.Request.Context(), gc.Param("id")
	err := run(ctx, p, id)
	if err == nil {
		redirect(gc, Prefix+"/orders/"+id+"?done="+done)
		return nil
	}
	status, e := respond.Classify(err)
	if e == nil || status == http.StatusNotFound || status == http.StatusUnauthorized {
		return err
	}
	d, derr := c.orderDetail(ctx, p, id)
	if derr != nil {
		return derr
	}
	for _, f := range fields {
		d.Form[f] = gc.PostForm(f)
	}
	v := c.newView(gc, "orders", d)
	d.lang = v.Lang
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	explainFields(v, e)
	c.render(gc, status, "order", v)
	return nil
}

// explainFields replaces the API's English field messages with the
// catalog's "console.error.<field>.<code>" where it has one, so the page
// says in the reader's language why a step was refused.
func explainFields(v *view, e *errs.Error) {
	if v.Problem == nil {
		return
	}
	v.Problem.Fields = v.Problem.Fields[:0]
	for _, f := range e.Fields {
		field := f.Field
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i]
		}
		if k := i18n.Key("console.error." + field + "." + f.Code); i18n.Has(v.Lang, k) {
			v.Problem.Fields = append(v.Problem.Fields, v.T(string(k)))
		} else {
			v.Problem.Fields = append(v.Problem.Fields, f.Field+": "+f.Message)
		}
	}
}

func (c *Console) orderAcknowledge(gc *gin.Context) error {
	return c.orderStep(gc, "order_acknowledged", []string{"note"}, func(ctx context.Context, p auth.Principal, id string) error {
		_, err := c.d.Orders.Acknowledge(ctx, p, id, gc.PostForm("note"))
		return err
	})
}

func (c *Console) orderVerify(gc *gin.Context) error {
	return c.orderStep(gc, "order_verified", []string{"check_id", "reason"}, func(ctx context.Context, p auth.Principal, id string) error {
		_, err := c.d.Orders.Verify(ctx, p, id, gc.PostForm("check_id"), gc.PostForm("reason"))
		return err
	})
}

func (c *Console) orderReject(gc *gin.Context) error {
	return c.orderStep(gc, "order_rejected", []string{"reject_reason"}, func(ctx context.Context, p auth.Principal, id string) error {
		_, err := c.d.Orders.Reject(ctx, p, id, gc.PostForm("reject_reason"))
		return err
	})
}

func (c *Console) orderCancel(gc *gin.Context) error {
	return c.orderStep(gc, "order_cancelled", []string{"cancel_reason"}, func(ctx context.Context, p auth.Principal, id string) error {
		_, err := c.d.Orders.Cancel(ctx, p, id, gc.PostForm("cancel_reason"))
		return err
	})
}
