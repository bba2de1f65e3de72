// Package reviewapi is the HTTP face of internal/review: the office's
// dashboard, the CSV and GeoJSON exports (streamed batch by batch) and the
// public disclosure list under /public/v1.
package reviewapi

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/review"
)

// PublicPath is the public disclosure list, outside /api/v1.
const PublicPath = "/public/v1/projects"

type handlers struct {
	svc *review.Service
	lim *review.Limiter
}

// Register mounts the dashboard and export routes on g, which must
// already authenticate.
func Register(g *gin.RouterGroup, svc *review.Service) {
	g.GET("/dashboard/projects", respond.H((&handlers{svc: svc}).dashboard))
	RegisterExports(g, svc)
}

// RegisterExports mounts only the export downloads (the console serves
// them to its cookie sessions from the same handlers).
func RegisterExports(g *gin.RouterGroup, svc *review.Service) {
	h := &handlers{svc: svc}
	g.GET("/exports/checks.csv", respond.H(h.checksCSV))
	g.GET("/exports/checks.geojson", respond.H(h.checksGeoJSON))
	g.GET("/exports/projects.geojson", respond.H(h.projectsGeoJSON))
	g.GET("/exports/orders.csv", respond.H(h.ordersCSV))
	g.GET("/exports/orders.geojson", respond.H(h.openOrdersGeoJSON))
}

// RegisterPublic mounts the public list on the engine's root, rate
// limited per client address by lim.
func RegisterPublic(r *gin.Engine, svc *review.Service, lim *review.Limiter) {
	h := &handlers{svc: svc, lim: lim}
	r.GET(PublicPath, respond.H(h.publicProjects))
}
