package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/syncapi"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/phonesync/syncdb"
)

// wireSync mounts the phones' change feed over the audit log; it runs
// after wireOrders, whose orders it carries.
func (s *Server) wireSync(o Options) error {
	svc := phonesync.NewService(syncdb.New(o.DB), s.Projects, s.Checks, s.Checklists, s.Orders)
	s.mount(func(g *gin.RouterGroup) { syncapi.Register(g, svc) })
	return nil
}
