// Package testenv gives tests the real services they need — a fresh
// PostgreSQL database, a MinIO endpoint — or skips them when the service is
// not configured. With FIELDPROOF_REQUIRE_SERVICES=1 (as scripts/test-services.sh
// and CI set it) a missing service fails the test instead of skipping it, so a
// green CI run always means the PostgreSQL and MinIO paths ran.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for creating throw-away databases
)

// Environment variables read by the helpers below.
const (
	EnvRequire     = "FIELDPROOF_REQUIRE_SERVICES"
	EnvDatabaseURL = "FIELDPROOF_TEST_DATABASE_URL"
	EnvS3Endpoint  = "FIELDPROOF_TEST_S3_ENDPOINT"
	EnvS3AccessKey = "FIELDPROOF_TEST_S3_ACCESS_KEY"
	EnvS3SecretKey = "FIELDPROOF_TEST_S3_SECRET_KEY"
)

// Required reports whether service-backed tests must fail rather than skip.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

func missing(t testing.TB, what string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is required (%s=1) but not configured or not reachable", what, EnvRequire)
	}
	t.Skipf("%s not configured; set it (see scripts/test-services.sh) to run this test", what)
}

// PostgresURL creates a fresh, uniquely named database on the server named by
// FIELDPROOF_TEST_DATABASE_URL, drops it when the test ends, and returns its URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return PostgresURLFrom(t, nil)
}

// PostgresURLFrom is PostgresURL with the new database copied from a
// template: template is given the server's URL and returns the name of a
// database nobody is connected to (CREATE DATABASE … TEMPLATE refuses one
// in use). Copying a migrated database is much cheaper than migrating each
// new one. A nil template gives an empty database.
func PostgresURLFrom(t testing.TB, template func(serverURL string) (string, error)) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		missing(t, EnvDatabaseURL)
		return ""
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvDatabaseURL, err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		missing(t, "PostgreSQL at "+EnvDatabaseURL+" ("+err.Error()+")")
		return ""
	}
	name := "fp_test_" + randomSuffix()
	create := "CREATE DATABASE " + name
	if template != nil {
		tmpl, err := template(base)
		if err != nil {
			t.Fatalf("template database: %v", err)
		}
		create += " TEMPLATE " + tmpl
	}
	// A fresh deadline: building the template may have taken a while.
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	if _, err := admin.ExecContext(cctx, create); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvDatabaseURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// S3 is a MinIO/S3 endpoint for tests.
type S3 struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	// Bucket is a fresh name, unique to the test; the backend creates it.
	Bucket string
}

// S3Endpoint returns the MinIO endpoint named by FIELDPROOF_TEST_S3_* with a
// fresh bucket name, or skips (fails when required).
func S3Endpoint(t testing.TB) S3 {
	t.Helper()
	ep := os.Getenv(EnvS3Endpoint)
	if ep == "" {
		missing(t, EnvS3Endpoint)
		return S3{}
	}
	return S3{
		Endpoint:  ep,
		AccessKey: os.Getenv(EnvS3AccessKey),
		SecretKey: os.Getenv(EnvS3SecretKey),
		Bucket:    "fp-test-" + strings.ReplaceAll(randomSuffix(), "_", "-"),
	}
}

func randomSuffix() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}
