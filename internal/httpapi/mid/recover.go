package mid

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

// Recover turns a panic into a logged 500 with the request id and no stack
// trace to the client. http.ErrAbortHandler is re-panicked: it is how the
// server itself aborts a response.
func Recover(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			log.ErrorContext(c.Request.Context(), "panic", "panic", rec, "stack", string(debug.Stack()),
				"route", c.FullPath())
			if c.Writer.Written() {
				c.Abort()
				return
			}
			respond.Status(c, http.StatusInternalServerError, "internal",
				"an internal error occurred; quote the request id when reporting it")
		}()
		c.Next()
	}
}
