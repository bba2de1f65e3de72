package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Editing a project's indicators from its page. Each form goes through the
// projects service, which asks the policy (office and admin) and audits;
// a refusal shows the page again with the reason and the form as filled.

func (c *Console) indicatorRoutes(g *gin.RouterGroup) {
	g.POST("/projects/:id/indicators", c.page(c.addIndicator))
	g.POST("/projects/:id/indicators/:ind", c.page(c.editIndicator))
	g.POST("/projects/:id/indicators/:ind/delete", c.page(c.deleteIndicator))
}

// indicatorForm reads the form's fields; a target or plan that is not
// written as one is reported as the API would.
func indicatorForm(gc *gin.Context, prefix string) (map[string]string, *float64, []projects.PlanPoint, error) {
	form := map[string]string{}
	for _, f := range []string{"name", "unit", "target", "plan"} {
		form[prefix+f] = strings.TrimSpace(gc.PostForm(f))
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	var target *float64
	if s := form[prefix+"target"]; s != "" {
		f, err := strconv.ParseFloat(s, 64)
		v.Check(err != nil, "target", "invalid", "must be a number")
		target = &f
	}
	plan, ok := projects.ParsePlan(form[prefix+"plan"])
	v.Check(!ok, "plan", "invalid", `must be month:percent pairs separated by semicolons, e.g. "2026-06:60;2026-09:100"`)
	if plan == nil {
		plan = []projects.PlanPoint{}
	}
	return form, target, plan, v.Err()
}

func (c *Console) addIndicator(gc *gin.Context) error {
	id := gc.Param("id")
	form, target, plan, err := indicatorForm(gc, "new.")
	if err == nil {
		_, err = c.d.Projects.CreateIndicator(gc.Request.Context(), principal(gc), id, projects.NewIndicator{
			Name: form["new.name"], Unit: form["new.unit"], Target: target, Plan: plan})
	}
	if err != nil {
		return c.projectEditRefused(gc, id, err, form)
	}
	redirect(gc, Prefix+"/projects/"+id+"?done=indicator_saved#indicators-h")
	return nil
}

// editIndicator changes the plan, and the name, unit and target of any
// indicator but the first (whose form does not send them).
func (c *Console) editIndicator(gc *gin.Context) error {
	id, ind := gc.Param("id"), gc.Param("ind")
	prefix := ind + "."
	form, target, plan, err := indicatorForm(gc, prefix)
	u := projects.IndicatorUpdate{Plan: &plan}
	if gc.PostForm("first") == "" {
		name, unit := form[prefix+"name"], form[prefix+"unit"]
		u.Name, u.Unit, u.Target = &name, &unit, target
	}
	if err == nil {
		_, err = c.d.Projects.UpdateIndicator(gc.Request.Context(), principal(gc), ind, u)
	}
	if err != nil {
		return c.projectEditRefused(gc, id, err, form)
	}
	redirect(gc, Prefix+"/projects/"+id+"?done=indicator_saved#indicators-h")
	return nil
}

func (c *Console) deleteIndicator(gc *gin.Context) error {
	id := gc.Param("id")
	if err := c.d.Projects.DeleteIndicator(gc.Request.Context(), principal(gc), gc.Param("ind")); err != nil {
		return c.projectEditRefused(gc, id, err, nil)
	}
	redirect(gc, Prefix+"/projects/"+id+"?done=indicator_deleted#indicators-h")
	return nil
}

// projectEditRefused shows the project page again, with the form as filled,
// and why an edit made on it (an indicator, a photo point) was refused.
func (c *Console) projectEditRefused(gc *gin.Context, id string, err error, form map[string]string) error {
	status, e := respond.Classify(err)
	if e == nil || status == http.StatusNotFound {
		return err
	}
	v, verr := c.projectView(gc, id, form)
	if verr != nil {
		return verr
	}
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	c.render(gc, status, "project", v)
	return nil
}
