package checkapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

type checkHandlers struct{ svc *checks.Service }

// RegisterChecks mounts the check routes on g, which must already
// authenticate.
func RegisterChecks(g *gin.RouterGroup, svc *checks.Service) {
	h := &checkHandlers{svc: svc}
	g.POST("/checks", respond.H(h.create))
	g.GET("/checks", respond.H(h.list))
	g.GET("/checks/:id", respond.H(h.get))
	g.GET("/projects/:id/checks", respond.H(h.listForProject))
	g.POST("/checks/:id/return", respond.H(h.returnCheck))
	g.POST("/checks/:id/flag-decision", respond.H(h.decide(checks.SubjectCheck)))
	g.POST("/photos/:id/flag-decision", respond.H(h.decide(checks.SubjectPhoto)))
	g.GET("/review-queue", respond.H(h.queue))
}

type locationJSON struct {
	Lat       *float64 `json:"lat"`
	Lon       *float64 `json:"lon"`
	AccuracyM *float64 `json:"accuracy_m"`
}

type checkRequest struct {
	ID              string         `json:"id"`
	ProjectID       string         `json:"project_id"`
	Type            string         `json:"type"`
	TemplateVersion int            `json:"template_version"`
	Answers         map[string]any `json:"answers"`
	Notes           string         `json:"notes"`
	Location        *locationJSON  `json:"location"`
	CapturedAt      string         `json:"captured_at"`
	PhotoIDs        []string       `json:"photo_ids"`
	Supersedes      string         `json:"supersedes"`
	TaskID          string         `json:"task_id"`
}

// toDomain checks what only the wire format can get wrong (a missing
// location, a time that is not RFC 3339); the service judges the rest.
func (r checkRequest) toDomain() (checks.NewCheck, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	n := checks.NewCheck{ID: r.ID, ProjectID: r.ProjectID, Type: r.Type, TemplateVersion: r.TemplateVersion,
		Answers: r.Answers, Notes: r.Notes, PhotoIDs: r.PhotoIDs, Supersedes: r.Supersedes,
		TaskID: r.TaskID}
	if n.Answers == nil {
		n.Answers = map[string]any{}
	}
	if l := r.Location; l == nil {
		v.Add("location", "required", "location {lat, lon, accuracy_m} is required")
	} else {
		v.Check(l.Lat == nil, "location.lat", "required", "lat is required")
		v.Check(l.Lon == nil, "location.lon", "required", "lon is required")
		v.Check(l.AccuracyM == nil, "location.accuracy_m", "required", "accuracy_m is required")
		if l.Lat != nil && l.Lon != nil && l.AccuracyM != nil {
			n.Location = checks.Location{Lat: *l.Lat, Lon: *l.Lon, AccuracyM: *l.AccuracyM}
		}
	}
	if r.CapturedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, r.CapturedAt)
		v.Check(err != nil, "captured_at", "invalid", "must be an RFC 3339 time with its UTC offset, e.g. 2026-05-01T09:30:00+08:00")
		n.CapturedAt = t
	}
	if err := v.Err(); err != nil {
		return checks.NewCheck{}, err
	}
	return n, nil
}

type itemResultJSON struct {
	Key    string `json:"key"`
	Result string `json:"result"`
}

type placementJSON struct {
	ChainageM float64 `json:"chainage_m"`
	Chainage  string  `json:"chainage"`
	OffsetM   float64 `json:"offset_m"`
	Side      string  `json:"side"`
}

type checkLocationJSON struct {
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	AccuracyM float64 `json:"accuracy_m"`
}

type checkJSON struct {
	ID              string            `json:"id"`
	ProjectID       string            `json:"project_id"`
	Type            string            `json:"type"`
	TemplateVersion int               `json:"template_version"`
	Answers         map[string]any    `json:"answers"`
	Items           []itemResultJSON  `json:"items"`
	Result          string            `json:"result"`
	Notes           string            `json:"notes"`
	Location        checkLocationJSON `json:"location"`
	CapturedAt      string            `json:"captured_at"`
	SubmittedAt     time.Time         `json:"submitted_at"`
	AuthorID        string            `json:"author_id"`
	AuthorRole      string            `json:"author_role"`
	Flags           []string          `json:"flags"`
	Placement       *placementJSON    `json:"placement"`
	PhotoIDs        []string          `json:"photo_ids"`
	MissingPhotoIDs []string          `json:"missing_photo_ids"`
	Status          string            `json:"status"`
	State           string            `json:"state"`
	Returned        *returnJSON       `json:"returned"`
	Supersedes      *string           `json:"supersedes"`
	SupersededBy    *string           `json:"superseded_by"`
	TaskID          *string           `json:"task_id"`
}

type returnJSON struct {
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toCheckJSON(c checks.Check) checkJSON {
	out := checkJSON{ID: c.ID, ProjectID: c.ProjectID, Type: string(c.Type), TemplateVersion: c.TemplateVersion,
		Answers: c.Answers, Items: make([]itemResultJSON, 0, len(c.Items)), Result: string(c.Result), Notes: c.Notes,
		Location: checkLocationJSON{Lat: c.Location.Lat, Lon: c.Location.Lon, AccuracyM: c.Location.AccuracyM},
		// The phone's own offset is kept: the office reads the time as it
		// was on site.
		CapturedAt: c.CapturedAt.Format(time.RFC3339), SubmittedAt: c.CreatedAt, AuthorID: c.AuthorID,
		AuthorRole: string(c.AuthorRole), Flags: nonNil(c.Flags), PhotoIDs: nonNil(c.PhotoIDs),
		MissingPhotoIDs: nonNil(c.MissingPhotoIDs), Status: c.Status(), State: c.State(),
		Supersedes: optional(c.Supersedes), SupersededBy: optional(c.SupersededBy), TaskID: optional(c.TaskID)}
	if r := c.Return; r != nil {
		out.Returned = &returnJSON{Note: r.Note, By: r.By, At: r.At}
	}
	if out.Answers == nil {
		out.Answers = map[string]any{}
	}
	for _, it := range c.Items {
		out.Items = append(out.Items, itemResultJSON{Key: it.Key, Result: string(it.Result)})
	}
	if p := c.Placement; p != nil {
		out.Placement = &placementJSON{ChainageM: p.ChainageM, Chainage: p.Chainage, OffsetM: p.OffsetM, Side: p.Side}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (h *checkHandlers) create(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	var req checkRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	n, err := req.toDomain()
	if err != nil {
		return err
	}
	chk, created, err := h.svc.Create(c.Request.Context(), p, n)
	if err != nil {
		return err
	}
	status := http.StatusOK // a retry of a check already filed
	if created {
		status = http.StatusCreated
	}
	c.Header("Location", "/api/v1/checks/"+chk.ID)
	respond.JSON(c, status, toCheckJSON(chk))
	return nil
}

func (h *checkHandlers) get(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	chk, err := h.svc.Get(c.Request.Context(), p, c.Param("id"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toCheckJSON(chk))
	return nil
}

type pageJSON struct {
	Items      []checkJSON `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

func writePage(c *gin.Context, pg checks.Page) {
	out := pageJSON{Items: make([]checkJSON, 0, len(pg.Checks))}
	for _, chk := range pg.Checks {
		out.Items = append(out.Items, toCheckJSON(chk))
	}
	if pg.Next != "" {
		out.NextCursor = &pg.Next
	}
	respond.JSON(c, http.StatusOK, out)
}

func (h *checkHandlers) list(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	q, err := parseListQuery(c.Request.URL.Query(), true)
	if err != nil {
		return err
	}
	pg, err := h.svc.List(c.Request.Context(), p, q)
	if err != nil {
		return err
	}
	writePage(c, pg)
	return nil
}

func (h *checkHandlers) listForProject(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	q, err := parseListQuery(c.Request.URL.Query(), false)
	if err != nil {
		return err
	}
	pg, err := h.svc.ListForProject(c.Request.Context(), p, c.Param("id"), q)
	if err != nil {
		return err
	}
	writePage(c, pg)
	return nil
}

// CheckJSON is a check as GET /checks/{id} shows it, for other handlers
// that embed checks (the phones' sync).
func CheckJSON(c checks.Check) any { return toCheckJSON(c) }
