package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
)

// wireIndicators mounts a project's assessment indicators (考核指标) and its
// schedule status (序时进度); the rules are the projects service's.
func (s *Server) wireIndicators(o Options) {
	svc, zone, now := s.Projects, o.Config.Zone, o.Now
	s.mount(func(g *gin.RouterGroup) { projectapi.RegisterIndicators(g, svc, zone, now) })
}
