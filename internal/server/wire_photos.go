package server

import (
	"context"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// photoParts holds the photo pipeline and its workers.
type photoParts struct {
	Photos *photos.Service
}

// wirePhotos builds the photo service, mounts its routes and registers its
// background workers: the rendition worker and the orphan sweeper. Checks
// answer who may attach and see photos (checks.Parents), so wireChecks runs
// first.
func (s *Server) wirePhotos(o Options) error {
	cfg := o.Config
	s.Photos = photos.New(photos.Deps{
		Store: store.NewPhotos(o.DB), Jobs: store.NewJobs(o.DB), Objects: o.Objects,
		Parents: s.Checks.AsParents(), Audit: s.Audit, Config: cfg.Photos, RetentionDays: cfg.S3.RetentionDays, Log: o.Log,
	})
	heic, err := s.Photos.HEICDecoder()
	if err != nil {
		return err
	}
	s.log.Info("HEIC decoder", "decoder", heic)
	s.upload("/checks/:id/photos", cfg)
	s.mount(func(g *gin.RouterGroup) {
		photoapi.Register(g, s.Photos, photoapi.Options{MaxUploadBytes: cfg.Photos.MaxUploadBytes, UploadTimeout: cfg.UploadTimeout})
	})
	host, _ := os.Hostname()
	w := &jobs.Worker{
		Store: store.NewJobs(o.DB), Name: host + "/" + uuid.NewString()[:8], Log: o.Log,
		Concurrency: max(1, cfg.Photos.RenditionJobs),
		Handlers:    s.Photos.Handlers(),
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
