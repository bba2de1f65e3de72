package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/httpapi/campaignapi"
	"github.com/fieldproof/fieldproof/internal/store"
)

// wireCampaigns builds look-back campaigns and mounts their routes. An
// inspection is a check carrying task_id: the check service links it to its
// task through the campaign service, in the check's own transaction, so
// wireChecks runs first and is handed the linker here, before any request.
// The service is not kept on Server (server.go has no campaign part); the
// routes and the check service hold it.
func (s *Server) wireCampaigns(o Options) error {
	svc := campaigns.NewService(campaigns.Deps{Store: store.NewCampaigns(o.DB), Audit: s.Audit, Now: o.Now})
	s.Checks.SetTaskLinker(svc)
	s.mount(func(g *gin.RouterGroup) { campaignapi.Register(g, svc) })
	return nil
}
