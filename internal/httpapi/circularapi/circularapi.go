// Package circularapi serves the monthly supervision circular (督查通报):
// the office's preview of a period's circular in JSON, CSV or PDF, its
// publication as the period's next version, and the published circulars
// with their hashes and their stored bytes. Handlers decode, call
// internal/circulars and encode; no rule lives here.
package circularapi

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
)

type handlers struct{ svc *circulars.Service }

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *circulars.Service) {
	h := &handlers{svc: svc}
	g.GET("/periods/:period/circular", respond.H(h.preview))
	g.POST("/periods/:period/circulars", respond.H(h.publish))
	g.GET("/circulars", respond.H(h.list))
	g.GET("/circulars/:id", respond.H(h.get))
	g.GET("/circulars/:id/download", respond.H(h.download))
}

// RegisterFiles mounts only the downloads — a period's preview file and a
// published circular's stored bytes — on another authenticated group (the
// console's cookie session), so the console's download is the API's own
// answer under the same policy. Publishing is not among them: the console
// publishes through its own form, with its CSRF token.
func RegisterFiles(g *gin.RouterGroup, svc *circulars.Service) {
	h := &handlers{svc: svc}
	g.GET("/periods/:period/circular", respond.H(h.preview))
	g.GET("/circulars/:id/download", respond.H(h.download))
}

type fileJSON struct {
	Format      string `json:"format"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

type figuresJSON struct {
	Projects          int `json:"projects"`
	OnSchedule        int `json:"on_schedule"`
	Behind            int `json:"behind"`
	Stalled           int `json:"stalled"`
	Completed         int `json:"completed"`
	Ahead             int `json:"ahead"`
	NotStarted        int `json:"not_started"`
	ReportsDue        int `json:"reports_due"`
	ReportsOnTime     int `json:"reports_on_time"`
	ReportsLate       int `json:"reports_late"`
	ReportsMissing    int `json:"reports_missing"`
	OrdersOpened      int `json:"orders_opened"`
	OrdersClosed      int `json:"orders_closed"`
	OrdersOverdue     int `json:"orders_overdue"`
	LookBackInspected int `json:"look_back_inspected"`
	LookBackFindings  int `json:"look_back_findings"`
}

type publishedJSON struct {
	ID          string      `json:"id"`
	Period      string      `json:"period"`
	Version     int         `json:"version"`
	County      string      `json:"county"`
	AsOf        string      `json:"as_of"`
	SHA256      string      `json:"sha256"`
	Files       []fileJSON  `json:"files"`
	Figures     figuresJSON `json:"figures"`
	PublishedBy string      `json:"published_by"`
	PublishedAt time.Time   `json:"published_at"`
}

func toJSON(p circulars.Published) publishedJSON {
	out := publishedJSON{ID: p.ID, Period: p.Period, Version: p.Version, County: p.County,
		AsOf: p.AsOf.Format("2006-01-02"), SHA256: p.SHA256, Files: make([]fileJSON, len(p.Files)),
		Figures: figuresJSON(p.Figures), PublishedBy: p.PublishedBy, PublishedAt: p.PublishedAt.UTC()}
	for i, f := range p.Files {
		out.Files[i] = fileJSON{Format: string(f.Format), SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType}
	}
	return out
}

// format reads ?format= (and ?lang=, which only picks the labels of a CSV
// or PDF) and refuses any other parameter.
func format(c *gin.Context, def circulars.Format) (circulars.Format, error) {
	r := params.Read(c.Request.URL.Query(), "format", "lang")
	if err := r.Err(); err != nil {
		return "", err
	}
	if r.String("format") == "" {
		return def, nil
	}
	return circulars.ParseFormat(r.String("format"))
}

func attachment(c *gin.Context, name string, f circulars.Format) {
	if f != circulars.JSON {
		c.Header("Content-Disposition", `attachment; filename="`+name+"."+string(f)+`"`)
	}
	c.Header("Content-Type", f.ContentType())
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "private, no-store")
}

// preview computes the circular now and writes it in the format asked;
// nothing is stored. The PDF is laid out whole before its first byte, and
// CSV and JSON stream row by row; every refusal (policy, a bad period or
// format) comes before the first byte, as problem+json.
func (h *handlers) preview(c *gin.Context) error {
	f, err := format(c, circulars.JSON)
	if err != nil {
		return err
	}
	d, err := h.svc.Preview(c.Request.Context(), mid.Principal(c), c.Param("period"))
	if err != nil {
		return err
	}
	lang := i18n.Negotiate(c.Query("lang"), c.GetHeader("Accept-Language"))
	attachment(c, "circular-"+d.Circular.Period.String()+"-preview", f)
	c.Header("Content-Language", string(lang))
	c.Header("Vary", "Accept-Language")
	c.Status(http.StatusOK)
	err = d.Write(c.Writer, f, lang)
	if err == nil {
		return nil
	}
	if !c.Writer.Written() {
		// Nothing sent yet (a PDF is laid out whole first): an ordinary
		// problem+json answer, without the file's headers.
		c.Writer.Header().Del("Content-Disposition")
		return err
	}
	// Part of a CSV or JSON is out: abort the connection, so the client
	// sees a broken transfer rather than a file that looks complete.
	slog.WarnContext(c.Request.Context(), "circular aborted mid-stream", "err", err,
		"request_id", c.GetString(respond.RequestIDKey), "path", c.FullPath())
	panic(http.ErrAbortHandler)
}

// publish stores the period's circular, in Chinese (the county's document
// of record), as its next version.
func (h *handlers) publish(c *gin.Context) error {
	if err := params.Read(c.Request.URL.Query()).Err(); err != nil {
		return err
	}
	pub, err := h.svc.Publish(c.Request.Context(), mid.Principal(c), c.Param("period"), i18n.Default)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/circulars/"+pub.ID)
	respond.JSON(c, http.StatusCreated, toJSON(pub))
	return nil
}

type pageJSON struct {
	Items      []publishedJSON `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

func (h *handlers) list(c *gin.Context) error {
	r := params.Read(c.Request.URL.Query(), "period", "cursor", "limit")
	limit := r.Int("limit")
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.List(c.Request.Context(), mid.Principal(c), r.String("period"), r.String("cursor"), limit)
	if err != nil {
		return err
	}
	out := pageJSON{Items: make([]publishedJSON, len(pg.Circulars))}
	for i, p := range pg.Circulars {
		out.Items[i] = toJSON(p)
	}
	if pg.Next != "" {
		out.NextCursor = &pg.Next
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) get(c *gin.Context) error {
	if err := params.Read(c.Request.URL.Query()).Err(); err != nil {
		return err
	}
	pub, err := h.svc.Get(c.Request.Context(), mid.Principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toJSON(pub))
	return nil
}

// download answers the stored bytes of one format (PDF by default),
// checked against their recorded SHA-256 first, which the answer repeats.
func (h *handlers) download(c *gin.Context) error {
	f, err := format(c, circulars.PDF)
	if err != nil {
		return err
	}
	pub, b, err := h.svc.Download(c.Request.Context(), mid.Principal(c), c.Param("id"), f)
	if err != nil {
		return err
	}
	file, _ := pub.File(f)
	attachment(c, "circular-"+pub.Period+"-v"+strconv.Itoa(pub.Version), f)
	c.Header("X-Content-SHA256", file.SHA256)
	c.Header("ETag", `"`+file.SHA256+`"`)
	c.Data(http.StatusOK, f.ContentType(), b)
	return nil
}
