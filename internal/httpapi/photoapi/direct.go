package photoapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// UploadTargetRoute is fieldproof's own PUT target for direct uploads,
// relative to /api/v1. Both registrations below live under /api/v1, which
// is how the create handler can spell out the URL of a route it does not
// mount itself.
const UploadTargetRoute = "/uploads/:token"

// RegisterDirect mounts the direct-upload routes on g, which must already
// authenticate.
func RegisterDirect(g *gin.RouterGroup, svc *photos.Service) {
	h := &directHandlers{svc: svc, target: g.BasePath() + strings.TrimSuffix(UploadTargetRoute, ":token")}
	g.POST("/checks/:id/photos/uploads", respond.H(h.create))
	g.POST("/checks/:id/photos/uploads/:upload_id/complete", respond.H(h.complete))
}

// RegisterUploadTarget mounts the PUT that receives direct uploads when the
// object store cannot sign URLs. g must not authenticate: the signed URL is
// the proof, and a phone part-way through a long upload may hold an expired
// access token. The route needs the upload body cap and read deadline.
func RegisterUploadTarget(g *gin.RouterGroup, svc *photos.Service) {
	h := &directHandlers{svc: svc}
	g.PUT(UploadTargetRoute, respond.H(h.put))
}

type directHandlers struct {
	svc    *photos.Service
	target string // path prefix of the upload target, e.g. /api/v1/uploads/
}

type createUploadRequest struct {
	PhotoID     string     `json:"photo_id"`
	SizeBytes   int64      `json:"size_bytes"`
	SHA256      string     `json:"sha256"`
	ContentType string     `json:"content_type"`
	Lat         *float64   `json:"lat"`
	Lon         *float64   `json:"lon"`
	TakenAt     *time.Time `json:"taken_at"`
}

type uploadJSON struct {
	UploadID  string            `json:"upload_id"`
	PhotoID   string            `json:"photo_id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

func (h *directHandlers) create(c *gin.Context) error {
	var req createUploadRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	t, stored, err := h.svc.CreateUpload(c.Request.Context(), mid.Principal(c), photos.UploadRequest{
		ParentID: c.Param("id"), PhotoID: req.PhotoID, SizeBytes: req.SizeBytes, SHA256: req.SHA256,
		ContentType: req.ContentType, PhoneLat: req.Lat, PhoneLon: req.Lon, PhoneTime: req.TakenAt})
	if err != nil {
		return err
	}
	if stored != nil {
		// Already stored: nothing to upload, and the answer is the photo,
		// as a repeated multipart upload would get.
		respond.JSON(c, http.StatusOK, toJSON(*stored))
		return nil
	}
	url := t.URL
	if url == "" {
		url = origin(c.Request) + h.target + t.Token
	}
	respond.JSON(c, http.StatusCreated, uploadJSON{UploadID: t.Upload.ID, PhotoID: t.Upload.PhotoID, Method: t.Method,
		URL: url, Headers: t.Headers, ExpiresAt: t.Upload.ExpiresAt})
	return nil
}

// origin is where the client reached this server: it reaches the upload
// target the same way. Forwarded headers only choose the scheme of a URL
// handed back to the same caller, so believing them gives nothing away.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *directHandlers) complete(c *gin.Context) error {
	ph, created, err := h.svc.CompleteUpload(c.Request.Context(), mid.Principal(c), c.Param("id"), c.Param("upload_id"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	respond.JSON(c, status, toJSON(ph))
	return nil
}

func (h *directHandlers) put(c *gin.Context) error {
	if err := h.svc.PutStaged(c.Request.Context(), c.Param("token"), c.Request.Body, c.Request.ContentLength); err != nil {
		return err
	}
	c.Status(http.StatusOK)
	return nil
}
