package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/storage"
)

func TestReadyzFollowsTheDatabase(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		apitest.Expect(t, e.Get("/readyz", ""), http.StatusOK)
		if err := e.DB.Close(); err != nil {
			t.Fatal(err)
		}
		r := e.Get("/readyz", "")
		apitest.Expect(t, r, http.StatusServiceUnavailable)
		if m := r.Map(t); m["checks"].(map[string]any)["database"] != "unavailable" {
			t.Fatalf("readyz: %s", r.Body)
		}
		apitest.Expect(t, e.Get("/healthz", ""), http.StatusOK) // liveness does not depend on it
	})
}

// downStore is an object store whose backend does not answer.
type downStore struct{ storage.Store }

func (downStore) Ping(context.Context) error { return storage.ErrUnavailable }

func TestReadyzFollowsTheObjectStore(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), downStore{localObjects(t)}, "embedded", nil)
	r := e.Get("/readyz", "")
	apitest.Expect(t, r, http.StatusServiceUnavailable)
	if m := r.Map(t); m["checks"].(map[string]any)["objects"] != "unavailable" {
		t.Fatalf("readyz: %s", r.Body)
	}
}

func TestMetricsCountRequestsByRouteTemplate(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", nil)
	e.Get("/api/v1/projects/01a22279-9ce5-7279-8cc6-89d848d726c4", "")
	r := e.Get("/metrics", "")
	apitest.Expect(t, r, http.StatusOK)
	body := string(r.Body)
	want := `fieldproof_http_requests_total{method="GET",route="/api/v1/projects/:id",status="401"} 1`
	if !strings.Contains(body, want) {
		t.Fatalf("metrics lack %s", want)
	}
	if strings.Contains(body, "01a22279-9ce5") {
		t.Fatal("metrics carry raw ids: one series per object would grow without bound")
	}
	if !strings.Contains(body, "fieldproof_http_request_duration_seconds_bucket") {
		t.Fatal("no latency histogram")
	}
}

func TestUnknownRouteIsProblem404(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", nil)
	r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/nothing-here", SkipContract: true})
	apitest.Expect(t, r, http.StatusNotFound)
	if r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.Body), "route_not_found") {
		t.Fatalf("%s %s", r.Header.Get("Content-Type"), r.Body)
	}
}

// TestSlowBodyIsCutOff runs the real handler in a real http.Server: a client
// that sends headers and then trickles its JSON body is cut off at the read
// deadline, and the server keeps answering others meanwhile.
func TestSlowBodyIsCutOff(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", func(c *config.Config) { c.ReadTimeout = time.Second })
	srv := &http.Server{Handler: e.Server.Handler, ReadHeaderTimeout: time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	_, _ = io.WriteString(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	// Trickle one byte every 300 ms until the server gives up on us.
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 50; i++ {
			time.Sleep(300 * time.Millisecond)
			if _, err := io.WriteString(conn, " "); err != nil {
				done <- err
				return
			}
		}
		done <- errors.New("server never cut the connection")
	}()
	// Meanwhile others are served.
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz while a slow client is connected: %v %v", resp, err)
	}
	resp.Body.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, _ := bufio.NewReader(conn).ReadString('\n')
	elapsed := time.Since(start)
	if elapsed > 5*time.Second {
		t.Fatalf("slow client held the request for %v", elapsed)
	}
	if status != "" && !strings.Contains(status, " 4") {
		t.Fatalf("slow client got %q", status)
	}
}
