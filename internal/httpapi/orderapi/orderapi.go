// Package orderapi serves rectification orders, the office's triage of
// volunteer reports, notifications and webhooks. Handlers decode, call
// internal/orders and encode; no rule lives here.
package orderapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/orders"
)

// Options are the HTTP-level limits of the response-photo upload route.
type Options struct {
	MaxUploadBytes int64
	UploadTimeout  time.Duration
}

// PhotoRoute is the upload route of a response's photos (under /api/v1).
const PhotoRoute = "/orders/:id/responses/:rid/photos"

type handlers struct {
	svc *orders.Service
	o   Options
}

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *orders.Service, o Options) {
	h := &handlers{svc: svc, o: o}
	g.POST("/orders", respond.H(h.create))
	g.GET("/orders", respond.H(h.list))
	g.GET("/orders/:id", respond.H(h.get))
	g.POST("/orders/:id/acknowledge", respond.H(h.acknowledge))
	g.POST("/orders/:id/responses", respond.H(h.respond))
	g.POST(PhotoRoute, respond.H(h.upload))
	g.POST("/orders/:id/verify", respond.H(h.verify))
	g.POST("/orders/:id/reject", respond.H(h.reject))
	g.POST("/orders/:id/cancel", respond.H(h.cancel))
	g.GET("/triage", respond.H(h.triage))
	g.POST("/triage/:id/issue", respond.H(h.issue))
	g.POST("/triage/:id/dismiss", respond.H(h.dismiss))
	g.GET("/notifications", respond.H(h.notifications))
	g.POST("/notifications/:id/read", respond.H(h.markRead))
	g.POST("/webhooks", respond.H(h.createWebhook))
	g.GET("/webhooks", respond.H(h.webhooks))
	g.GET("/webhooks/:id/deliveries", respond.H(h.deliveries))
	g.DELETE("/webhooks/:id", respond.H(h.deactivateWebhook))
	g.GET("/dashboard/orders", respond.H(h.dashboard))
}

type orderRequest struct {
	ProjectID      string   `json:"project_id"`
	CheckID        string   `json:"check_id"`
	Items          []string `json:"items"`
	Defect         string   `json:"defect"`
	Severity       string   `json:"severity"`
	RequiredAction string   `json:"required_action"`
	Notes          string   `json:"notes"`
	Deadline       string   `json:"deadline"`
}

func (r orderRequest) toDomain() (orders.NewOrder, error) {
	n := orders.NewOrder{ProjectID: r.ProjectID, CheckID: r.CheckID, Items: r.Items, Defect: r.Defect,
		Severity: orders.Severity(r.Severity), RequiredAction: r.RequiredAction, Notes: r.Notes}
	if r.Deadline != "" {
		t, err := time.Parse(time.RFC3339Nano, r.Deadline)
		if err != nil {
			v := errs.NewValidation(errs.KindUnprocessable)
			v.Add("deadline", "invalid", "must be an RFC 3339 time, e.g. 2026-07-31T18:00:00+08:00")
			return n, v.Err()
		}
		n.Deadline = &t
	}
	return n, nil
}

func (h *handlers) create(c *gin.Context) error {
	var req orderRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	n, err := req.toDomain()
	if err != nil {
		return err
	}
	d, err := h.svc.Create(c.Request.Context(), mid.Principal(c), n)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/orders/"+d.ID)
	respond.JSON(c, http.StatusCreated, toDetailJSON(d))
	return nil
}

func (h *handlers) get(c *gin.Context) error {
	return detailOK(c)(h.svc.Get(c.Request.Context(), mid.Principal(c), c.Param("id")))
}

type pageJSON[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func (h *handlers) list(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "status", "project_id", "unit_id", "severity", "township", "category", "open",
		"overdue", "sort", "cursor", "limit")
	q := orders.ListQuery{Status: r.String("status"), ProjectID: r.String("project_id"), UnitID: r.String("unit_id"),
		Severity: r.String("severity"), Township: r.String("township"), Category: r.String("category"),
		Open: r.Bool("open"), Overdue: r.Bool("overdue"), Sort: r.String("sort"), Cursor: r.String("cursor"),
		Limit: r.Int("limit")}
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.List(c.Request.Context(), mid.Principal(c), q)
	if err != nil {
		return err
	}
	out := pageJSON[orderJSON]{Items: make([]orderJSON, 0, len(pg.Orders)), NextCursor: opt(pg.Next)}
	for _, o := range pg.Orders {
		out.Items = append(out.Items, toOrderJSON(o, pg.View, pg.Now))
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

// detailOK answers 200 with the order as a step left it (or looking at it
// found it), or passes the step's error on.
func detailOK(c *gin.Context) func(orders.Detail, error) error {
	return func(d orders.Detail, err error) error {
		if err != nil {
			return err
		}
		respond.JSON(c, http.StatusOK, toDetailJSON(d))
		return nil
	}
}

// optionalBody decodes a JSON body when there is one.
func optionalBody(c *gin.Context, v any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return respond.Decode(c, v)
}

func (h *handlers) acknowledge(c *gin.Context) error {
	var req struct {
		Note string `json:"note"`
	}
	if err := optionalBody(c, &req); err != nil {
		return err
	}
	return detailOK(c)(h.svc.Acknowledge(c.Request.Context(), mid.Principal(c), c.Param("id"), req.Note))
}

type responseRequest struct {
	Text     string   `json:"text"`
	PhotoIDs []string `json:"photo_ids"`
	Location *struct {
		Lat       *float64 `json:"lat"`
		Lon       *float64 `json:"lon"`
		AccuracyM *float64 `json:"accuracy_m"`
	} `json:"location"`
	CapturedAt string `json:"captured_at"`
}

func (h *handlers) respond(c *gin.Context) error {
	var req responseRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	n := orders.NewResponse{Text: req.Text, PhotoIDs: req.PhotoIDs}
	v := errs.NewValidation(errs.KindUnprocessable)
	if l := req.Location; l != nil {
		v.Check(l.Lat == nil || l.Lon == nil || l.AccuracyM == nil, "location", "incomplete",
			"location needs lat, lon and accuracy_m")
		if l.Lat != nil && l.Lon != nil && l.AccuracyM != nil {
			n.Location = &orders.Location{Lat: *l.Lat, Lon: *l.Lon, AccuracyM: *l.AccuracyM}
		}
	}
	if req.CapturedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, req.CapturedAt)
		v.Check(err != nil, "captured_at", "invalid", "must be an RFC 3339 time with its UTC offset")
		n.CapturedAt = &t
	}
	if err := v.Err(); err != nil {
		return err
	}
	d, rid, err := h.svc.Respond(c.Request.Context(), mid.Principal(c), c.Param("id"), n)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/orders/"+d.ID+"/responses/"+rid+"/photos")
	respond.JSON(c, http.StatusCreated, toDetailJSON(d))
	return nil
}

// upload streams one multipart photo of a response into the photo
// pipeline, read exactly as a check's photos are.
func (h *handlers) upload(c *gin.Context) error {
	in, err := photoapi.ReadUpload(c, photoapi.Options{MaxUploadBytes: h.o.MaxUploadBytes, UploadTimeout: h.o.UploadTimeout})
	if err != nil {
		return err
	}
	ph, created, err := h.svc.UploadResponsePhoto(c.Request.Context(), mid.Principal(c), c.Param("id"), c.Param("rid"), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	respond.JSON(c, status, toPhotoJSON(ph))
	return nil
}

func (h *handlers) verify(c *gin.Context) error {
	var req struct {
		CheckID string `json:"check_id"`
		Reason  string `json:"reason"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	return detailOK(c)(h.svc.Verify(c.Request.Context(), mid.Principal(c), c.Param("id"), req.CheckID, req.Reason))
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (h *handlers) reject(c *gin.Context) error {
	var req reasonRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	return detailOK(c)(h.svc.Reject(c.Request.Context(), mid.Principal(c), c.Param("id"), req.Reason))
}

func (h *handlers) cancel(c *gin.Context) error {
	var req reasonRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	return detailOK(c)(h.svc.Cancel(c.Request.Context(), mid.Principal(c), c.Param("id"), req.Reason))
}

func (h *handlers) triage(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "cursor", "limit")
	cursor, limit := r.String("cursor"), r.Int("limit")
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.TriageQueue(c.Request.Context(), mid.Principal(c), cursor, limit)
	if err != nil {
		return err
	}
	out := pageJSON[triageJSON]{Items: make([]triageJSON, 0, len(pg.Items)), NextCursor: opt(pg.Next)}
	for _, it := range pg.Items {
		out.Items = append(out.Items, triageJSON{CheckID: it.CheckID, ProjectID: it.ProjectID, AuthorID: it.AuthorID,
			Type: it.Type, FailedItems: nonNil(it.FailedItems), Notes: it.Notes,
			CapturedAt: it.CapturedAt.Format(time.RFC3339), SubmittedAt: it.SubmittedAt})
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) issue(c *gin.Context) error {
	var req struct {
		Items          []string `json:"items"`
		Defect         string   `json:"defect"`
		Severity       string   `json:"severity"`
		RequiredAction string   `json:"required_action"`
		Notes          string   `json:"notes"`
		Deadline       string   `json:"deadline"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	n, err := orderRequest{Items: req.Items, Defect: req.Defect, Severity: req.Severity,
		RequiredAction: req.RequiredAction, Notes: req.Notes, Deadline: req.Deadline}.toDomain()
	if err != nil {
		return err
	}
	d, err := h.svc.IssueFromTriage(c.Request.Context(), mid.Principal(c), c.Param("id"), n)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/orders/"+d.ID)
	respond.JSON(c, http.StatusCreated, toDetailJSON(d))
	return nil
}

func (h *handlers) dismiss(c *gin.Context) error {
	var req reasonRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.Dismiss(c.Request.Context(), mid.Principal(c), c.Param("id"), req.Reason)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, decisionJSON{CheckID: d.CheckID, Decision: d.Decision, Reason: d.Reason,
		OrderID: opt(d.OrderID), DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt})
	return nil
}

func (h *handlers) notifications(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "unread", "cursor", "limit")
	unread, cursor, limit := r.Bool("unread"), r.String("cursor"), r.Int("limit")
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.Notifications(c.Request.Context(), mid.Principal(c), unread != nil && *unread, cursor, limit)
	if err != nil {
		return err
	}
	out := pageJSON[notificationJSON]{Items: make([]notificationJSON, 0, len(pg.Items)), NextCursor: opt(pg.Next)}
	for _, n := range pg.Items {
		out.Items = append(out.Items, toNotificationJSON(n))
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) markRead(c *gin.Context) error {
	n, err := h.svc.MarkRead(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toNotificationJSON(n))
	return nil
}

func (h *handlers) createWebhook(c *gin.Context) error {
	var req struct {
		URL    string   `json:"url"`
		Secret string   `json:"secret"`
		Events []string `json:"events"`
	}
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	w, err := h.svc.CreateWebhook(c.Request.Context(), mid.Principal(c), orders.NewWebhook{URL: req.URL,
		Secret: req.Secret, Events: req.Events})
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toWebhookJSON(w))
	return nil
}

func (h *handlers) deactivateWebhook(c *gin.Context) error {
	if err := h.svc.DeactivateWebhook(c.Request.Context(), mid.Principal(c), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (h *handlers) webhooks(c *gin.Context) error {
	ws, err := h.svc.Webhooks(c.Request.Context(), mid.Principal(c))
	if err != nil {
		return err
	}
	out := make([]webhookJSON, 0, len(ws))
	for _, w := range ws {
		out = append(out, toWebhookJSON(w))
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": out})
	return nil
}

func (h *handlers) deliveries(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "cursor", "limit")
	cursor, limit := r.String("cursor"), r.Int("limit")
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.Deliveries(c.Request.Context(), mid.Principal(c), c.Param("id"), cursor, limit)
	if err != nil {
		return err
	}
	out := pageJSON[deliveryJSON]{Items: make([]deliveryJSON, 0, len(pg.Items)), NextCursor: opt(pg.Next)}
	for _, d := range pg.Items {
		out.Items = append(out.Items, toDeliveryJSON(d))
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}
