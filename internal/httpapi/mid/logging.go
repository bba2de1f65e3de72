package mid

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// Log writes one structured line per request.
func Log(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		log.Log(c.Request.Context(), level, "request",
			"method", c.Request.Method, "route", route, "status", status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"bytes_out", c.Writer.Size(), "client", c.ClientIP(),
			"user_id", c.GetString(userIDKey))
	}
}
