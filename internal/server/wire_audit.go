package server

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/audit/auditdb"
	"github.com/fieldproof/fieldproof/internal/httpapi/auditapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
)

// sealerLease names the lease under which one replica at a time seals.
const sealerLease = "audit.sealer"

// wireAudit builds the audit log and its sealer. cmd/fieldproof always
// passes the configured (or data-dir) key; a server built without one
// (tests, tools) signs with a throwaway key and says so.
func (s *Server) wireAudit(o Options) error {
	cfg := o.Config.Audit
	skey := o.AuditKey
	if skey == "" {
		var err error
		if skey, err = audit.GenerateKey("fieldproof-throwaway"); err != nil {
			return err
		}
		s.log.Warn("audit key not configured: checkpoints are signed with a throwaway key")
	}
	key, err := audit.ParseKey(skey, cfg.Origin)
	if err != nil {
		return err
	}
	lag := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "fieldproof_audit_seal_lag_seconds",
		Help:    "Time from an audit entry's append to its sealing into the Merkle tree.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30, 60}, // 1.5 s: the aim is under 2
	})
	failures := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "fieldproof_audit_seal_failures_total",
		Help: "Sealing rounds that failed (a broken old hash chain stops sealing until the log is restored).",
	})
	s.registry.MustRegister(lag, failures)
	s.Audit = audit.NewService(auditdb.New(o.DB), o.Now, mid.RequestIDFrom, key,
		audit.SealOptions{Batch: cfg.SealBatch, Lag: func(d time.Duration) { lag.Observe(d.Seconds()) }})
	s.mount(func(g *gin.RouterGroup) { auditapi.Register(g, s.Audit) })

	host, _ := os.Hostname()
	holder := host + "/" + uuid.NewString()[:8]
	sealer := audit.Sealer{Service: s.Audit, Interval: cfg.SealInterval,
		TryLease: func(ctx context.Context, until time.Time) (bool, error) {
			return o.DB.TryLease(ctx, sealerLease, holder, time.Now(), until)
		},
		Failed: func(err error) {
			failures.Inc()
			s.log.Error("audit sealing failed; entries wait unsealed", "err", fmt.Sprint(err))
		},
	}
	s.worker(sealer.Run)
	return nil
}
