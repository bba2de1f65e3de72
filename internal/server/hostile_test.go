package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
)

// hostileServer serves the real handler with the real http.Server settings
// (Server.HTTPServer), with limits shortened so the test runs in seconds.
func hostileServer(t *testing.T) (*apitest.Env, string) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", func(c *config.Config) {
		c.ReadHeaderTimeout, c.ReadTimeout, c.UploadTimeout = time.Second, time.Second, 2*time.Second
		c.MaxBodyBytes, c.Photos.MaxUploadBytes = 1<<20, 5<<20
	})
	srv := e.Server.HTTPServer(e.Config, context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return e, ln.Addr().String()
}

// answers: the server still serves others.
func answers(t *testing.T, addr string) {
	t.Helper()
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz while a hostile client is connected: %v %v", resp, err)
	}
	resp.Body.Close()
}

// cutOff waits for the server to answer or close conn and returns the
// status line ("" when it just closed) and how long it took.
func cutOff(t *testing.T, conn net.Conn, start time.Time) (string, time.Duration) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server never cut the connection")
	}
	return strings.TrimSpace(line), time.Since(start)
}

func TestHostileClients(t *testing.T) {
	e, addr := hostileServer(t)
	u := e.CreateUser("phone1", auth.RoleInspector, "", "")
	tok := e.Login(u.Username)
	dial := func() net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}

	t.Run("headers never finished", func(t *testing.T) {
		conn, start := dial(), time.Now()
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		answers(t, addr)
		status, took := cutOff(t, conn, start)
		t.Logf("cut off after %v (%q)", took.Round(time.Millisecond), status)
		if took > 4*time.Second {
			t.Errorf("half-sent headers held the connection %v", took)
		}
	})

	t.Run("body trickled one byte a second", func(t *testing.T) {
		conn, start := dial(), time.Now()
		_, _ = io.WriteString(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		go func() {
			for range 30 {
				time.Sleep(time.Second)
				if _, err := io.WriteString(conn, " "); err != nil {
					return
				}
			}
		}()
		answers(t, addr)
		status, took := cutOff(t, conn, start)
		t.Logf("cut off after %v (%q)", took.Round(time.Millisecond), status)
		if took > 5*time.Second || (status != "" && !strings.Contains(status, " 4")) {
			t.Errorf("trickled body: %q after %v", status, took)
		}
	})

	t.Run("content-length that lies", func(t *testing.T) {
		conn, start := dial(), time.Now()
		_, _ = fmt.Fprintf(conn, "POST /api/v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n{\"name\":\"short\"}", tok)
		answers(t, addr)
		status, took := cutOff(t, conn, start)
		t.Logf("cut off after %v (%q)", took.Round(time.Millisecond), status)
		if took > 5*time.Second || (status != "" && !strings.Contains(status, " 4")) {
			t.Errorf("lying Content-Length: %q after %v", status, took)
		}
	})

	for _, c := range []struct{ name, path, ctype string }{
		{"200 MB json body", "/api/v1/projects", "application/json"},
		{"200 MB photo upload", "/api/v1/checks/00000000-0000-4000-8000-000000000000/photos", "multipart/form-data; boundary=x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, start := dial(), time.Now()
			_, _ = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
				c.path, tok, c.ctype, 200<<20)
			sent := make(chan int64, 1)
			go func() {
				chunk := make([]byte, 64<<10)
				var n int64
				for n < 200<<20 {
					m, err := conn.Write(chunk)
					n += int64(m)
					if err != nil {
						break
					}
				}
				sent <- n
			}()
			answers(t, addr)
			status, took := cutOff(t, conn, start)
			if took > 5*time.Second || !(status == "" || strings.Contains(status, " 4")) {
				t.Errorf("%q after %v", status, took)
			}
			_ = conn.Close()
			n := <-sent
			t.Logf("cut off after %v (%q), %d MB of the 200 MB sent", took.Round(time.Millisecond), status, n>>20)
			if n >= 200<<20 {
				t.Errorf("the server read all %d bytes", n)
			}
		})
	}
	answers(t, addr)
}
