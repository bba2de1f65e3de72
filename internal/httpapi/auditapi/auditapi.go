// Package auditapi serves the audit log to the office and admins.
package auditapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/policy"
)

type entryResponse struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id"`
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  string    `json:"entity_id"`
	Changes   rawJSON   `json:"changes"`
	RequestID string    `json:"request_id"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// rawJSON embeds stored JSON as is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

type listResponse struct {
	Items      []entryResponse `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

// Register mounts GET /audit.
func Register(g *gin.RouterGroup, svc *audit.Service) {
	g.GET("/audit", respond.H(func(c *gin.Context) error {
		if err := policy.Global(mid.Principal(c), policy.ViewAudit); err != nil {
			return err
		}
		f := audit.Filter{Entity: c.Query("entity"), EntityID: c.Query("entity_id"), ActorID: c.Query("actor_id"), Limit: 50}
		v := errs.NewValidation(errs.KindInvalid)
		if s := c.Query("limit"); s != "" {
			n, err := strconv.Atoi(s)
			v.Check(err != nil || n < 1 || n > 200, "limit", "out_of_range", "must be 1 to 200")
			f.Limit = n
		}
		if s := c.Query("cursor"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			v.Check(err != nil || n < 1, "cursor", "invalid", "must be the next_cursor of a previous page")
			f.Before = n
		}
		if err := v.Err(); err != nil {
			return err
		}
		entries, err := svc.List(c.Request.Context(), f)
		if err != nil {
			return err
		}
		out := listResponse{Items: make([]entryResponse, len(entries))}
		for i, e := range entries {
			out.Items[i] = entryResponse{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
				Entity: e.Entity, EntityID: e.EntityID, Changes: rawJSON(e.Changes), RequestID: e.RequestID,
				PrevHash: e.PrevHash, Hash: e.Hash}
		}
		if len(entries) == f.Limit {
			next := strconv.FormatInt(entries[len(entries)-1].Seq, 10)
			out.NextCursor = &next
		}
		respond.JSON(c, http.StatusOK, out)
		return nil
	}))
}
