package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// Driver errors are classified by the driver's code (SQLSTATE on
// PostgreSQL, extended result codes on SQLite), on both engines, from
// errors the engines really raise.
func TestDriverErrorsClassifiedByCode(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`CREATE TABLE errs_parent (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)`,
			`CREATE TABLE errs_child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES errs_parent (id))`,
			`INSERT INTO errs_parent (id, name) VALUES ('p1', 'one')`,
		} {
			if _, err := sqlDB.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, c := range []struct {
			name, query, want string
			kind              errs.Kind
		}{
			{"unique column", `INSERT INTO errs_parent (id, name) VALUES ('p2', 'one')`, "unique", errs.KindConflict},
			{"primary key", `INSERT INTO errs_parent (id, name) VALUES ('p1', 'two')`, "unique", errs.KindConflict},
			{"foreign key", `INSERT INTO errs_child (id, parent_id) VALUES ('c1', 'nobody')`, "foreign_key", errs.KindInternal},
			{"syntax", `INSERT INTO errs_nowhere VALUES (1)`, "other", errs.KindInternal},
		} {
			_, err := sqlDB.ExecContext(ctx, c.query)
			if err == nil {
				t.Fatalf("%s: no error", c.name)
			}
			if got := store.Classify(err); got != c.want {
				t.Errorf("%s: classified %s, want %s (%v)", c.name, got, c.want, err)
			}
			if got := kindOf(store.Translate(err, store.EntOrder, "insert parent")); got != c.kind {
				t.Errorf("%s: translated to kind %v, want %v", c.name, got, c.kind)
			}
		}

		err = store.TakeMissing(ctx, db, "errs_parent")
		if got := store.Classify(err); got != "not_found" {
			t.Errorf("missing row: classified %s, want not_found (%v)", got, err)
		}
		if !errors.Is(store.Translate(err, store.EntOrder, "load parent"), errs.ErrNotFound) {
			t.Errorf("missing row: not errs.ErrNotFound")
		}
	})
}

// The message is not the classification: text that merely reads like a
// constraint failure or a network fault is an ordinary error.
func TestErrorTextIsNotClassified(t *testing.T) {
	for _, msg := range []string{
		"UNIQUE constraint failed: users.login", "ERROR: duplicate key value (SQLSTATE 23505)",
		"connection refused", "unexpected EOF", "SQLSTATE 08006", "FOREIGN KEY constraint failed",
	} {
		if got := store.Classify(errors.New(msg)); got != "other" {
			t.Errorf("%q: classified %s from its text", msg, got)
		}
	}
}

// A PostgreSQL backend that goes away under a connection (an
// administrator's pg_terminate_backend, a failover) is 503 database_unavailable,
// not a 500. SQLite has no connection to lose.
func TestDroppedConnectionIsUnavailable(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := t.Context()
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	var one int
	err = conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
	if err == nil {
		t.Fatal("query on a terminated backend succeeded")
	}
	if got := store.Classify(err); got != "unavailable" {
		t.Errorf("terminated backend: classified %s, want unavailable (%T %v)", got, err, err)
	}
	if got := kindOf(store.Translate(err, store.EntOrder, "load parent")); got != errs.KindUnavailable {
		t.Errorf("terminated backend: kind %v, want unavailable", got)
	}
}

func kindOf(err error) errs.Kind {
	if e, ok := errs.As(err); ok {
		return e.Kind
	}
	return errs.KindInternal
}

// A client's error code names the record and the kind, never a word of the
// log context: an order's query described as "count order tallies" that
// meets a missing row or a duplicate is order_not_found / order_exists,
// and the text the client reads does not carry the context either.
func TestClientCodesComeFromTheEntity(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`CREATE TABLE codes_t (id TEXT PRIMARY KEY)`, `INSERT INTO codes_t (id) VALUES ('a')`,
		} {
			if _, err := sqlDB.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		_, dup := sqlDB.ExecContext(ctx, `INSERT INTO codes_t (id) VALUES ('a')`)
		for _, c := range []struct {
			name string
			err  error
			code string
		}{
			{"not found", store.TakeMissing(ctx, db, "codes_t"), "order_not_found"},
			{"duplicate", dup, "order_exists"},
		} {
			e, ok := errs.As(store.Translate(c.err, store.EntOrder, "count order tallies"))
			if !ok {
				t.Fatalf("%s: not a domain error", c.name)
			}
			if e.Code != c.code {
				t.Errorf("%s: code %q, want %q", c.name, e.Code, c.code)
			}
			if strings.Contains(e.Message, "tallies") {
				t.Errorf("%s: client message %q carries the log context", c.name, e.Message)
			}
		}
	})
}

// A transaction that loses its connection outside any store call (its
// BEGIN or COMMIT, or an error no store translated) is an outage, 503:
// pgx says "conn closed" there, and it was answered 500.
func TestTransactionLosingItsConnectionIsUnavailable(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		for _, cause := range []error{pgconn.ErrConnClosed, io.ErrUnexpectedEOF} {
			err := db.InTx(t.Context(), func(context.Context) error { return fmt.Errorf("commit: %w", cause) })
			if !errors.Is(err, errs.ErrUnavailable) {
				t.Errorf("%v: got %v, want unavailable", cause, err)
			}
		}
		// The transaction's deadline passed: database/sql rolled it back
		// and the commit says so.
		short, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := db.InTx(short, func(ctx context.Context) error { <-ctx.Done(); return fmt.Errorf("commit: %w", sql.ErrTxDone) })
		if !errors.Is(err, errs.ErrUnavailable) {
			t.Errorf("deadline passed: got %v, want unavailable", err)
		}
		plain := errors.New("a rule said no")
		if err := db.InTx(t.Context(), func(context.Context) error { return plain }); err != plain {
			t.Errorf("another error: got %v, want it unchanged", err)
		}
	})
}
