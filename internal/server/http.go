package server

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/fieldproof/fieldproof/internal/config"
)

// HTTPServer is the http.Server fieldproof listens with; `fieldproof serve`
// and the hostile-client tests use the same one. Headers must arrive within
// ReadHeaderTimeout (slowloris); bodies are bounded per route by
// mid.ReadDeadline and mid.BodyLimit, because a phone uploading a photo over
// a weak network may need minutes and must not be cut off. base is the
// context requests derive from: serve passes one that survives SIGTERM, so
// in-flight requests drain instead of being cancelled.
func (s *Server) HTTPServer(cfg config.Config, base context.Context) *http.Server {
	return &http.Server{
		Addr:              cfg.Addr,
		Handler:           s.Handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
}
