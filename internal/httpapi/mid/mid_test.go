package mid_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

func engine(logs io.Writer) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	log := slog.New(mid.ContextHandler{Handler: slog.NewJSONHandler(logs, nil)})
	r := gin.New()
	r.Use(mid.RequestID(), mid.Recover(log), mid.Log(log))
	r.GET("/boom", func(*gin.Context) { panic("secret internal detail") })
	r.POST("/echo", mid.BodyLimit(16, nil), respond.H(func(c *gin.Context) error {
		var v map[string]any
		if err := respond.Decode(c, &v); err != nil {
			return err
		}
		c.JSON(http.StatusOK, v)
		return nil
	}))
	return r
}

func TestPanicBecomesLogged500WithoutDetails(t *testing.T) {
	var logs bytes.Buffer
	rec := httptest.NewRecorder()
	engine(&logs).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q", ct)
	}
	body := rec.Body.String()
	if strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
		t.Fatalf("500 body leaks internals: %s", body)
	}
	var p respond.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	rid := rec.Header().Get(mid.RequestIDHeader)
	if rid == "" || p.RequestID != rid || p.Code != "internal" {
		t.Fatalf("problem %+v, header id %q", p, rid)
	}
	// The log has the panic, the stack and the same request id.
	if !strings.Contains(logs.String(), "secret internal detail") || !strings.Contains(logs.String(), rid) ||
		!strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("log lacks panic, stack or request id: %s", logs.String())
	}
}

func TestRequestIDIsKeptWhenWellFormedAndReplacedOtherwise(t *testing.T) {
	r := engine(io.Discard)
	for in, keep := range map[string]bool{"abc-123": true, "bad id with spaces": false, strings.Repeat("a", 200): false} {
		req := httptest.NewRequest(http.MethodGet, "/nothing", nil)
		req.Header.Set(mid.RequestIDHeader, in)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		got := rec.Header().Get(mid.RequestIDHeader)
		if (got == in) != keep || got == "" {
			t.Errorf("incoming %q: response id %q", in, got)
		}
	}
}

func TestBodyLimitAnswers413(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	engine(io.Discard).ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "body_too_large") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	cases := map[string]struct {
		body, ct string
		status   int
		code     string
	}{
		"unknown field": {`{"x":1}`, "application/json", 400, "unknown_field"},
		"not json":      {`{x`, "application/json", 400, "invalid_json"},
		"two objects":   {`{}{}`, "application/json", 400, "invalid_json"},
		"empty":         {``, "application/json", 400, "empty_body"},
		"wrong type":    {`{}`, "text/plain", 415, "unsupported_media_type"},
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(mid.RequestID())
	r.POST("/strict", respond.H(func(c *gin.Context) error {
		var v struct {
			Y int `json:"y"`
		}
		return respond.Decode(c, &v)
	}))
	for name, tc := range cases {
		req := httptest.NewRequest(http.MethodPost, "/strict", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ct)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), `"`+tc.code+`"`) {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
}

func TestUploadRoutesGetTheirOwnLimit(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	uploads := map[string]mid.Upload{"/up": {MaxBytes: 1000, Timeout: time.Minute}}
	r := gin.New()
	r.Use(mid.RequestID(), mid.ReadDeadline(time.Second, uploads), mid.BodyLimit(16, uploads))
	read := respond.H(func(c *gin.Context) error {
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			return err
		}
		c.String(http.StatusOK, "%d", len(b))
		return nil
	})
	r.POST("/up", read)
	r.POST("/json", read)
	for path, want := range map[string]int{"/up": http.StatusOK, "/json": http.StatusRequestEntityTooLarge} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(strings.Repeat("x", 500))))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
	}
}
