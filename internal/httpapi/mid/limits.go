package mid

import (
	"io"
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
//
// The deadline covers the body only: once it has been read to the end (or
// when there is none, as for a GET) it is lifted, because net/http cancels
// a request's context when a read deadline passes, and a county-wide
// export or a PDF report may take longer than the body did.
func ReadDeadline(def time.Duration, uploads map[string]Upload) gin.HandlerFunc {
	return func(c *gin.Context) {
		d := def
		if u, ok := uploads[c.FullPath()]; ok {
			d = u.Timeout
		}
		rc := http.NewResponseController(c.Writer)
		lift := func() { _ = rc.SetReadDeadline(time.Time{}) }
		if c.Request.ContentLength == 0 && len(c.Request.TransferEncoding) == 0 {
			lift()
			c.Next()
			return
		}
		_ = rc.SetReadDeadline(time.Now().Add(d)) // not every writer supports it (httptest); the server's does
		c.Request.Body = &liftAtEOF{ReadCloser: c.Request.Body, lift: lift}
		c.Next()
	}
}

// liftAtEOF lifts the read deadline once the body has been read to its end.
type liftAtEOF struct {
	io.ReadCloser
	lift func()
	done bool
}

func (b *liftAtEOF) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.lift()
	}
	return n, err
}
