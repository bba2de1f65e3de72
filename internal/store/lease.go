package store

import (
	"context"
	"time"
)

var entLease = NewEntity("lease")

// TryLease takes or keeps the named lease (the leases table) for holder
// until until: one statement inserts it, or moves it to holder when it is
// holder's already or has lapsed. Background work one replica at a time
// should do (the orphan sweep, the audit sealer) takes turns by it; a
// replica that dies loses its lease when it lapses.
func (db *DB) TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	ctx, cancel := db.ctx(ctx)
	defer cancel()
	res := db.conn(ctx).Exec(`INSERT INTO leases (name, holder, held_until) VALUES (?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
  WHERE leases.holder = excluded.holder OR leases.held_until <= ?`, name, holder, ts(until), ts(now))
	return res.RowsAffected == 1, translate(res.Error, entLease, "take lease "+name)
}
