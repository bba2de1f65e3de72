package server

import (
	"context"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// photoParts holds the photo pipeline and its workers.
type photoParts struct {
	Photos *photos.Service
}

// wirePhotos builds the photo service and registers its background
// workers: the rendition worker and the orphan sweeper.
//
// No HTTP routes are mounted yet: uploads and reads need photos.Parents,
// which the checks service does not implement yet. Without it nothing could
// decide who may attach or see a photo, so the routes wait rather than
// guess. The workers need no Parents and run now.
func (s *Server) wirePhotos(o Options) error {
	cfg := o.Config
	s.Photos = photos.New(photos.Deps{
		Store: store.NewPhotos(o.DB), Jobs: store.NewJobs(o.DB), Objects: o.Objects,
		Config: cfg.Photos, RetentionDays: cfg.S3.RetentionDays, Log: o.Log,
	})
	host, _ := os.Hostname()
	w := &jobs.Worker{
		Store: store.NewJobs(o.DB), Name: host + "/" + uuid.NewString()[:8], Log: o.Log,
		Concurrency: max(1, cfg.Photos.RenditionJobs),
		Handlers:    map[string]jobs.Handler{photos.JobRenditions: s.Photos.RenditionHandler},
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
