// Package campaignapi serves look-back (post-completion) campaigns and
// their inspection tasks. Handlers decode, call internal/campaigns and
// encode; no rule lives here. Inspections themselves are filed as checks
// (POST /checks with task_id).
package campaignapi

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type handlers struct{ svc *campaigns.Service }

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *campaigns.Service) {
	h := &handlers{svc: svc}
	g.POST("/campaigns", respond.H(h.create))
	g.GET("/campaigns", respond.H(h.list))
	g.GET("/campaigns/:id", respond.H(h.get))
	g.GET("/campaigns/:id/tasks", respond.H(h.tasks))
	g.POST("/campaigns/:id/tasks/:task_id/assign", respond.H(h.assign))
}

type campaignRequest struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Categories      []string `json:"categories"`
	CompletedBefore string   `json:"completed_before"`
	Townships       []string `json:"townships"`
	DueDate         string   `json:"due_date"`
}

type progressJSON struct {
	Total      int `json:"total"`
	Done       int `json:"done"`
	Due        int `json:"due"`
	Overdue    int `json:"overdue"`
	Unassigned int `json:"unassigned"`
}

type findingJSON struct {
	Category  string `json:"category,omitempty"`
	Township  string `json:"township,omitempty"`
	Tasks     int    `json:"tasks"`
	Inspected int    `json:"inspected"`
	Failed    int    `json:"failed"`
}

type findingsJSON struct {
	Inspected  int           `json:"inspected"`
	Failed     int           `json:"failed"`
	ByCategory []findingJSON `json:"by_category"`
	ByTownship []findingJSON `json:"by_township"`
}

type campaignJSON struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Categories      []string      `json:"categories"`
	Townships       []string      `json:"townships"`
	CompletedBefore string        `json:"completed_before"`
	DueDate         string        `json:"due_date"`
	CreatedBy       string        `json:"created_by"`
	CreatedAt       time.Time     `json:"created_at"`
	Progress        progressJSON  `json:"progress"`
	Findings        *findingsJSON `json:"findings,omitempty"`
}

func toCampaignJSON(c campaigns.Campaign) campaignJSON {
	out := campaignJSON{ID: c.ID, Name: c.Name, Categories: make([]string, 0, len(c.Categories)),
		Townships: append([]string{}, c.Townships...), CompletedBefore: c.CompletedBefore.Format(projects.DateLayout),
		DueDate: c.DueDate.Format(projects.DateLayout), CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt,
		Progress: progressJSON{Total: c.Progress.Total, Done: c.Progress.Done, Due: c.Progress.Due,
			Overdue: c.Progress.Overdue, Unassigned: c.Progress.Unassigned}}
	for _, cat := range c.Categories {
		out.Categories = append(out.Categories, string(cat))
	}
	if f := c.Findings; f != nil {
		fj := &findingsJSON{Inspected: f.Inspected, Failed: f.Failed, ByCategory: []findingJSON{}, ByTownship: []findingJSON{}}
		for _, g := range f.ByCategory {
			fj.ByCategory = append(fj.ByCategory, findingJSON{Category: g.Key, Tasks: g.Tasks, Inspected: g.Inspected, Failed: g.Failed})
		}
		for _, g := range f.ByTownship {
			fj.ByTownship = append(fj.ByTownship, findingJSON{Township: g.Key, Tasks: g.Tasks, Inspected: g.Inspected, Failed: g.Failed})
		}
		out.Findings = fj
	}
	return out
}

type taskProjectJSON struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Township string `json:"township"`
}

type taskJSON struct {
	ID         string          `json:"id"`
	CampaignID string          `json:"campaign_id"`
	Project    taskProjectJSON `json:"project"`
	Status     string          `json:"status"`
	DueDate    string          `json:"due_date"`
	AssigneeID *string         `json:"assignee_id"`
	AssignedAt *time.Time      `json:"assigned_at"`
	CheckID    *string         `json:"check_id"`
	Result     *string         `json:"result"`
	DoneAt     *time.Time      `json:"done_at"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toTaskJSON(t campaigns.Task) taskJSON {
	return taskJSON{ID: t.ID, CampaignID: t.CampaignID,
		Project: taskProjectJSON{ID: t.ProjectID, Code: t.ProjectCode, Name: t.ProjectName, Category: string(t.Category),
			Township: t.Township},
		Status: t.Status, DueDate: t.DueDate.Format(projects.DateLayout), AssigneeID: optional(t.AssigneeID),
		AssignedAt: t.AssignedAt, CheckID: optional(t.CheckID), Result: optional(string(t.Result)), DoneAt: t.DoneAt}
}

func (h *handlers) create(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	var req campaignRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	cmp, created, err := h.svc.Create(c.Request.Context(), p, campaigns.NewCampaign{ID: req.ID, Name: req.Name,
		Categories: req.Categories, CompletedBefore: req.CompletedBefore, Townships: req.Townships, DueDate: req.DueDate})
	if err != nil {
		return err
	}
	status := http.StatusOK // a retry of a campaign already created
	if created {
		status = http.StatusCreated
	}
	c.Header("Location", "/api/v1/campaigns/"+cmp.ID)
	respond.JSON(c, status, toCampaignJSON(cmp))
	return nil
}

func (h *handlers) get(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	cmp, err := h.svc.Get(c.Request.Context(), p, c.Param("id"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toCampaignJSON(cmp))
	return nil
}

type campaignPageJSON struct {
	Items      []campaignJSON `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

func (h *handlers) list(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	vals := c.Request.URL.Query()
	limit, err := parseQuery(vals, []string{"cursor", "limit"})
	if err != nil {
		return err
	}
	pg, err := h.svc.List(c.Request.Context(), p, vals.Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := campaignPageJSON{Items: make([]campaignJSON, 0, len(pg.Campaigns)), NextCursor: optional(pg.Next)}
	for _, cmp := range pg.Campaigns {
		out.Items = append(out.Items, toCampaignJSON(cmp))
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

type taskPageJSON struct {
	Items      []taskJSON `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

func (h *handlers) tasks(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	vals := c.Request.URL.Query()
	limit, err := parseQuery(vals, []string{"status", "assignee", "cursor", "limit"})
	if err != nil {
		return err
	}
	pg, err := h.svc.Tasks(c.Request.Context(), p, c.Param("id"), campaigns.TaskQuery{Status: vals.Get("status"),
		Assignee: vals.Get("assignee"), Cursor: vals.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := taskPageJSON{Items: make([]taskJSON, 0, len(pg.Tasks)), NextCursor: optional(pg.Next)}
	for _, t := range pg.Tasks {
		out.Items = append(out.Items, toTaskJSON(t))
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) assign(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	var req struct {
		UserID string `json:"user_id"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	t, err := h.svc.Assign(c.Request.Context(), p, c.Param("id"), c.Param("task_id"), req.UserID)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toTaskJSON(t))
	return nil
}

// parseQuery refuses unknown or repeated parameters and reads limit.
func parseQuery(vals url.Values, allowed []string) (*int, error) {
	r := params.Read(vals, allowed...)
	limit := r.Int("limit")
	return limit, r.Err()
}
