// Package checkapi serves checklist templates (and, later, checks). Handlers
// decode, call the service and encode; the rules are in internal/checklists
// and internal/policy.
package checkapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

type checklistHandlers struct{ svc *checklists.Service }

// RegisterChecklists mounts the template routes on g, which must already
// authenticate.
func RegisterChecklists(g *gin.RouterGroup, svc *checklists.Service) {
	h := &checklistHandlers{svc: svc}
	g.GET("/checklists", respond.H(h.current))
	g.GET("/checklists/:type/versions/:version", respond.H(h.version))
	g.POST("/checklists/:type", respond.H(h.publish))
}

type itemJSON struct {
	Key         string   `json:"key"`
	Label       string   `json:"label"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	PassWhen    *bool    `json:"pass_when,omitempty"`
	Unit        string   `json:"unit,omitempty"`
	Min         *float64 `json:"min,omitempty"`
	Max         *float64 `json:"max,omitempty"`
	Options     []string `json:"options,omitempty"`
	FailOptions []string `json:"fail_options,omitempty"`
}

type checklistJSON struct {
	Type      string     `json:"type"`
	Version   int        `json:"version"`
	Title     string     `json:"title"`
	Items     []itemJSON `json:"items"`
	CreatedAt time.Time  `json:"created_at"`
}

type publishRequest struct {
	Title string     `json:"title"`
	Items []itemJSON `json:"items"`
}

func toJSON(s checklists.Stored) checklistJSON {
	out := checklistJSON{Type: string(s.Type), Version: s.Version, Title: s.Title, CreatedAt: s.CreatedAt, Items: []itemJSON{}}
	for _, it := range s.Items {
		j := itemJSON{Key: it.Key, Label: it.Label, Type: string(it.Type), Required: it.Required,
			Unit: it.Unit, Min: it.Min, Max: it.Max, Options: it.Options, FailOptions: it.FailOptions}
		if it.Type == checklists.ItemYesNo {
			pw := it.PassWhen
			j.PassWhen = &pw
		}
		out.Items = append(out.Items, j)
	}
	return out
}

func (h *checklistHandlers) current(c *gin.Context) error {
	all, err := h.svc.Current(c.Request.Context())
	if err != nil {
		return err
	}
	items := make([]checklistJSON, 0, len(all))
	for _, s := range all {
		items = append(items, toJSON(s))
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": items})
	return nil
}

func (h *checklistHandlers) version(c *gin.Context) error {
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil {
		return errs.NotFound("checklist")
	}
	s, err := h.svc.Get(c.Request.Context(), checklists.Type(c.Param("type")), v)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toJSON(s))
	return nil
}

func (h *checklistHandlers) publish(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	var req publishRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	items := make([]checklists.Item, 0, len(req.Items))
	for _, j := range req.Items {
		// A yes/no item without pass_when passes on "yes", the usual case.
		pass := j.PassWhen == nil || *j.PassWhen
		items = append(items, checklists.Item{Key: j.Key, Label: j.Label, Type: checklists.ItemType(j.Type),
			Required: j.Required, PassWhen: pass, Unit: j.Unit, Min: j.Min, Max: j.Max,
			Options: j.Options, FailOptions: j.FailOptions})
	}
	s, err := h.svc.Publish(c.Request.Context(), p, checklists.Type(c.Param("type")), req.Title, items)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toJSON(s))
	return nil
}

// ChecklistJSON is a template version as GET /checklists shows it.
func ChecklistJSON(s checklists.Stored) any { return toJSON(s) }
