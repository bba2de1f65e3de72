package server

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/orders/ordersdb"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
)

// photoParts holds the photo pipeline and its workers.
type photoParts struct {
	Photos *photos.Service
}

// wirePhotos builds the photo service, mounts its routes and registers its
// background workers: the rendition worker and the orphan sweeper. Checks
// answer who may attach and see photos (checks.Parents), so wireChecks runs
// first; rectification responses answer for their own ids (orders.Parents,
// which needs only the order and project stores, since the order service is
// built later, on top of this one). Direct upload is on from the start; its
// URL key derives from the JWT key because that is the one secret every
// replica already shares.
func (s *Server) wirePhotos(o Options) error {
	cfg := o.Config
	responses := orders.NewParents(orders.ParentDeps{Store: ordersdb.New(o.DB), Projects: projectsdb.New(o.DB)})
	var err error
	s.Photos, err = photos.New(photos.Deps{
		Store: photosdb.NewPhotos(o.DB), Jobs: jobsdb.New(o.DB), Objects: o.Objects,
		Parents: s.Checks.AsParents(), Routes: []photos.Route{responses.Route(), monthlyPhotoRoute(o).Route()},
		Direct: &photos.DirectDeps{Uploads: photosdb.NewUploads(o.DB), Secret: o.JWTKey},
		Audit:  s.Audit, Config: cfg.Photos, RetentionDays: cfg.S3.RetentionDays, Log: o.Log,
		Now: o.Now, Intents: photosdb.NewIntents(o.DB),
	})
	if err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	heic, err := s.Photos.HEICDecoder()
	if err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	s.log.Info("HEIC decoder", "decoder", heic)
	s.upload("/checks/:id/photos", cfg)
	s.upload(photoapi.RawRoute, cfg)
	s.mount(func(g *gin.RouterGroup) {
		photoapi.Register(g, s.Photos, photoapi.Options{MaxUploadBytes: cfg.Photos.MaxUploadBytes, UploadTimeout: cfg.UploadTimeout,
			Audit: s.Audit})
	})
	host, _ := os.Hostname()
	w := &jobs.Worker{
		Store: jobsdb.New(o.DB), Name: host + "/" + uuid.NewString()[:8], Log: o.Log,
		Concurrency: max(1, cfg.Photos.RenditionJobs), Lease: cfg.Photos.RenditionLease,
		Handlers: s.Photos.Handlers(),
		// The photo service stamps its jobs with this clock.
		Now: func() time.Time { return o.Now().UTC() },
	}
	s.worker(func(ctx context.Context) { _ = w.Run(ctx) })
	s.worker(func(ctx context.Context) { s.sweepPhotos(ctx, cfg.Photos.SweepInterval) })
	return nil
}

func (s *Server) sweepPhotos(ctx context.Context, every time.Duration) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Photos.Sweep(ctx); err != nil {
				s.log.Warn("photo sweep", "err", err, "removed", n)
			} else if n > 0 {
				s.log.Info("photo sweep", "removed", n)
			}
		}
	}
}
