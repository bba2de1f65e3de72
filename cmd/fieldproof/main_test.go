package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/httpapi/auditapi"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func embeddedEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("FIELDPROOF_DATA_DIR", dir)
	t.Setenv("FIELDPROOF_LOG_LEVEL", "warn")
	return dir
}

// TestServeDemoAndGracefulShutdown runs the README's command in process: an
// empty data dir, --demo, a login with a demo account, then SIGTERM (a
// cancelled context) drains and returns cleanly.
func TestServeDemoAndGracefulShutdown(t *testing.T) {
	embeddedEnv(t)
	addr := freeAddr(t)
	t.Setenv("FIELDPROOF_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"--demo"}, &out, io.Discard) }()

	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"office","password":"demo-office-pass"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("demo login: %v %v", resp, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if s := out.String(); !strings.Contains(s, "one-time password") || !strings.Contains(s, "Demo county loaded") {
		t.Fatalf("startup output lacks the admin password or demo summary:\n%s", s)
	}
}

func TestMigrateAndUserAdd(t *testing.T) {
	embeddedEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate printed %q", out.String())
	}
	out.Reset()
	t.Setenv("FIELDPROOF_NEW_USER_PASSWORD", "a long enough password")
	err := run(context.Background(), []string{"user", "add", "--username", "wang", "--role", "contractor", "--unit", "Hengda Road Co."}, &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "created wang (contractor)") {
		t.Fatalf("user add: %v %q", err, out.String())
	}
	err = run(context.Background(), []string{"user", "add", "--username", "wang", "--role", "contractor", "--unit", "X"}, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("second user add with the same name succeeded")
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// A fresh database holds only the seeded checklist versions, audited like
// every write.
func TestAuditVerifyOnAFreshDatabase(t *testing.T) {
	embeddedEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"audit", "verify"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "audit log intact: ") {
		t.Fatalf("%q", out.String())
	}
	// The run is recorded, for the console's "last verified".
	a, err := open(context.Background(), io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	last, err := a.srv.Audit.LastVerification(context.Background(), auth.Principal{UserID: "u", Role: auth.RoleAdmin})
	if err != nil || last == nil || !last.OK || last.By != audit.ByCLI {
		t.Fatalf("recorded run: %+v %v", last, err)
	}
}

// An export verifies offline with the key `audit key` prints (kept in the
// data dir in the embedded setup), fails with another key, and a proof
// file as the API serves it verifies with verify-proof.
func TestAuditExportVerifiesOffline(t *testing.T) {
	dir := embeddedEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "key"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	file := filepath.Join(dir, "audit.jsonl")
	out.Reset()
	if err := run(ctx, []string{"audit", "export", file}, &out, io.Discard); err != nil || !strings.Contains(out.String(), key) {
		t.Fatalf("export: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--export", file, "--key", key}, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "audit log intact: ") || strings.Contains(out.String(), "intact: 0 entries") {
		t.Fatalf("offline verify: %v %q", err, out.String())
	}
	skey, err := audit.GenerateKey("other")
	if err != nil {
		t.Fatal(err)
	}
	other, err := audit.ParseKey(skey, "x")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--export", file, "--key", other.VerifierKey}, &out, io.Discard); err == nil ||
		!strings.Contains(out.String(), "BROKEN") {
		t.Fatalf("another key: %v %q", err, out.String())
	}

	a, err := open(ctx, io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.srv.Audit.Inclusion(ctx, 1, 0)
	a.close()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(auditapi.Inclusion(p))
	if err != nil {
		t.Fatal(err)
	}
	proofFile := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(proofFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify-proof", "--proof", proofFile, "--key", key}, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "proof holds: entry 1") {
		t.Fatalf("verify-proof: %v %q", err, out.String())
	}
	if err := os.WriteFile(proofFile, bytes.Replace(b, []byte(`"leaf_index":0`), []byte(`"leaf_index":1`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"audit", "verify-proof", "--proof", proofFile, "--key", key}, io.Discard, io.Discard); err == nil {
		t.Fatal("a proof at another index verified")
	}
}
