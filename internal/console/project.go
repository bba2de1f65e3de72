package console

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// projectData is one project's page: its record, its route or point for
// the map, its progress against the schedule, its checks and its orders.
type projectData struct {
	Project projects.Project
	Start   string
	End     string
	// Route and Points are the map's data attributes (map.js).
	Route, Points string
	Chart         *progressChart
	// Sched is the project's schedule status now; Indicators each
	// indicator's.
	Sched      *scheduleTag
	Indicators []indicatorRow
	// CanEditIndicators: the policy lets the reader edit them
	// (policy.EditIndicators); Form refills a refused indicator form.
	CanEditIndicators bool
	Form              map[string]string
	// PhotoPoints are the project's fixed photo points (定点照片).
	PhotoPoints *pointsSection
	Reports     []projects.ProgressReport
	Checks      checks.Page
	Orders      orders.Page
	// OrderDefects: the reader may read what each order is about
	// (the service's view level, not the page's decision).
	OrderDefects bool
}

func (c *Console) projectPage(gc *gin.Context) error {
	v, err := c.projectView(gc, gc.Param("id"), nil)
	if err != nil {
		return err
	}
	c.render(gc, http.StatusOK, "project", v)
	return nil
}

// projectView builds a project's page; form refills a refused form.
func (c *Console) projectView(gc *gin.Context, id string, form map[string]string) (*view, error) {
	ctx, p := gc.Request.Context(), principal(gc)
	proj, err := c.d.Projects.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	history, err := c.d.Projects.ProgressHistory(ctx, p, id)
	if err != nil {
		return nil, err
	}
	cs, err := c.d.Checks.ListForProject(ctx, p, id, checks.ListQuery{Cursor: gc.Query("checks_cursor")})
	if err != nil {
		return nil, err
	}
	os, err := c.d.Orders.List(ctx, p, orders.ListQuery{ProjectID: id, Cursor: gc.Query("orders_cursor")})
	if err != nil {
		return nil, err
	}
	inds, err := c.projectIndicators(ctx, p, id, time.Now())
	if err != nil {
		return nil, err
	}
	points, err := c.projectPoints(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := projectData{Project: proj, PhotoPoints: points, Start: day(proj.PlannedStart), End: day(proj.PlannedEnd), Reports: history,
		Checks: cs, Orders: os, OrderDefects: os.View >= orders.ViewUnit, Sched: projectScheduleTag(proj),
		Indicators: inds, Form: form,
		CanEditIndicators: policy.Indicators(p, policy.EditIndicators, policy.ProjectRelation{UnitID: proj.UnitID}) == nil}
	d.Route, d.Points = projectMap(proj)
	pts := make([]progressPoint, len(history))
	for i, r := range history {
		pts[i] = progressPoint{Date: r.Date, Percent: r.Percent}
	}
	v := c.newView(gc, "projects", &d)
	today := time.Now().In(c.d.Zone)
	todayUTC := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	d.Chart = newProgressChart(proj.PlannedStart, proj.PlannedEnd, pts, todayUTC,
		func(t time.Time) string { return t.UTC().Format(projects.DateLayout) })
	v.Title = proj.Name
	return v, nil
}

// day prints a schedule date (a calendar day kept as midnight UTC).
func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(projects.DateLayout)
}

// projectMap: the project's route and its point, as map.js draws them.
func projectMap(p projects.Project) (route, points string) {
	pts := []mapPoint{}
	if p.Location != nil {
		pts = append(pts, mapPoint{Lat: p.Location.Lat, Lng: p.Location.Lon, Label: p.Code, Kind: "site"})
	}
	return jsonAttr(routeLatLng(p)), jsonAttr(pts)
}
