package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	sqlite "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// translate turns driver errors into domain errors. The client's code comes
// from ent and the error's kind alone (project_not_found, unit_exists);
// what is context for the logs and never reaches a client.
func translate(err error, ent entity, what string) error {
	if err == nil {
		return nil
	}
	switch classify(err) {
	case errNotFound:
		return fmt.Errorf("%s: %w", what, notFound(ent))
	case errUnique:
		return fmt.Errorf("%s: %w", what, conflict(ent))
	case errUnavailable:
		return fmt.Errorf("%s: %w", what, unavailable(err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// dbErr is what the driver's own error code says happened.
type dbErr int

const (
	errOther dbErr = iota
	errNotFound
	errUnique
	errForeignKey
	errUnavailable
)

func (k dbErr) String() string {
	return [...]string{"other", "not_found", "unique", "foreign_key", "unavailable"}[k]
}

// PostgreSQL SQLSTATEs (Appendix A of its manual).
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgAdminShutdown       = "57P01"
	pgCrashShutdown       = "57P02"
	pgCannotConnectNow    = "57P03"
	pgConnectionClass     = "08" // connection_exception and its subclasses
)

// SQLite extended result codes (sqlite.org/rescode.html); the driver turns
// extended codes on for every connection.
const (
	sqliteConstraintForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	sqliteConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// classify reads the driver's code, never the message: message text changes
// with server versions and locales (a PostgreSQL with lc_messages=zh_CN
// reports a unique violation in Chinese), codes do not.
func classify(err error) dbErr {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNotFound
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == pgUniqueViolation:
			return errUnique
		case pg.Code == pgForeignKeyViolation:
			return errForeignKey
		case pg.Code == pgAdminShutdown, pg.Code == pgCrashShutdown, pg.Code == pgCannotConnectNow,
			strings.HasPrefix(pg.Code, pgConnectionClass):
			return errUnavailable
		}
		return errOther
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return errUnique
		case sqliteConstraintForeignKey:
			return errForeignKey
		}
		return errOther
	}
	if isConnectionError(err) {
		return errUnavailable
	}
	return errOther
}

// isConnectionError reports a database that went away or could not be
// reached: 503, not 500. Each case is a typed error from the driver or the
// network stack.
func isConnectionError(err error) bool {
	var connect *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		// pgx reports a connection cut mid-query as io.ErrUnexpectedEOF.
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, driver.ErrBadConn), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &connect):
		return true
	case errors.As(err, &netErr):
		return true
	}
	return false
}

// entity is the kind of record a call was about. Client codes are built
// from it alone: each domain store declares its nouns once (NewEntity),
// never words taken from a log message, and it is a struct so that no
// string can be passed for one by mistake.
type entity struct{ name string }

func notFound(e entity) error { return errs.NotFound(e.name) }

func conflict(e entity) error {
	return errs.Conflict(e.name+"_exists", "a "+strings.ReplaceAll(e.name, "_", " ")+" with the same unique value already exists")
}

func unavailable(cause error) error {
	return errs.Unavailable("database_unavailable", 5*time.Second, cause)
}
