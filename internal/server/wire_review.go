package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/reviewapi"
	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/review/reviewdb"
)

// wireReview mounts the office's review: dashboards, exports and the
// public disclosure endpoint. It reads checks through the checks service,
// so wireChecks runs first.
//
// Order counts come from the orders table when it exists (migration
// 00007), zeros otherwise; see store.ReviewOrders. The public list is
// rate limited per client address in the database, so every replica counts
// the same requests.
func (s *Server) wireReview(o Options) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	orderCounts, err := reviewdb.NewOrders(ctx, o.DB)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	s.Review = review.NewService(review.Deps{Store: reviewdb.New(o.DB), Checks: s.Checks, Orders: orderCounts,
		OrderList: s.Orders, Indicators: s.Projects, Statuses: s.Projects, Now: o.Now})
	svc := s.Review
	lim := review.NewLimiter(reviewdb.NewRateWindows(o.DB), o.Config.PublicRateLimit, o.Config.PublicRateWindow, o.Now)
	s.mount(func(g *gin.RouterGroup) { reviewapi.Register(g, svc) })
	s.mountRoot(func(r *gin.Engine) { reviewapi.RegisterPublic(r, svc, lim) })
	s.worker(func(ctx context.Context) { sweepRates(ctx, s, lim) })
	return nil
}

// sweepRates deletes ended rate-limit windows every ten minutes; Hit
// restarts an old window anyway, so a late sweep only leaves rows longer.
func sweepRates(ctx context.Context, s *Server, lim *review.Limiter) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := lim.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep public rate windows", "err", err)
		} else if n > 0 {
			s.log.Info("swept public rate windows", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
