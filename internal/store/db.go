// Package store is what fieldproof's persistence packages share: opening
// either engine, the per-call deadline, transactions that stores join
// through the context, the versioned migrations, and the translation of
// driver errors (classified by their codes) into internal/errs kinds. Each
// domain's rows, queries and conversions live beside the domain, in
// internal/<domain>/<domain>db, and implement the Store interface that
// domain declares.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The two supported engines.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is the database handle shared by every store. It carries the deadline
// applied to each call so no query can hang a request.
type DB struct {
	gorm    *gorm.DB
	dialect Dialect
	timeout time.Duration
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL; empty selects SQLite at SQLitePath.
	URL        string
	SQLitePath string
	// Timeout bounds each database call made through DB.ctx.
	Timeout      time.Duration
	MaxOpenConns int
	Logger       *slog.Logger
}

// Open connects to PostgreSQL or opens (creating) the SQLite file.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         false,
	}
	var (
		dialector gorm.Dialector
		dialect   Dialect
	)
	if o.URL != "" {
		dialector, dialect = postgres.Open(o.URL), Postgres
	} else {
		if dir := filepath.Dir(o.SQLitePath); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data dir: %w", err)
			}
		}
		// WAL lets readers run beside the one writer; IMMEDIATE transactions
		// take the write lock up front so two writers queue on busy_timeout
		// instead of failing with SQLITE_BUSY halfway through.
		dsn := "file:" + o.SQLitePath + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
			"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		dialector, dialect = sqlite.Open(dsn), SQLite
	}
	g, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	if o.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(o.MaxOpenConns)
		sqlDB.SetMaxIdleConns(o.MaxOpenConns)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{gorm: g, dialect: dialect, timeout: o.Timeout}
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("ping %s database: %w", dialect, err)
	}
	return db, nil
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close releases the connections.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks the database answers within the call deadline (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := db.ctx(ctx)
	defer cancel()
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// ctx bounds one call by the configured deadline (or the caller's, if sooner).
func (db *DB) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, db.timeout)
}

// conn returns a GORM session bound to ctx. Callers pass a ctx from db.ctx.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return db.gorm.WithContext(ctx)
}

type txKey struct{}

// InTx runs fn in one transaction. Stores called with the ctx fn receives
// join it, so a service can make several writes atomic without seeing GORM.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx) // already inside one
	}
	ctx, cancel := db.ctx(ctx)
	defer cancel()
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
	// BEGIN and COMMIT fail outside every store's Translate: a connection
	// lost there (pgx: "conn closed"), or the transaction's deadline
	// passing so that database/sql rolled it back before the commit
	// (sql.ErrTxDone), both found by scripts/faults.sh fieldday-crash, is
	// an outage to retry, 503, not an internal error.
	if _, ok := errs.As(err); err != nil && !ok &&
		(isConnectionError(err) || errors.Is(err, sql.ErrTxDone) && ctx.Err() != nil) {
		return unavailable(err)
	}
	return err
}

// SQL exposes the underlying database/sql handle for tools that must reach
// below the stores: tests that tamper with rows to prove the audit chain
// catches it, and operational commands. Services never use it.
func (db *DB) SQL() (*sql.DB, error) { return db.gorm.DB() }
