package server

import (
	"context"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/httpapi/orderapi"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/orders/ordersdb"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
)

// orderParts holds the rectification-order service.
type orderParts struct {
	Orders *orders.Service
}

// wireOrders builds rectification orders, notifications and webhooks,
// mounts their routes and registers their workers: the overdue escalation
// loop and the webhook delivery worker. Response photos go through the one
// photo pipeline (built by wirePhotos, which routes response ids to
// orders.Parents for the access decision), so wirePhotos runs first.
func (s *Server) wireOrders(o Options) error {
	cfg := o.Config
	oc := cfg.Orders
	svc := orders.NewService(orders.Deps{
		Store: ordersdb.New(o.DB), Projects: projectsdb.New(o.DB), Checks: s.Checks,
		Photos: photosdb.NewPhotos(o.DB), Uploader: s.Photos, Jobs: jobsdb.New(o.DB), Audit: s.Audit,
		Log: o.Log, Now: o.Now,
		Options: orders.Options{DeadlineMinor: oc.DeadlineMinor, DeadlineMajor: oc.DeadlineMajor,
			DeadlineCritical: oc.DeadlineCritical, EscalationInterval: oc.EscalationInterval, NumberZone: oc.NumberZone,
			NumberPrefix: oc.NumberPrefix, WebhookTimeout: oc.WebhookTimeout, WebhookMaxAttempts: oc.WebhookMaxAttempts,
			WebhookBackoffBase: oc.WebhookBackoffBase, WebhookBackoffMax: oc.WebhookBackoffMax},
	})
	s.Orders = svc
	s.upload(orderapi.PhotoRoute, cfg)
	s.mount(func(g *gin.RouterGroup) {
		orderapi.Register(g, svc, orderapi.Options{MaxUploadBytes: cfg.Photos.MaxUploadBytes, UploadTimeout: cfg.UploadTimeout})
	})
	opts := svc.Options()
	host, _ := os.Hostname()
	w := &jobs.Worker{
		Store: jobsdb.New(o.DB), Name: host + "/webhooks/" + uuid.NewString()[:8], Log: o.Log,
		Concurrency: 4, Handlers: svc.Handlers(), Lease: 2 * time.Minute,
		BackoffBase: opts.WebhookBackoffBase, BackoffMax: opts.WebhookBackoffMax,
	}
	s.worker(func(ctx context.Context) { _ = w.Run(ctx) })
	s.worker(svc.RunEscalation)
	return nil
}
