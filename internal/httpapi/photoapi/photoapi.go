// Package photoapi serves photo upload and reading. Handlers decode, call
// internal/photos and encode; no rule lives here.
package photoapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/auditapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// Options are the HTTP-level limits of the upload route, and the audit
// log a photo's evidence is read from.
type Options struct {
	MaxUploadBytes int64         // the file; the whole body may carry 1 MB of form fields more
	UploadTimeout  time.Duration // read deadline for slow phones
	Audit          *audit.Service
}

type handlers struct {
	svc *photos.Service
	o   Options
}

// Register mounts the photo routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *photos.Service, o Options) {
	h := &handlers{svc: svc, o: o}
	g.POST("/checks/:id/photos", respond.H(h.upload))
	g.PUT(RawRoute, respond.H(h.uploadRaw))
	g.GET("/checks/:id/photos", respond.H(h.list))
	g.GET("/photos/:id", respond.H(h.get))
	g.GET("/photos/:id/:variant", respond.H(h.open))
}

// RegisterContent mounts only the rendition download (the console shows
// photos to its cookie sessions through the same handler and access rule).
func RegisterContent(g *gin.RouterGroup, svc *photos.Service) {
	g.GET("/photos/:id/:variant", respond.H((&handlers{svc: svc}).open))
}

// RawRoute takes a check's photo as the raw body of a PUT (under /api/v1).
const RawRoute = "/checks/:id/photos/:photo_id"

// upload streams the multipart file part straight into the service.
func (h *handlers) upload(c *gin.Context) error {
	return h.store(c, ReadUpload)
}

// uploadRaw is upload with the photo as the whole body.
func (h *handlers) uploadRaw(c *gin.Context) error {
	return h.store(c, ReadRaw)
}

func (h *handlers) store(c *gin.Context, read func(*gin.Context, Options) (photos.UploadInput, error)) error {
	in, err := read(c, h.o)
	if err != nil {
		return err
	}
	in.ParentID = c.Param("id")
	ph, created, err := h.svc.Upload(c.Request.Context(), mid.Principal(c), in)
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

// ReadUpload reads a photo upload as phones send it, for every route that
// takes photos (a check's, an order response's): multipart parts photo_id,
// optionally lat, lon and taken_at (the phone's own fix and clock) and size
// (the file's byte count), then file, which is returned unread as the
// input's Body so the service streams it: ParseMultipartForm would buffer
// the whole body first. The file must come last: everything needed to
// authorise and label it has to be known before the bytes flow. With size
// the file streams into the object store as it arrives; without it the
// service reads the whole file first (in memory within its budget).
func ReadUpload(c *gin.Context, o Options) (photos.UploadInput, error) {
	slowBody(c, o)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, o.MaxUploadBytes+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return photos.UploadInput{}, errs.New(errs.KindInvalid, "invalid_multipart", "send the photo as multipart/form-data")
	}
	var in photos.UploadInput
	v := errs.NewValidation(errs.KindInvalid)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return photos.UploadInput{}, bodyErr(err)
		}
		name := part.FormName()
		if name == "file" {
			in.Body = part
			break
		}
		val, err := io.ReadAll(io.LimitReader(part, 256))
		if err != nil {
			return photos.UploadInput{}, bodyErr(err)
		}
		s := string(val)
		switch name {
		case "photo_id":
			in.PhotoID = s
		case "size":
			n, err := strconv.ParseInt(s, 10, 64)
			v.Check(err != nil || n <= 0, name, "invalid_size", "size must be the file's byte count")
			if err == nil && n > o.MaxUploadBytes {
				return photos.UploadInput{}, tooLarge(o.MaxUploadBytes)
			}
			if err == nil && n > 0 {
				in.Size = n
			}
		default:
			phoneField(v, &in, name, s)
		}
	}
	v.Check(in.PhotoID == "", "photo_id", "required", "photo_id is required before the file part")
	v.Check(in.Body == nil, "file", "required", "a file part is required")
	return in, v.Err()
}

// phoneField reads one of the phone's own values for the photo (lat, lon,
// taken_at), whichever way the photo came; other names are ignored.
func phoneField(v *errs.Validation, in *photos.UploadInput, name, s string) {
	switch name {
	case "lat":
		in.PhoneLat = parseFloat(v, name, s, 90)
	case "lon":
		in.PhoneLon = parseFloat(v, name, s, 180)
	case "taken_at":
		t, err := time.Parse(time.RFC3339, s)
		v.Check(err != nil, name, "invalid_time", "taken_at must be RFC 3339 with its UTC offset")
		if err == nil {
			in.PhoneTime = &t
		}
	}
}

func parseFloat(v *errs.Validation, field, s string, limit float64) *float64 {
	f, err := strconv.ParseFloat(s, 64)
	bad := err != nil || f < -limit || f > limit
	v.Check(bad, field, "invalid_coordinate", fmt.Sprintf("%s must be a number within ±%g", field, limit))
	if bad {
		return nil
	}
	return &f
}

func bodyErr(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errs.New(errs.KindTooLarge, "file_too_large", "the request body is too large")
	}
	return errs.New(errs.KindInvalid, "invalid_multipart", "the multipart body could not be read")
}

func (h *handlers) get(c *gin.Context) error {
	ph, err := h.svc.Get(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := toJSON(ph)
	if h.o.Audit != nil {
		// After Get: only a caller who may see the photo reads its evidence.
		ev, err := h.o.Audit.EvidenceOf(c.Request.Context(), "photo", ph.ID, "photo.upload")
		if err != nil {
			return err
		}
		if ev.Found {
			out.Audit = &auditJSON{}
			if ev.Proof != nil {
				seq, p := ev.Entry.Seq, auditapi.Inclusion(*ev.Proof)
				out.Audit.Seq, out.Audit.Proof = &seq, &p
			}
		}
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) list(c *gin.Context) error {
	all, err := h.svc.List(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]photoJSON, 0, len(all))
	for _, ph := range all {
		items = append(items, toJSON(ph))
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": items})
	return nil
}

func (h *handlers) open(c *gin.Context) error {
	variant := c.Param("variant")
	switch variant {
	case photos.Original, photos.Preview, photos.Thumbnail:
	default:
		return errs.NotFound("rendition")
	}
	ct, err := h.svc.Open(c.Request.Context(), mid.Principal(c), c.Param("id"), variant)
	if err != nil {
		return err
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "private, no-store")
	if ct.URL != "" {
		c.Redirect(http.StatusFound, ct.URL)
		return nil
	}
	defer ct.Body.Close()
	c.DataFromReader(http.StatusOK, ct.Size, ct.ContentType, ct.Body, nil)
	return nil
}
