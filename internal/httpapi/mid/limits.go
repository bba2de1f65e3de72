package mid

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// BodyLimit caps a request body; reading past it fails with
// *http.MaxBytesError, which respond.Error answers as 413. Routes listed in
// uploads (by route template) get their own, larger cap.
func BodyLimit(def int64, uploads map[string]Upload) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := def
		if u, ok := uploads[c.FullPath()]; ok {
			n = u.MaxBytes
		}
		if c.Request.ContentLength > n {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 0)
		} else {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// Upload marks a route that receives a photo: a larger body cap and a longer
// read deadline than ordinary JSON routes.
type Upload struct {
	MaxBytes int64
	Timeout  time.Duration
}

// ReadDeadline bounds how long the server waits for one request's body.
// The http.Server has no global ReadTimeout because a phone on a weak network
// may legitimately take minutes to upload a photo; instead ordinary routes get
// a short deadline here and upload routes a long one, so a slowloris client
// holding a JSON route open is cut off quickly.
func ReadDeadline(def time.Duration, uploads map[string]Upload) gin.HandlerFunc {
	return func(c *gin.Context) {
		d := def
		if u, ok := uploads[c.FullPath()]; ok {
			d = u.Timeout
		}
		rc := http.NewResponseController(c.Writer)
		_ = rc.SetReadDeadline(time.Now().Add(d)) // not every writer supports it (httptest); the server's does
		c.Next()
	}
}
