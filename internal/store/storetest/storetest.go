// Package storetest gives a test a fresh, migrated database on each engine:
// SQLite always, PostgreSQL when FIELDPROOF_TEST_DATABASE_URL is set (and
// required when FIELDPROOF_REQUIRE_SERVICES=1). Suites written against
// EachDB run unchanged on both.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/testenv"
)

// Handle is a migrated database for one test.
type Handle = store.DB

// Logger discards logs unless the test runs with -v.
func Logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// SQLite opens a fresh migrated SQLite database in t.TempDir(): a copy of
// the schema template (template.go).
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	if err := sqliteCopy(path); err != nil {
		t.Fatalf("copy schema template: %v", err)
	}
	return open(t, store.Options{SQLitePath: path})
}

// Postgres opens a fresh migrated PostgreSQL database, dropped at cleanup:
// a copy of the schema template (template.go).
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Options{URL: testenv.PostgresURLFrom(t, postgresTemplate)})
}

func open(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	o.Timeout = 10 * time.Second
	o.MaxOpenConns = 10
	ctx := context.Background()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx, Logger(t)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// EachDB runs fn as a subtest on SQLite and on PostgreSQL.
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
