// Package projectapi serves projects, their progress and assignments, project
// imports, and the township and unit lists. Handlers decode, call the
// service and encode; the rules are in internal/projects and internal/org.
package projectapi

import (
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type handlers struct {
	svc  *projects.Service
	orgs *org.Service
	base string // the group's path, for Location headers
}

// Register mounts the routes on g, which must already authenticate.
func Register(g *gin.RouterGroup, svc *projects.Service, orgs *org.Service) {
	h := &handlers{svc: svc, orgs: orgs, base: g.BasePath()}
	g.GET("/projects", respond.H(h.list))
	g.POST("/projects", respond.H(h.create))
	g.POST("/projects/import", respond.H(h.importProjects))
	g.GET("/projects/:id", respond.H(h.get))
	g.PATCH("/projects/:id", respond.H(h.update))
	g.POST("/projects/:id/status", respond.H(h.changeStatus))
	g.POST("/projects/:id/progress", respond.H(h.reportProgress))
	g.GET("/projects/:id/progress", respond.H(h.progressHistory))
	g.GET("/projects/:id/assignments", respond.H(h.listAssignments))
	g.POST("/projects/:id/assignments", respond.H(h.assign))
	g.DELETE("/projects/:id/assignments/:user_id", respond.H(h.unassign))
	g.GET("/townships", respond.H(h.listTownships))
	g.POST("/townships", respond.H(h.createTownship))
	g.GET("/units", respond.H(h.listUnits))
	g.POST("/units", respond.H(h.createUnit))
	g.PATCH("/units/:id", respond.H(h.updateUnit))
}

// pathUUID returns the named path parameter if it is a canonical UUID. Ids
// are UUIDs, so anything else names nothing and is answered as not found
// without asking the database.
func pathUUID(c *gin.Context, param, what string) (string, error) {
	s := c.Param(param)
	if len(s) != 36 {
		return "", errs.NotFound(what)
	}
	if _, err := uuid.Parse(s); err != nil {
		return "", errs.NotFound(what)
	}
	return s, nil
}

func projectID(c *gin.Context) (string, error) { return pathUUID(c, "id", "project") }
