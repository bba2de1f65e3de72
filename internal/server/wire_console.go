package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/console"
	"github.com/fieldproof/fieldproof/internal/httpapi/circularapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/reportapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/reviewapi"
	"github.com/fieldproof/fieldproof/storage"
)

// wireConsole mounts the office console at /console/, over the services
// built before it (it runs last). Its downloads are the API's own
// handlers on the console's cookie-authenticated group.
func (s *Server) wireConsole(o Options) error {
	con, err := console.New(console.Deps{
		Log: o.Log, Auth: s.Auth, Checks: s.Checks, Checklists: s.Checklists, Photos: s.Photos, Orders: s.Orders,
		Projects: s.Projects, Orgs: s.Orgs, Review: s.Review, Campaigns: s.Campaigns, Reports: s.Reports,
		Audit: s.Audit, Circulars: s.Circulars, Monthly: s.Monthly, Zone: o.Config.Zone, TileURL: o.Config.MapTileURL, Key: o.JWTKey,
		ObjectOrigin: storage.Origin(o.Objects),
		Files: func(g *gin.RouterGroup) {
			photoapi.RegisterContent(g, s.Photos)
			reviewapi.RegisterExports(g, s.Review)
			reportapi.Register(g, s.Reports)
			circularapi.RegisterFiles(g, s.Circulars)
		},
	})
	if err != nil {
		return err
	}
	s.mountRoot(con.Register)
	s.notFound = map[string]gin.HandlerFunc{console.Prefix + "/": con.NotFound}
	return nil
}
