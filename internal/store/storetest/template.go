package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for the template's admin connection

	"github.com/fieldproof/fieldproof/internal/store"
)

// Migrating a new database costs seconds under -race (the SQLite engine is
// Go code, and every API test wants two databases), while copying a migrated
// one costs milliseconds. So each engine's schema is built once into a
// template named by store.MigrationsDigest, and each test gets a copy; the
// test still runs Migrate on its copy, which finds nothing to do. The
// templates outlive the run and are shared by concurrent test binaries: a
// template is built under a temporary name and only renamed into place once
// complete, so a crash never leaves a half-migrated one to be reused.

var sqliteTemplate = sync.OnceValues(func() (string, error) {
	digest, err := store.MigrationsDigest(store.SQLite)
	if err != nil {
		return "", err
	}
	final := filepath.Join(os.TempDir(), "fieldproof-test-schema-"+digest+".db")
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	dir, err := os.MkdirTemp("", "fieldproof-test-schema-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "schema.db")
	if err := migrateOnce(store.Options{SQLitePath: path}); err != nil {
		return "", err
	}
	// Closing the last connection checkpoints the write-ahead log into the
	// file; a log left behind would mean the file alone is not the schema.
	if _, err := os.Stat(path + "-wal"); err == nil {
		return "", fmt.Errorf("sqlite template %s: write-ahead log left after close", path)
	}
	// A rename within one directory tree is atomic: a concurrent binary sees
	// the old template, none, or this one, never part of one.
	if err := os.Rename(path, final); err != nil {
		return "", err
	}
	return final, nil
})

// sqliteCopy copies the SQLite template to path.
func sqliteCopy(path string) error {
	src, err := sqliteTemplate()
	if err != nil {
		return fmt.Errorf("sqlite template: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// postgresTemplateLock is the advisory lock key under which test binaries
// take turns to look for, and if need be build, the template.
const postgresTemplateLock = 0x66707431 // "fpt1"

var postgresTemplates sync.Map // server URL → func() (string, error)

// postgresTemplate returns the name of a migrated database on the server at
// serverURL, building it the first time.
func postgresTemplate(serverURL string) (string, error) {
	f, _ := postgresTemplates.LoadOrStore(serverURL, sync.OnceValues(func() (string, error) {
		return buildPostgresTemplate(serverURL)
	}))
	return f.(func() (string, error))()
}

func buildPostgresTemplate(serverURL string) (string, error) {
	digest, err := store.MigrationsDigest(store.Postgres)
	if err != nil {
		return "", err
	}
	name := "fp_schema_" + digest
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", postgresTemplateLock); err != nil {
		return "", fmt.Errorf("template lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", postgresTemplateLock)
	}()
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + building
	if err := migrateOnce(store.Options{URL: u.String()}); err != nil {
		return "", err
	}
	// RENAME waits (a few seconds) for the closed connections' sessions to end.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

// migrateOnce migrates a new database and closes it.
func migrateOnce(o store.Options) error {
	o.Timeout = 30 * time.Second
	ctx := context.Background()
	db, err := store.Open(ctx, o)
	if err != nil {
		return fmt.Errorf("open template database: %w", err)
	}
	if err := db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		_ = db.Close()
		return fmt.Errorf("migrate template database: %w", err)
	}
	return db.Close()
}
