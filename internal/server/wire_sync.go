package server

import (
	"context"
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/syncapi"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/phonesync/syncdb"
)

// wireSync mounts the phones' change feed over the audit log; it runs
// after wireOrders, whose orders it carries. It first files the audit
// entries the seal hook never saw (a log older than the feed), so the
// phones of an upgraded server sync on as before; each query has the
// database deadline, the whole back-fill none (a large county's first
// start after the upgrade reads its whole log once).
func (s *Server) wireSync(o Options) error {
	feed := syncdb.New(o.DB)
	ix := phonesync.NewIndexer(feed)
	n, err := ix.Backfill(context.Background())
	if err != nil {
		return fmt.Errorf("sync feed back-fill: %w", err)
	}
	if n > 0 {
		s.log.Info("sync feed back-filled", "entries", n)
	}
	svc := phonesync.NewService(feed, ix, s.Projects, s.Checks, s.Checklists, s.Orders)
	s.mount(func(g *gin.RouterGroup) { syncapi.Register(g, svc) })
	return nil
}
