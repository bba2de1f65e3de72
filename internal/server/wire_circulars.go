package server

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/circulars/circularsdb"
	"github.com/fieldproof/fieldproof/internal/httpapi/circularapi"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
)

// circularParts holds the monthly circular service.
type circularParts struct {
	Circulars *circulars.Service
}

// wireCirculars builds the monthly supervision circular, mounts its routes
// and registers the worker that puts published files under retention. It
// draws its PDF with the evidence reports' font, so wireReports runs first.
//
// Report states come from the monthly reports' period status
// (monthly.StatusOf, adapted by circularReports in wire_monthly.go), so
// wireMonthly runs first.
func (s *Server) wireCirculars(o Options) error {
	cfg := o.Config
	st := circularsdb.New(o.DB)
	svc, err := circulars.NewService(circulars.Deps{
		Store: st,
		Gather: circulars.Sources{Programme: st, Schedules: circulars.ProjectSchedules{Indicators: s.Projects, Statuses: s.Projects},
			Reports: circularReports{s.Monthly}, Zone: cfg.Zone, History: s.Projects},
		Renderer: s.Reports, Objects: o.Objects, Jobs: jobsdb.New(o.DB), Audit: s.Audit,
		County: cfg.CountyName, Zone: cfg.Zone, RetentionDays: cfg.S3.RetentionDays,
		StorageDeadline: cfg.Photos.StorageDeadline, Log: o.Log, Now: o.Now,
	})
	if err != nil {
		return fmt.Errorf("circulars: %w", err)
	}
	s.Circulars = svc
	s.mount(func(g *gin.RouterGroup) { circularapi.Register(g, svc) })
	host, _ := os.Hostname()
	w := &jobs.Worker{
		Store: jobsdb.New(o.DB), Name: host + "/circulars/" + uuid.NewString()[:8], Log: o.Log,
		Concurrency: 1, Handlers: svc.Handlers(), Lease: cfg.Photos.RenditionLease,
		Now: func() time.Time { return o.Now().UTC() },
	}
	s.worker(func(ctx context.Context) { _ = w.Run(ctx) })
	return nil
}
