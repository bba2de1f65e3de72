package console

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/projects"
)

func (c *Console) projectsRoutes(g *gin.RouterGroup) {
	g.GET("/projects", c.page(c.projectList))
	g.GET("/projects/:id", c.page(c.projectPage))
	c.indicatorRoutes(g)
}

// projectListData is the projects screen: the service's page and the
// filters as the reader set them (to refill the form).
type projectListData struct {
	Rows       []projectRow
	Next       string
	Paged      bool // past the first page
	Q          string
	Township   string
	Category   string
	Status     string
	Behind     bool
	Schedule   string // one schedule status, or ""
	Categories []projects.Category
	Statuses   []projects.Status
	Schedules  []projects.ScheduleStatus
}

// projectList is the projects the reader may see (the service scopes the
// list by policy), filtered as the API's GET /projects filters.
func (c *Console) projectList(gc *gin.Context) error {
	d := projectListData{Q: strings.TrimSpace(gc.Query("q")), Township: strings.TrimSpace(gc.Query("township")),
		Category: gc.Query("category"), Status: gc.Query("status"), Behind: gc.Query("behind_schedule") == "true",
		Categories: projects.Categories, Statuses: projects.Statuses, Schedule: gc.Query("schedule_status"),
		Schedules: projects.ScheduleStatuses}
	q := projects.ListQuery{Text: d.Q, Township: d.Township, Category: projects.Category(d.Category),
		Status: projects.Status(d.Status), Cursor: gc.Query("cursor")}
	if d.Behind {
		q.Behind = &d.Behind
	}
	if d.Schedule != "" {
		q.Schedule = []projects.ScheduleStatus{projects.ScheduleStatus(d.Schedule)}
	}
	page, err := c.d.Projects.List(gc.Request.Context(), principal(gc), q)
	if err != nil {
		return err
	}
	d.Next, d.Paged = page.NextCursor, gc.Query("cursor") != ""
	for _, pr := range page.Items {
		d.Rows = append(d.Rows, projectRow{Project: pr, Elapsed: percent(pr.ElapsedPercent), Sched: projectScheduleTag(pr)})
	}
	c.render(gc, http.StatusOK, "projects", c.newView(gc, "projects", d))
	return nil
}

// projectRow is a listed project with its elapsed share printed.
type projectRow struct {
	projects.Project
	Elapsed string
	Sched   *scheduleTag
}

// percent prints an optional percentage ("" for none).
func percent(p *float64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%.0f%%", *p)
}
