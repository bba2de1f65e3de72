// Package mid holds fieldproof's HTTP middleware: request ids, logging,
// panic recovery, metrics, deadlines, body limits and authentication.
package mid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

// RequestIDHeader carries the id in both directions.
const RequestIDHeader = "X-Request-ID"

var safeID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

type ridKey struct{}

// RequestID takes a well-formed incoming id (from a proxy) or makes one, and
// puts it on the response, in the gin context and in the request context for
// slog.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !safeID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(respond.RequestIDKey, id)
		c.Header(RequestIDHeader, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), ridKey{}, id))
		c.Next()
	}
}

// RequestIDFrom returns the request id in ctx, if any.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(ridKey{}).(string)
	return id
}

// ContextHandler adds request_id to every log record made with a request
// context, so every line about one request can be found together.
type ContextHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h ContextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h ContextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ContextHandler{h.Handler.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (h ContextHandler) WithGroup(name string) slog.Handler {
	return ContextHandler{h.Handler.WithGroup(name)}
}
