// Package auditapi serves the audit log to the office and admins, and its
// signed checkpoints, verifier key and consistency proofs to anyone signed
// in (they carry hashes only, and an outside verifier needs them).
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

// EntryJSON is one audit entry. Seq and LeafHash are null until the
// sealer has put the entry in the tree (within a second).
type EntryJSON struct {
	ID        int64     `json:"id"`
	Seq       *int64    `json:"seq"`
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
	LeafHash  *string   `json:"leaf_hash"`
}

// Entry converts an entry for JSON.
func Entry(e audit.Entry) EntryJSON {
	out := EntryJSON{ID: e.ID, At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
		Entity: e.Entity, EntityID: e.EntityID, Changes: rawJSON(e.Changes), RequestID: e.RequestID,
		PrevHash: e.PrevHash, Hash: e.Hash}
	if e.Sealed() {
		seq, leaf := e.Seq, hexString(e.LeafHash)
		out.Seq, out.LeafHash = &seq, &leaf
	}
	return out
}

// rawJSON embeds stored JSON as is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

type listResponse struct {
	Items      []EntryJSON `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

// Register mounts the audit routes.
func Register(g *gin.RouterGroup, svc *audit.Service) {
	g.GET("/audit", respond.H(func(c *gin.Context) error { return list(c, svc) }))
	g.GET("/audit/checkpoint", respond.H(func(c *gin.Context) error {
		cp, err := svc.Checkpoint(c.Request.Context())
		if err != nil {
			return err
		}
		respond.JSON(c, http.StatusOK, Checkpoint(cp))
		return nil
	}))
	g.GET("/audit/key", respond.H(func(c *gin.Context) error {
		respond.JSON(c, http.StatusOK, keyResponse{VerifierKey: svc.VerifierKey()})
		return nil
	}))
	g.GET("/audit/entries/:seq/proof", respond.H(func(c *gin.Context) error {
		if err := policy.Global(mid.Principal(c), policy.ViewAudit); err != nil {
			return err
		}
		v := errs.NewValidation(errs.KindInvalid)
		seq, err := strconv.ParseInt(c.Param("seq"), 10, 64)
		v.Check(err != nil || seq < 1, "seq", "invalid", "must be an entry's seq (1 or more)")
		size := positive(c, v, "size")
		if err := v.Err(); err != nil {
			return err
		}
		p, err := svc.Inclusion(c.Request.Context(), seq, size)
		if err != nil {
			return err
		}
		respond.JSON(c, http.StatusOK, Inclusion(p))
		return nil
	}))
	g.GET("/audit/consistency", respond.H(func(c *gin.Context) error {
		v := errs.NewValidation(errs.KindInvalid)
		from, to := positive(c, v, "from"), positive(c, v, "to")
		v.Check(from == 0, "from", "required", "the earlier checkpoint's size")
		if err := v.Err(); err != nil {
			return err
		}
		p, err := svc.Consistency(c.Request.Context(), from, to)
		if err != nil {
			return err
		}
		respond.JSON(c, http.StatusOK, consistencyResponse{From: Checkpoint(p.From), To: Checkpoint(p.To), Hashes: nonNil(p.Hashes)})
		return nil
	}))
}

// positive reads an optional positive integer query parameter (0: absent).
func positive(c *gin.Context, v *errs.Validation, name string) int64 {
	s := c.Query(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	v.Check(err != nil || n < 1, name, "invalid", "must be a checkpoint's size (1 or more)")
	return n
}

func list(c *gin.Context, svc *audit.Service) error {
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
	out := listResponse{Items: make([]EntryJSON, len(entries))}
	for i, e := range entries {
		out.Items[i] = Entry(e)
	}
	if len(entries) == f.Limit {
		next := strconv.FormatInt(entries[len(entries)-1].ID, 10)
		out.NextCursor = &next
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}
