package console

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/orders"
)

// The review actions on a check. Each goes through the service, which
// decides whether the viewer may take it; a refusal re-renders the check
// with the reason and the API's status.

func (c *Console) decideFlag(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	kind, subject := gc.PostForm("kind"), gc.PostForm("subject")
	reason := gc.PostForm("reason")
	_, err := c.d.Checks.Decide(ctx, p, kind, subject, gc.PostForm("decision"), reason)
	if err != nil {
		return c.refused(gc, err, map[string]string{"reason:" + subject: reason})
	}
	redirect(gc, Prefix+"/checks/"+gc.Param("id")+"?done=flag_decided")
	return nil
}

func (c *Console) returnCheck(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	note := gc.PostForm("note")
	if _, err := c.d.Checks.Return(ctx, p, gc.Param("id"), note); err != nil {
		return c.refused(gc, err, map[string]string{"note": note})
	}
	redirect(gc, Prefix+"/checks/"+gc.Param("id")+"?done=check_returned")
	return nil
}

// orderFromCheck opens a rectification order from the check's failed
// items, then shows the order on the board.
func (c *Console) orderFromCheck(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	form := map[string]string{"defect": gc.PostForm("defect"), "required_action": gc.PostForm("required_action"),
		"severity": gc.PostForm("severity"), "deadline": gc.PostForm("deadline")}
	deadline, ok := c.endOfDay(gc.PostForm("deadline"))
	if !ok {
		return c.refused(gc, &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed", Message: "not a date",
			Fields: []errs.FieldError{{Field: "deadline", Code: "invalid", Message: "must be a date (yyyy-mm-dd)"}}}, form)
	}
	n := orders.NewOrder{CheckID: gc.Param("id"), Items: gc.PostFormArray("items"),
		Defect: strings.TrimSpace(form["defect"]), RequiredAction: strings.TrimSpace(form["required_action"]),
		Severity: orders.Severity(form["severity"]), Notes: strings.TrimSpace(gc.PostForm("notes")), Deadline: deadline}
	d, err := c.d.Orders.Create(ctx, p, n)
	if err != nil {
		return c.refused(gc, err, form)
	}
	redirect(gc, Prefix+"/orders/"+d.ID+"?done=order_opened")
	return nil
}

// refused shows the check again with why the action was refused.
func (c *Console) refused(gc *gin.Context, err error, form map[string]string) error {
	status, e := respond.Classify(err)
	if e == nil {
		return err
	}
	v, verr := c.checkView(gc, form)
	if verr != nil {
		return verr
	}
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	c.render(gc, status, "check", v)
	return nil
}
