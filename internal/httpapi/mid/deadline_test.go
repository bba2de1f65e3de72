package mid

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// A handler that runs past the body's read deadline — a county-wide export,
// a PDF report — keeps its context: net/http cancels a request's context
// when a read deadline passes, so the deadline must be lifted once the body
// is read (or at once when there is none).
func TestReadDeadlineLiftedAfterTheBody(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(ReadDeadline(300*time.Millisecond, nil))
	slow := func(c *gin.Context) {
		_, _ = io.ReadAll(c.Request.Body)
		select {
		case <-c.Request.Context().Done():
			c.String(http.StatusInternalServerError, "cancelled")
		case <-time.After(time.Second):
			c.String(http.StatusOK, "done")
		}
	}
	r.GET("/slow", slow)
	r.POST("/slow", slow)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, "http://"+ln.Addr().String()+"/slow", strings.NewReader(`{"a":1}`))
		if method == http.MethodGet {
			req.Body, req.ContentLength = nil, 0
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "done" {
			t.Errorf("%s: %d %q", method, resp.StatusCode, b)
		}
	}
}
