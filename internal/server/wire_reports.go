package server

import (
	"fmt"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/reportapi"
	"github.com/fieldproof/fieldproof/internal/reports"
)

// wireReports mounts the PDF evidence reports; it runs after wireOrders.
func (s *Server) wireReports(o Options) error {
	if f := o.Config.PDFFont; f != "" {
		// A missing font would fail every report; refuse to start instead.
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("FIELDPROOF_PDF_FONT: %w", err)
		}
	}
	svc := reports.NewService(s.Projects, s.Checks, s.Photos, s.Orders, o.Config.PDFFont, o.Now)
	s.mount(func(g *gin.RouterGroup) { reportapi.Register(g, svc) })
	return nil
}
