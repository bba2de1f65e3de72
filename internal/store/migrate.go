package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are written once, in PostgreSQL's dialect, and run on SQLite
// through the small type translation in sqliteTypes. One source of truth keeps
// the two schemas from drifting; TestMigrate runs every migration on both.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// sqliteTypes maps PostgreSQL column types to the SQLite declarations the
// pure-Go driver understands (it parses DATETIME and DATE columns into
// time.Time, so those names matter).
var sqliteTypes = strings.NewReplacer(
	"TIMESTAMPTZ", "DATETIME",
	"DOUBLE PRECISION", "REAL",
	"BIGINT", "INTEGER",
	"JSONB", "TEXT",
	"BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT",
	"BYTEA", "BLOB",
)

// Migrate brings the schema to the latest version. On PostgreSQL a session
// advisory lock makes replicas that start together take turns.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, err := db.migrator()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration.String())
	}
	return nil
}

// MigrateDownTo rolls the schema back to version: tests of a migration's
// data path start from the schema before it.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := db.migrator()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}

// Reapply runs one migration's Up on a schema that has every other one:
// a test of that migration's data path removes what it made (and its row in
// goose_db_version), then reapplies it alone, whatever came after it.
func (db *DB) Reapply(ctx context.Context, version int64) error {
	p, err := db.migrator()
	if err != nil {
		return err
	}
	if _, err := p.ApplyVersion(ctx, version, true); err != nil {
		return fmt.Errorf("reapply migration %d: %w", version, err)
	}
	return nil
}

// SchemaVersion reports the current and the latest known versions.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	return current, latest, nil
}

func (db *DB) migrator() (*goose.Provider, error) {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var (
		dialect goose.Dialect
		opts    = []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
		fsys    = sub
	)
	switch db.dialect {
	case Postgres:
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		dialect = goose.DialectSQLite3
		if fsys, err = sqliteFS(sub); err != nil {
			return nil, fmt.Errorf("translate migrations: %w", err)
		}
	}
	return goose.NewProvider(dialect, sqlDB, fsys, opts...)
}

// sqliteFS returns the migration files with SQLite's type names, in memory
// (they are a few kilobytes). fstest.MapFS is the standard library's map-backed
// fs.FS; nothing of package testing comes with it.
func sqliteFS(src fs.FS) (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, path)
		if err != nil {
			return err
		}
		out[path] = &fstest.MapFile{Data: []byte(sqliteTypes.Replace(string(b))), Mode: 0o444}
		return nil
	})
	return out, err
}

// MigrationsDigest identifies the schema Migrate builds on dialect: a hash of
// the migration files as that engine runs them. Tests key their template
// databases (migrated once, then copied per test) by it, so a changed
// migration makes a new template instead of reusing a stale one.
func MigrationsDigest(d Dialect) (string, error) {
	src, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return "", err
	}
	if d != Postgres {
		if src, err = sqliteFS(src); err != nil {
			return "", err
		}
	}
	h := sha256.New()
	err = fs.WalkDir(src, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("migrations digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
