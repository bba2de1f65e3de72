package orderapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

type tallyJSON struct {
	Status   string `json:"status"`
	Township string `json:"township"`
	Unit     string `json:"responsible_unit"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

type overdueJSON struct {
	ID          string    `json:"id"`
	Number      string    `json:"number"`
	ProjectCode string    `json:"project_code"`
	Township    string    `json:"township"`
	Unit        string    `json:"responsible_unit"`
	Severity    string    `json:"severity"`
	Status      string    `json:"status"`
	Deadline    time.Time `json:"deadline"`
	DaysOverdue float64   `json:"days_overdue"`
	Escalated   bool      `json:"escalated"`
}

type dashboardJSON struct {
	AsOf    time.Time   `json:"as_of"`
	Counts  []tallyJSON `json:"counts"`
	Overdue struct {
		Total int           `json:"total"`
		Items []overdueJSON `json:"items"`
	} `json:"overdue"`
	DaysToClose struct {
		Closed int      `json:"closed"`
		Median *float64 `json:"median"`
		P90    *float64 `json:"p90"`
	} `json:"days_to_close"`
	ClosedWithoutVerificationPhoto int `json:"closed_without_verification_photo"`
}

func (h *handlers) dashboard(c *gin.Context) error {
	if err := params.Read(c.Request.URL.Query()).Err(); err != nil {
		return err
	}
	d, err := h.svc.Dashboard(c.Request.Context(), mid.Principal(c))
	if err != nil {
		return err
	}
	out := dashboardJSON{AsOf: d.AsOf, Counts: make([]tallyJSON, 0, len(d.Tallies)),
		ClosedWithoutVerificationPhoto: d.Close.ClosedNoFoto}
	for _, t := range d.Tallies {
		out.Counts = append(out.Counts, tallyJSON{Status: string(t.Status), Township: t.Township, Unit: t.Unit,
			Severity: string(t.Severity), Count: t.Count})
	}
	out.Overdue.Total, out.Overdue.Items = d.Overdues, make([]overdueJSON, 0, len(d.Overdue))
	for _, o := range d.Overdue {
		out.Overdue.Items = append(out.Overdue.Items, overdueJSON{ID: o.ID, Number: o.Number, ProjectCode: o.ProjectCode,
			Township: o.Township, Unit: o.Unit, Severity: string(o.Severity), Status: string(o.Status), Deadline: o.Deadline,
			DaysOverdue: d.AsOf.Sub(o.Deadline).Hours() / 24, Escalated: o.Escalated})
	}
	out.DaysToClose.Closed, out.DaysToClose.Median, out.DaysToClose.P90 = d.Close.Closed, d.Close.MedianDays, d.Close.P90Days
	respond.JSON(c, http.StatusOK, out)
	return nil
}
