package reviewapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

// dashProjectJSON is a project as the dashboard lists it: enough to act
// on, with its id for the project's own page.
type dashProjectJSON struct {
	ID              string   `json:"id"`
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Category        string   `json:"category"`
	Township        string   `json:"township"`
	ResponsibleUnit string   `json:"responsible_unit"`
	Status          string   `json:"status"`
	PlannedStart    *string  `json:"planned_start"`
	PlannedEnd      *string  `json:"planned_end"`
	ProgressPercent float64  `json:"progress_percent"`
	ElapsedPercent  *float64 `json:"elapsed_percent"`
	BehindSchedule  bool     `json:"behind_schedule"`
}

type failedJSON struct {
	dashProjectJSON
	FailedChecks int       `json:"failed_checks"`
	LastFailedAt time.Time `json:"last_failed_at"`
}

type uninspectedJSON struct {
	dashProjectJSON
	LastInspectedAt *time.Time `json:"last_inspected_at"`
}

type dashboardJSON struct {
	Date         string            `json:"date"`
	AsOf         time.Time         `json:"as_of"`
	Days         int               `json:"days"`
	OrdersLinked bool              `json:"orders_linked"`
	Behind       []dashProjectJSON `json:"behind_schedule"`
	ZeroProgress []dashProjectJSON `json:"zero_progress"`
	Failed       []failedJSON      `json:"failed_checks_without_order"`
	NotInspected []uninspectedJSON `json:"not_inspected"`
	// Schedule counts the county's projects by schedule status (序时进度),
	// every status present, worst first.
	Schedule []scheduleCountJSON `json:"schedule_counts"`
}

type scheduleCountJSON struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

func toDashProject(p projects.Project) dashProjectJSON {
	return dashProjectJSON{ID: p.ID, Code: p.Code, Name: p.Name, Category: string(p.Category), Township: p.Township,
		ResponsibleUnit: p.Unit, Status: string(p.Status), PlannedStart: dateText(p.PlannedStart),
		PlannedEnd: dateText(p.PlannedEnd), ProgressPercent: p.Progress.Percent, ElapsedPercent: p.ElapsedPercent,
		BehindSchedule: p.BehindSchedule}
}

func dashProjects(ps []projects.Project) []dashProjectJSON {
	out := make([]dashProjectJSON, len(ps))
	for i, p := range ps {
		out[i] = toDashProject(p)
	}
	return out
}

func (h *handlers) dashboard(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "date", "days")
	q := review.DashboardQuery{Date: r.String("date"), Days: r.Int("days")}
	if err := r.Err(); err != nil {
		return err
	}
	d, err := h.svc.Dashboard(c.Request.Context(), mid.Principal(c), q)
	if err != nil {
		return err
	}
	out := dashboardJSON{Date: d.Date.Format(projects.DateLayout), AsOf: d.AsOf, Days: d.Days,
		OrdersLinked: d.OrdersLinked, Behind: dashProjects(d.Behind), ZeroProgress: dashProjects(d.ZeroProgress),
		Failed: make([]failedJSON, len(d.Failed)), NotInspected: make([]uninspectedJSON, len(d.NotInspected))}
	for i, f := range d.Failed {
		out.Failed[i] = failedJSON{dashProjectJSON: toDashProject(f.Project), FailedChecks: f.FailedChecks,
			LastFailedAt: f.LastFailedAt}
	}
	out.Schedule = make([]scheduleCountJSON, len(d.Schedule))
	for i, sc := range d.Schedule {
		out.Schedule[i] = scheduleCountJSON{Status: string(sc.Status), Count: sc.Count}
	}
	for i, u := range d.NotInspected {
		out.NotInspected[i] = uninspectedJSON{dashProjectJSON: toDashProject(u.Project), LastInspectedAt: u.LastInspectedAt}
	}
	c.JSON(http.StatusOK, out)
	return nil
}
