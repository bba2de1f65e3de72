// Package syncapi serves GET /api/v1/sync, what a phone calls when it
// comes back online. Handlers decode, call internal/phonesync and encode;
// items use the same JSON as the routes that serve them one by one.
package syncapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/checkapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/orderapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/phonesync"
)

// Register mounts the route on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *phonesync.Service) {
	g.GET("/sync", respond.H(func(c *gin.Context) error { return since(c, svc) }))
}

type itemJSON struct {
	Kind        string `json:"kind"`
	ID          string `json:"id"`
	Op          string `json:"op"`
	Project     any    `json:"project,omitempty"`
	Assignments []any  `json:"assignments,omitempty"`
	Checklist   any    `json:"checklist,omitempty"`
	Check       any    `json:"check,omitempty"`
	Order       any    `json:"order,omitempty"`
}

func since(c *gin.Context, svc *phonesync.Service) error {
	r := params.Read(c.Request.URL.Query(), "cursor", "limit")
	cursor, limit := r.String("cursor"), r.Int("limit")
	if err := r.Err(); err != nil {
		return err
	}
	pg, err := svc.Since(c.Request.Context(), mid.Principal(c), cursor, limit)
	if err != nil {
		return err
	}
	items := make([]itemJSON, 0, len(pg.Items))
	for _, it := range pg.Items {
		j := itemJSON{Kind: it.Kind, ID: it.ID, Op: it.Op}
		switch {
		case it.Project != nil:
			j.Project = projectapi.ProjectJSON(*it.Project)
			j.Assignments = make([]any, 0, len(it.Assignments))
			for _, a := range it.Assignments {
				j.Assignments = append(j.Assignments, projectapi.AssignmentJSON(a))
			}
		case it.Checklist != nil:
			j.Checklist = checkapi.ChecklistJSON(*it.Checklist)
		case it.Check != nil:
			j.Check = checkapi.CheckJSON(*it.Check)
		case it.Order != nil:
			j.Order = orderapi.DetailJSON(*it.Order)
		}
		items = append(items, j)
	}
	respond.JSON(c, http.StatusOK, gin.H{"items": items, "cursor": pg.Cursor, "more": pg.More, "reset": pg.Reset})
	return nil
}
