package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/campaigns/campaignsdb"
	"github.com/fieldproof/fieldproof/internal/httpapi/campaignapi"
)

// campaignParts holds the look-back campaign service.
type campaignParts struct {
	Campaigns *campaigns.Service
}

// wireCampaigns builds look-back campaigns and mounts their routes. An
// inspection is a check carrying task_id: the check service links it to its
// task through the campaign service, in the check's own transaction, so
// this runs before wireChecks, which is built with it.
func (s *Server) wireCampaigns(o Options) error {
	s.Campaigns = campaigns.NewService(campaigns.Deps{Store: campaignsdb.New(o.DB), Audit: s.Audit, Now: o.Now})
	s.mount(func(g *gin.RouterGroup) { campaignapi.Register(g, s.Campaigns) })
	return nil
}
