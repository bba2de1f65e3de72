package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// monthlyReportRoutes: one monthly report for the office's review — its
// figures beside the last accepted ones, its words, and each photo point's
// photo beside the one before it — with accept and return.
func (c *Console) monthlyReportRoutes(g *gin.RouterGroup) {
	g.GET("/monthly-reports/:id", c.page(c.monthlyReportPage))
	g.POST("/monthly-reports/:id/accept", c.page(c.acceptReport))
	g.POST("/monthly-reports/:id/return", c.page(c.returnReport))
}

// reportData is the review page of one report.
type reportData struct {
	Report  monthly.Report
	Project projects.Project
	Label   string // the period in words
	Author  string
	DueAt   time.Time
	DueDay  string
	Late    bool
	Closed  bool
	// PrevLabel is the period of the last accepted report before this one
	// ("" when there is none): its figures stand beside these.
	PrevLabel string
	Values    []valueRow
	Points    []pointPair
	// Flags are every flag of the report's figures and photos.
	Flags []string
	// Map is map.js's data-points: each point with its radius, and where
	// this report's photos say they were taken.
	Map string
	// CanReview: the reader may review and the report awaits it.
	CanReview bool
	Form      map[string]string
}

// valueRow is one indicator's figure in the report.
type valueRow struct {
	Name, Unit    string
	Target, Value float64
	Reported      bool
	Flags         []string
	HasPrev       bool
	Prev          float64
	Change        string
}

// pointPair is a photo point with the report's photo and the photo of
// the same spot before it.
type pointPair struct {
	Point      monthly.Point
	This, Prev *pointPhoto
	// Announced: the report names a photo for the point, not uploaded.
	Announced bool
}

func (c *Console) monthlyReportPage(gc *gin.Context) error {
	v, err := c.reportView(gc, nil)
	if err != nil {
		return err
	}
	c.render(gc, http.StatusOK, "monthly_report", v)
	return nil
}

// reportView builds the review page; form refills a refused form.
func (c *Console) reportView(gc *gin.Context, form map[string]string) (*view, error) {
	p, ctx := principal(gc), gc.Request.Context()
	r, err := c.d.Monthly.Get(ctx, p, gc.Param("id"))
	if err != nil {
		return nil, err
	}
	proj, err := c.d.Projects.Get(ctx, p, r.ProjectID)
	if err != nil {
		return nil, err
	}
	v := c.newView(gc, "monthly", nil)
	d := reportData{Report: r, Project: proj, Label: periodLabel(v, string(r.Period)), Form: form, Flags: r.Flags(),
		DueAt: r.Period.DueAt(c.d.Monthly.Options().DueDay, c.d.Zone)}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	d.Late = r.SubmittedAt != nil && !r.SubmittedAt.Before(d.DueAt)
	d.DueDay = dueDay(d.DueAt, c.d.Zone)
	d.Author = c.authorName(ctx, v, r.AuthorID)
	if d.Closed, err = c.d.Monthly.PeriodClosed(ctx, r.Period); err != nil {
		return nil, err
	}
	d.CanReview = r.State == monthly.StateSubmitted && !d.Closed &&
		policy.Monthly(p, policy.ReviewMonthly, policy.ProjectRelation{UnitID: proj.UnitID}) == nil

	if d.Values, d.PrevLabel, err = c.reportValues(ctx, p, v, r); err != nil {
		return nil, err
	}
	if d.Points, err = c.reportPairs(ctx, p, v, r, d.Label); err != nil {
		return nil, err
	}
	d.Map = pointsMap(v, d.Points, c.d.Monthly.Options().PointRadiusM)
	v.Data = d
	v.Title = proj.Name + " · " + d.Label
	return v, nil
}

func (c *Console) acceptReport(gc *gin.Context) error {
	id := gc.Param("id")
	if _, err := c.d.Monthly.Accept(gc.Request.Context(), principal(gc), id); err != nil {
		return c.reportRefused(gc, err, nil)
	}
	redirect(gc, Prefix+"/monthly-reports/"+id+"?done=report_accepted")
	return nil
}

func (c *Console) returnReport(gc *gin.Context) error {
	id := gc.Param("id")
	reason := strings.TrimSpace(gc.PostForm("reason"))
	if _, err := c.d.Monthly.Return(gc.Request.Context(), principal(gc), id, reason); err != nil {
		return c.reportRefused(gc, err, map[string]string{"reason": gc.PostForm("reason")})
	}
	redirect(gc, Prefix+"/monthly-reports/"+id+"?done=report_returned")
	return nil
}

// reportRefused shows the report again with why the action was refused.
func (c *Console) reportRefused(gc *gin.Context, err error, form map[string]string) error {
	status, e := respond.Classify(err)
	if e == nil || status == http.StatusNotFound {
		return err
	}
	v, verr := c.reportView(gc, form)
	if verr != nil {
		return verr
	}
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	if e.Code == "transition_not_allowed" {
		// The catalog's words for this code are about orders.
		v.Problem.Message = v.T("console.report.transition")
	}
	c.render(gc, status, "monthly_report", v)
	return nil
}
