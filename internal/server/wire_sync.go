package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/syncapi"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/store"
)

// wireSync mounts the phones' change feed over the audit log.
func (s *Server) wireSync(o Options) error {
	svc := phonesync.NewService(store.NewSyncFeed(o.DB), s.Projects, s.Checks, s.Checklists)
	s.mount(func(g *gin.RouterGroup) { syncapi.Register(g, svc) })
	return nil
}
