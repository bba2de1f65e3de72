package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080":       "http://localhost:8080",
		"0.0.0.0:8080":    "http://localhost:8080",
		"127.0.0.1:18080": "http://127.0.0.1:18080",
		"[::1]:8080":      "http://[::1]:8080",
		"10.0.0.7:80":     "http://10.0.0.7:80",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseURL(tcp); got != want {
			t.Errorf("baseURL(%s) = %s, want %s", addr, got, want)
		}
	}
}

// syncBuffer is written by the server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveUntilBanner starts the server, waits for its banner, and returns
// what it printed and a stop function.
func serveUntilBanner(t *testing.T, addr string) (*syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"serve"}, out, io.Discard) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "fieldproof is listening") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return out, func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

func login(t *testing.T, base, username, password string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// The first start prints the admin's one-time password and where the API
// is; a later start, which cannot print that password again, says how to
// set it, and `fieldproof user set-password` does, from the environment.
func TestBannerAndSetPasswordAfterAnEarlierStart(t *testing.T) {
	embeddedEnv(t)
	addr := freeAddr(t)
	t.Setenv("FIELDPROOF_ADDR", addr)
	base := "http://" + addr

	out, stop := serveUntilBanner(t, addr)
	first := out.String()
	stop()
	for _, want := range []string{"one-time password", "API         " + base + "/api/v1", base + "/readyz",
		"console     " + base + "/console/", "field app   " + base + "/app/"} {
		if !strings.Contains(first, want) {
			t.Errorf("first start lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "set-password") {
		t.Errorf("first start, which printed the password, tells how to set it:\n%s", first)
	}

	out, stop = serveUntilBanner(t, addr)
	second := out.String()
	stop()
	if strings.Contains(second, "one-time password:") ||
		!strings.Contains(second, "FIELDPROOF_NEW_USER_PASSWORD='a new password' fieldproof user set-password --username admin") {
		t.Errorf("second start does not tell how to set the admin's password:\n%s", second)
	}

	t.Setenv("FIELDPROOF_NEW_USER_PASSWORD", "the admin's new password")
	var cli bytes.Buffer
	if err := run(context.Background(), []string{"user", "set-password", "--username", "Admin"}, &cli, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cli.String(), "password of admin (admin) set") || strings.Contains(cli.String(), "password: ") {
		t.Errorf("set-password printed %q", cli.String())
	}
	if err := run(context.Background(), []string{"user", "set-password", "--username", "nobody"}, io.Discard, io.Discard); err == nil {
		t.Error("set-password of an unknown user succeeded")
	}
	if err := run(context.Background(), []string{"user", "set-password"}, io.Discard, io.Discard); err == nil {
		t.Error("set-password without --username succeeded")
	}

	_, stop = serveUntilBanner(t, addr)
	defer stop()
	if code, m := login(t, base, "admin", "the admin's new password"); code != http.StatusOK {
		t.Errorf("admin login with the new password: %d %v", code, m)
	}
	if code, _ := login(t, base, "office", "the admin's new password"); code == http.StatusOK {
		t.Error("nonsense login succeeded")
	}

	// Without the variable a password is generated and printed once.
	t.Setenv("FIELDPROOF_NEW_USER_PASSWORD", "")
	cli.Reset()
	if err := run(context.Background(), []string{"user", "set-password", "--username", "admin"}, &cli, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, pw, ok := strings.Cut(cli.String(), "password: ")
	if !ok {
		t.Fatalf("no generated password in %q", cli.String())
	}
	if code, m := login(t, base, "admin", strings.TrimSpace(pw)); code != http.StatusOK {
		t.Errorf("admin login with the generated password: %d %v", code, m)
	}
}
