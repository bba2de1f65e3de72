package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checklists/checklistsdb"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/checks/checksdb"
	"github.com/fieldproof/fieldproof/internal/httpapi/checkapi"
	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/idempotency/idempotencydb"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
)

// checkParts holds the checklist and check services (issue: geotagged checks).
type checkParts struct {
	Checklists  *checklists.Service
	Checks      *checks.Service
	Idempotency *idempotency.Service
}

// wireChecks builds checklists and checks and mounts their routes. The
// default templates are seeded here, idempotently: replicas starting together
// race on the (type, version) key and the losers skip.
func (s *Server) wireChecks(o Options) error {
	s.Checklists = checklists.NewService(checklistsdb.New(o.DB), o.Now, s.Audit)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Checklists.Seed(ctx); err != nil {
		return fmt.Errorf("seed checklists: %w", err)
	}
	s.mount(func(g *gin.RouterGroup) { checkapi.RegisterChecklists(g, s.Checklists) })

	cc := o.Config.Checks
	s.Checks = checks.NewService(checks.Deps{
		Store: checksdb.New(o.DB), Projects: projectsdb.New(o.DB), Templates: s.Checklists,
		Photos: photosdb.NewPhotos(o.DB), Audit: s.Audit, Tasks: s.Campaigns, Now: o.Now, FutureAllowance: cc.FutureAllowance,
		Thresholds: checks.Thresholds{LowAccuracyM: cc.LowAccuracyM, LateSubmission: cc.LateSubmission},
	})
	s.mount(func(g *gin.RouterGroup) { checkapi.RegisterChecks(g, s.Checks) })

	s.Idempotency = idempotency.NewService(idempotencydb.New(o.DB), o.Config.Checks.IdempotencyTTL,
		o.Config.Checks.IdempotencyLease, o.Now)
	s.worker(func(ctx context.Context) { sweepIdempotency(ctx, s) })
	return nil
}

// sweepIdempotency deletes expired Idempotency-Key answers every ten minutes.
// Begin also ignores expired rows, so a late sweep is harmless.
func sweepIdempotency(ctx context.Context, s *Server) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.Idempotency.Sweep(ctx); err != nil {
			s.log.Warn("sweep idempotency keys", "err", err)
		} else if n > 0 {
			s.log.Info("swept idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
