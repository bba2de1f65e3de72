package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// The profiler answers on its own listener and stops with its context.
func TestDebugServer(t *testing.T) {
	addr, err := debugServer(t.Context(), "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.Get("http://" + addr.String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Fatalf("%d %.200s", r.StatusCode, b)
	}
}
