package projectapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type progressRequest struct {
	Date     string   `json:"date"`
	Quantity *float64 `json:"quantity"`
	Percent  *float64 `json:"percent"`
	Note     string   `json:"note"`
}

type progressReportResponse struct {
	ID         string    `json:"id"`
	Date       string    `json:"date"`
	Quantity   *float64  `json:"quantity"`
	Percent    float64   `json:"percent"`
	Note       string    `json:"note"`
	ReportedBy string    `json:"reported_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func toProgressResponse(r projects.ProgressReport) progressReportResponse {
	return progressReportResponse{ID: r.ID, Date: r.Date.Format(projects.DateLayout), Quantity: r.Quantity,
		Percent: r.Percent, Note: r.Note, ReportedBy: r.ReportedBy, CreatedAt: r.CreatedAt.UTC()}
}

func (h *handlers) reportProgress(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	var req progressRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.ReportProgress(c.Request.Context(), mid.Principal(c), id,
		projects.NewProgress{Date: req.Date, Quantity: req.Quantity, Percent: req.Percent, Note: req.Note})
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toProgressResponse(r))
	return nil
}

func (h *handlers) progressHistory(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	rs, err := h.svc.ProgressHistory(c.Request.Context(), mid.Principal(c), id)
	if err != nil {
		return err
	}
	out := listResponse[progressReportResponse]{Items: make([]progressReportResponse, len(rs))}
	for i, r := range rs {
		out.Items[i] = toProgressResponse(r)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}
