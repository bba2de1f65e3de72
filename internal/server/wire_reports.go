package server

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/reportapi"
	"github.com/fieldproof/fieldproof/internal/reports"
)

// wireReports mounts the PDF evidence reports; it runs after wireOrders.
func (s *Server) wireReports(o Options) error {
	// A font that cannot be read would fail every report; refuse to start.
	svc, err := reports.NewService(s.Projects, s.Checks, s.Photos, s.Orders,
		reports.Options{FontPath: o.Config.PDFFont, Zone: o.Config.Zone, Now: o.Now, Audit: s.Audit})
	if err != nil {
		return fmt.Errorf("FIELDPROOF_PDF_FONT: %w", err)
	}
	s.Reports = svc
	s.mount(func(g *gin.RouterGroup) { reportapi.Register(g, svc) })
	return nil
}
