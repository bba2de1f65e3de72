package checkapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

type returnRequest struct {
	Note string `json:"note"`
}

func (h *checkHandlers) returnCheck(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	var req returnRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	chk, err := h.svc.Return(c.Request.Context(), p, c.Param("id"), req.Note)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toCheckJSON(chk))
	return nil
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

type decisionJSON struct {
	Subject   string    `json:"subject"`
	ID        string    `json:"id"`
	CheckID   string    `json:"check_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

func (h *checkHandlers) decide(kind string) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p, _ := auth.PrincipalFrom(c.Request.Context())
		var req decisionRequest
		if err := respond.Decode(c, &req); err != nil {
			return err
		}
		d, err := h.svc.Decide(c.Request.Context(), p, kind, c.Param("id"), req.Decision, req.Reason)
		if err != nil {
			return err
		}
		respond.JSON(c, http.StatusCreated, decisionJSON{Subject: d.SubjectKind, ID: d.SubjectID, CheckID: d.CheckID,
			Decision: d.Decision, Reason: d.Reason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt})
		return nil
	}
}

type pendingJSON struct {
	Kind  string   `json:"kind"`
	ID    string   `json:"id"`
	Flags []string `json:"flags"`
}

type queueItemJSON struct {
	Check   checkJSON     `json:"check"`
	Pending []pendingJSON `json:"pending"`
}

func (h *checkHandlers) queue(c *gin.Context) error {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	r := params.Read(c.Request.URL.Query(), "flag", "project_id", "township", "unit", "author_id", "from", "to",
		"cursor", "limit")
	q := checks.QueueQuery{Flag: r.String("flag"), ProjectID: r.String("project_id"), Township: r.String("township"),
		Unit: r.String("unit"), AuthorID: r.String("author_id"), From: r.Time("from"), To: r.Time("to"),
		Cursor: r.String("cursor"), Limit: r.Int("limit")}
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := h.svc.ReviewQueue(c.Request.Context(), p, q)
	if err != nil {
		return err
	}
	out := struct {
		Items      []queueItemJSON `json:"items"`
		NextCursor *string         `json:"next_cursor"`
	}{Items: make([]queueItemJSON, 0, len(pg.Items)), NextCursor: optional(pg.Next)}
	for _, it := range pg.Items {
		j := queueItemJSON{Check: toCheckJSON(it.Check), Pending: make([]pendingJSON, 0, len(it.Pending))}
		for _, pd := range it.Pending {
			j.Pending = append(j.Pending, pendingJSON{Kind: pd.Kind, ID: pd.ID, Flags: pd.Flags})
		}
		out.Items = append(out.Items, j)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}
