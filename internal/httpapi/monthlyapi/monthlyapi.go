// Package monthlyapi is the HTTP face of the monthly supervision cycle:
// photo points and their series, monthly reports and their review, and
// the status of a period.
package monthlyapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/monthly"
)

// PhotoRoute is the upload route of a report's photos (under /api/v1).
const PhotoRoute = "/monthly-reports/:id/photos"

// Options are the upload limits (as photoapi's).
type Options struct {
	MaxUploadBytes int64
	UploadTimeout  time.Duration
}

type handlers struct {
	svc *monthly.Service
	o   Options
}

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *monthly.Service, o Options) {
	h := &handlers{svc: svc, o: o}
	g.GET("/projects/:id/photo-points", respond.H(h.points))
	g.POST("/projects/:id/photo-points", respond.H(h.createPoint))
	g.PATCH("/photo-points/:id", respond.H(h.updatePoint))
	g.GET("/photo-points/:id/series", respond.H(h.series))
	g.POST("/monthly-reports", respond.H(h.create))
	g.GET("/monthly-reports", respond.H(h.list))
	g.GET("/monthly-reports/:id", respond.H(h.get))
	g.PUT("/monthly-reports/:id", respond.H(h.update))
	g.POST("/monthly-reports/:id/submit", respond.H(h.submit))
	g.POST("/monthly-reports/:id/accept", respond.H(h.accept))
	g.POST("/monthly-reports/:id/return", respond.H(h.returnReport))
	g.POST(PhotoRoute, respond.H(h.upload))
	g.GET("/periods/:period/status", respond.H(h.status))
	g.POST("/periods/:period/close", respond.H(h.close))
}

func (h *handlers) points(c *gin.Context) error {
	pts, err := h.svc.Points(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]pointJSON, 0, len(pts))
	for _, p := range pts {
		out = append(out, toPointJSON(p))
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": out})
	return nil
}

func (h *handlers) createPoint(c *gin.Context) error {
	var req pointRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	pt, err := h.svc.CreatePoint(c.Request.Context(), mid.Principal(c), c.Param("id"), monthly.NewPoint{Name: req.Name,
		Lat: req.Lat, Lon: req.Lon, Bearing: req.Bearing, Note: req.Note})
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toPointJSON(pt))
	return nil
}

func (h *handlers) updatePoint(c *gin.Context) error {
	var req struct {
		Name    *string  `json:"name"`
		Lat     *float64 `json:"lat"`
		Lon     *float64 `json:"lon"`
		Bearing *float64 `json:"bearing"`
		Note    *string  `json:"note"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	pt, err := h.svc.UpdatePoint(c.Request.Context(), mid.Principal(c), c.Param("id"), monthly.PointPatch{Name: req.Name,
		Note: req.Note, Lat: req.Lat, Lon: req.Lon, Bearing: req.Bearing})
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toPointJSON(pt))
	return nil
}

func (h *handlers) series(c *gin.Context) error {
	pt, entries, err := h.svc.Series(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := seriesJSON{Point: toPointJSON(pt), Entries: make([]seriesEntryJSON, 0, len(entries))}
	for _, e := range entries {
		out.Entries = append(out.Entries, seriesEntryJSON{Period: string(e.Period), ReportID: e.ReportID,
			State: string(e.State), Caption: e.Caption, Flags: nonNil(e.Flags), Photo: toStoredJSON(e.Photo)})
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) create(c *gin.Context) error {
	var req createRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	content, err := req.contentRequest.toDomain()
	if err != nil {
		return err
	}
	r, created, err := h.svc.Create(c.Request.Context(), mid.Principal(c), monthly.NewReport{ID: req.ID,
		ProjectID: req.ProjectID, Period: req.Period, Content: content})
	if err != nil {
		return err
	}
	status := http.StatusOK // a retry of a report already filed
	if created {
		status = http.StatusCreated
	}
	c.Header("Location", "/api/v1/monthly-reports/"+r.ID)
	respond.JSON(c, status, toReportJSON(r))
	return nil
}

func (h *handlers) list(c *gin.Context) error {
	q := c.Request.URL.Query()
	rs, err := h.svc.List(c.Request.Context(), mid.Principal(c), monthly.ListFilter{Period: monthly.Period(q.Get("period")),
		ProjectID: q.Get("project_id"), State: monthly.ReportState(q.Get("state"))})
	if err != nil {
		return err
	}
	out := make([]reportJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, toReportJSON(r))
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": out})
	return nil
}

func reportOK(c *gin.Context, r monthly.Report, err error) error {
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toReportJSON(r))
	return nil
}

func (h *handlers) get(c *gin.Context) error {
	r, err := h.svc.Get(c.Request.Context(), mid.Principal(c), c.Param("id"))
	return reportOK(c, r, err)
}

func (h *handlers) update(c *gin.Context) error {
	var req contentRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	content, err := req.toDomain()
	if err != nil {
		return err
	}
	r, err := h.svc.Update(c.Request.Context(), mid.Principal(c), c.Param("id"), content)
	return reportOK(c, r, err)
}

func (h *handlers) submit(c *gin.Context) error {
	r, err := h.svc.Submit(c.Request.Context(), mid.Principal(c), c.Param("id"))
	return reportOK(c, r, err)
}

func (h *handlers) accept(c *gin.Context) error {
	r, err := h.svc.Accept(c.Request.Context(), mid.Principal(c), c.Param("id"))
	return reportOK(c, r, err)
}

func (h *handlers) returnReport(c *gin.Context) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Return(c.Request.Context(), mid.Principal(c), c.Param("id"), req.Reason)
	return reportOK(c, r, err)
}

// upload streams one multipart photo of a report into the photo pipeline,
// read exactly as a check's photos are.
func (h *handlers) upload(c *gin.Context) error {
	in, err := photoapi.ReadUpload(c, photoapi.Options{MaxUploadBytes: h.o.MaxUploadBytes, UploadTimeout: h.o.UploadTimeout})
	if err != nil {
		return err
	}
	ph, created, err := h.svc.UploadPhoto(c.Request.Context(), mid.Principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	respond.JSON(c, status, toStoredJSON(ph))
	return nil
}

func (h *handlers) status(c *gin.Context) error {
	st, err := h.svc.Status(c.Request.Context(), mid.Principal(c), c.Param("period"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toStatusJSON(st))
	return nil
}

func (h *handlers) close(c *gin.Context) error {
	st, err := h.svc.Close(c.Request.Context(), mid.Principal(c), c.Param("period"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toStatusJSON(st))
	return nil
}
