package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// What the per-domain persistence packages (internal/<domain>/<domain>db)
// share. Each keeps its own rows, queries and conversions; the handle, the
// deadline, transactions and error translation are one thing for all.

// Ctx bounds one call by the configured deadline (or the caller's, if
// sooner). Every query runs under one.
func (db *DB) Ctx(ctx context.Context) (context.Context, context.CancelFunc) { return db.ctx(ctx) }

// Conn returns a GORM session bound to ctx, joining the transaction ctx
// carries (InTx). Callers pass a ctx from Ctx.
func (db *DB) Conn(ctx context.Context) *gorm.DB { return db.conn(ctx) }

// Entity is the kind of record a call was about; see translate.
type Entity = entity

// NewEntity names a kind of record. Domain stores declare theirs once, as
// package variables, and client codes are built from them alone.
func NewEntity(name string) Entity { return entity{name: name} }

// Translate turns a driver error into a domain error for a record of kind
// e; what is context for the logs only.
func Translate(err error, e Entity, what string) error { return translate(err, e, what) }

// Conflict is the error for a duplicate e (a conditional write that lost).
func Conflict(e Entity) error { return conflict(e) }

// TS normalises times to UTC microseconds: SQLite compares DATETIME as
// text, which orders correctly only when every value has the same zone,
// and PostgreSQL keeps microseconds, so read-backs compare equal.
func TS(t time.Time) time.Time { return ts(t) }

func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Convert converts rows read together into domain values, in order; a row
// that does not convert (a stored value the domain refuses) fails the whole
// read rather than being skipped.
func Convert[D, R any](rows []R, toDomain func(R) (D, error)) ([]D, error) {
	out := make([]D, len(rows))
	for i, r := range rows {
		d, err := toDomain(r)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// LikeContains makes user text a literal "contains" LIKE pattern (used with
// ESCAPE '\').
func LikeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// TimeUTC is *t in UTC, nil for nil: both engines then store one zone.
func TimeUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ZoneOf is a fixed zone for a UTC offset; UTC itself reads back as UTC.
func ZoneOf(offsetS int) *time.Location {
	if offsetS == 0 {
		return time.UTC
	}
	return time.FixedZone("", offsetS)
}

// InsertBatch keeps one INSERT well under both engines' bound-parameter
// limits; it is small because the SQLite driver's binding cost grows faster
// than linearly with the parameters of one statement (500 rows took 5× as
// long as 5 × 100 rows).
const InsertBatch = 100
