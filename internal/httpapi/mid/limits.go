package mid

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// BodyLimit caps a request body; reading past it fails with
// *http.MaxBytesError, which respond.Error answers as 413.
func BodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 0)
		} else {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// ReadDeadline bounds how long the server waits for one request's body.
// The http.Server has no global ReadTimeout because a phone on a weak network
// may legitimately take minutes to upload a photo; instead ordinary routes get
// a short deadline here and upload routes a long one, so a slowloris client
// holding a JSON route open is cut off quickly.
func ReadDeadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		_ = rc.SetReadDeadline(time.Now().Add(d)) // not every writer supports it (httptest); the server's does
		c.Next()
	}
}
