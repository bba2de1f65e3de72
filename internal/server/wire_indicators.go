package server

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
)

// wireIndicators mounts a project's assessment indicators (考核指标) and its
// schedule status (序时进度); the rules are the projects service's.
func (s *Server) wireIndicators(o Options) {
	svc, zone, now := s.Projects, o.Config.Zone, o.Now
	s.mount(func(g *gin.RouterGroup) { projectapi.RegisterIndicators(g, svc, zone, now) })
	// Rows written before migration 00019 get their indicators' copy once,
	// in the background; until then lists read the indicators themselves.
	s.worker(func(ctx context.Context) {
		n, err := svc.FillScheduleBasis(ctx)
		if err != nil && ctx.Err() == nil {
			o.Log.Error("schedule basis", "err", err, "filled", n)
		} else if n > 0 {
			o.Log.Info("schedule basis filled", "projects", n)
		}
	})
}
