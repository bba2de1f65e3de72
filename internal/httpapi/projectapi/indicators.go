package projectapi

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type indicatorHandlers struct {
	svc  *projects.Service
	zone *time.Location // the county's: "today" for the schedule
	now  func() time.Time
	base string
}

// RegisterIndicators mounts a project's assessment indicators and its
// schedule status. zone is the county's time zone (a schedule asked
// without a date is today's there); nil is UTC.
func RegisterIndicators(g *gin.RouterGroup, svc *projects.Service, zone *time.Location, now func() time.Time) {
	if zone == nil {
		zone = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	h := &indicatorHandlers{svc: svc, zone: zone, now: now, base: g.BasePath()}
	g.GET("/projects/:id/indicators", respond.H(h.list))
	g.POST("/projects/:id/indicators", respond.H(h.create))
	g.PATCH("/indicators/:id", respond.H(h.update))
	g.DELETE("/indicators/:id", respond.H(h.remove))
	g.GET("/projects/:id/schedule", respond.H(h.schedule))
}

// A project's first indicator is named after it (<project id>-i1, as
// migration 00016 made them); the others have UUIDs of their own.
var indicatorIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-i1)?$`)

func indicatorID(c *gin.Context) (string, error) {
	s := c.Param("id")
	if len(s) > 39 || !indicatorIDPattern.MatchString(s) {
		return "", errs.NotFound("indicator")
	}
	return s, nil
}

type planPointJSON struct {
	Month   string   `json:"month"`
	Percent *float64 `json:"percent"`
}

func toPlan(pts []planPointJSON) ([]projects.PlanPoint, error) {
	v := errs.NewValidation(errs.KindInvalid)
	out := make([]projects.PlanPoint, len(pts))
	for i, p := range pts {
		v.Check(p.Percent == nil, "plan["+strconv.Itoa(i)+"].percent", "required", "is required")
		out[i] = projects.PlanPoint{Month: p.Month, Percent: math.NaN()}
		if p.Percent != nil {
			out[i].Percent = *p.Percent
		}
	}
	return out, v.Err()
}

type createIndicatorRequest struct {
	Name   string          `json:"name"`
	Unit   string          `json:"unit"`
	Target *float64        `json:"target"`
	Plan   []planPointJSON `json:"plan"`
}

// updateIndicatorRequest: plan null or [] returns to the linear plan.
type updateIndicatorRequest struct {
	Name   *string                   `json:"name"`
	Unit   *string                   `json:"unit"`
	Target *float64                  `json:"target"`
	Plan   nullable[[]planPointJSON] `json:"plan"`
}

type planPointOut struct {
	Month   string  `json:"month"`
	Percent float64 `json:"percent"`
}

type indicatorResponse struct {
	ID           string         `json:"id"`
	ProjectID    string         `json:"project_id"`
	Position     int            `json:"position"`
	Name         string         `json:"name"`
	Unit         string         `json:"unit"`
	Target       float64        `json:"target"`
	Plan         []planPointOut `json:"plan"`
	Value        float64        `json:"value"`
	ValueDate    *string        `json:"value_date"`
	OnTrackUntil *time.Time     `json:"on_track_until"`
	// FollowsProject: the first indicator is the project's target; its
	// name, unit and target change on the project.
	FollowsProject bool      `json:"follows_project"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func toIndicatorResponse(ind projects.Indicator) indicatorResponse {
	r := indicatorResponse{ID: ind.ID, ProjectID: ind.ProjectID, Position: ind.Position, Name: ind.Name, Unit: ind.Unit,
		Target: ind.Target, Plan: make([]planPointOut, len(ind.Plan)), Value: ind.Value, ValueDate: dateOut(ind.ValueDate),
		FollowsProject: ind.Position == 1, CreatedAt: ind.CreatedAt.UTC(), UpdatedAt: ind.UpdatedAt.UTC()}
	for i, p := range ind.Plan {
		r.Plan[i] = planPointOut(p)
	}
	if ind.OnTrackUntil != nil {
		t := ind.OnTrackUntil.UTC()
		r.OnTrackUntil = &t
	}
	return r
}

func (h *indicatorHandlers) list(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	inds, err := h.svc.Indicators(c.Request.Context(), mid.Principal(c), id)
	if err != nil {
		return err
	}
	out := listResponse[indicatorResponse]{Items: make([]indicatorResponse, len(inds))}
	for i, ind := range inds {
		out.Items[i] = toIndicatorResponse(ind)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *indicatorHandlers) create(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	var req createIndicatorRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	plan, err := toPlan(req.Plan)
	if err != nil {
		return err
	}
	ind, err := h.svc.CreateIndicator(c.Request.Context(), mid.Principal(c), id,
		projects.NewIndicator{Name: req.Name, Unit: req.Unit, Target: req.Target, Plan: plan})
	if err != nil {
		return err
	}
	c.Header("Location", h.base+"/indicators/"+ind.ID)
	respond.JSON(c, http.StatusCreated, toIndicatorResponse(ind))
	return nil
}

func (h *indicatorHandlers) update(c *gin.Context) error {
	id, err := indicatorID(c)
	if err != nil {
		return err
	}
	var req updateIndicatorRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u := projects.IndicatorUpdate{Name: req.Name, Unit: req.Unit, Target: req.Target}
	if req.Plan.Set {
		var pts []planPointJSON
		if req.Plan.Value != nil {
			pts = *req.Plan.Value
		}
		plan, err := toPlan(pts)
		if err != nil {
			return err
		}
		u.Plan = &plan
	}
	ind, err := h.svc.UpdateIndicator(c.Request.Context(), mid.Principal(c), id, u)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toIndicatorResponse(ind))
	return nil
}

func (h *indicatorHandlers) remove(c *gin.Context) error {
	id, err := indicatorID(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteIndicator(c.Request.Context(), mid.Principal(c), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type indicatorScheduleJSON struct {
	IndicatorID     string  `json:"indicator_id"`
	Name            string  `json:"name"`
	Unit            string  `json:"unit"`
	Target          float64 `json:"target"`
	Value           float64 `json:"value"`
	Scheduled       bool    `json:"scheduled"`
	PlannedPercent  float64 `json:"planned_percent"`
	ReportedPercent float64 `json:"reported_percent"`
	GapPoints       float64 `json:"gap_points"`
	Status          string  `json:"status"`
}

type scheduleResponse struct {
	ProjectID  string                  `json:"project_id"`
	Date       string                  `json:"date"`
	AsOf       time.Time               `json:"as_of"`
	Status     string                  `json:"status"`
	GapPoints  float64                 `json:"gap_points"`
	Indicators []indicatorScheduleJSON `json:"indicators"`
}

// schedule answers a project's schedule status on a day: today (in the
// county's zone) at this moment, or a given day as it stood at its end
// (the figures dated on or before it, the share due by its last second).
func (h *indicatorHandlers) schedule(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	r := params.Read(c.Request.URL.Query(), "date")
	ds := r.String("date")
	if err := r.Err(); err != nil {
		return err
	}
	now := h.now()
	local := now.In(h.zone)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	at := now
	if ds != "" {
		d, err := projects.ParseDate(ds)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			v := errs.NewValidation(errs.KindInvalid)
			v.Add("date", "invalid", "must be a date YYYY-MM-DD between 2000 and 2100")
			return v.Err()
		}
		if !d.Equal(day) {
			day, at = d, d.Add(24*time.Hour-time.Second)
		}
	}
	sch, err := h.svc.ScheduleAt(c.Request.Context(), mid.Principal(c), id, at)
	if err != nil {
		return err
	}
	out := scheduleResponse{ProjectID: id, Date: day.Format(projects.DateLayout), AsOf: at.UTC(),
		Status: string(sch.Status), GapPoints: sch.GapPoints, Indicators: make([]indicatorScheduleJSON, len(sch.Indicators))}
	for i, is := range sch.Indicators {
		out.Indicators[i] = indicatorScheduleJSON{IndicatorID: is.IndicatorID, Name: is.Name, Unit: is.Unit,
			Target: is.Target, Value: is.Value, Scheduled: is.Scheduled, PlannedPercent: is.PlannedPercent,
			ReportedPercent: is.ReportedPercent, GapPoints: is.GapPoints, Status: string(is.Status)}
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}
