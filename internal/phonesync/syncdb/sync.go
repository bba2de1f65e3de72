package syncdb

import (
	"context"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entAuditLog = store.NewEntity("audit_log")
	entSyncFeed = store.NewEntity("sync_feed")
)

// Store reads the sync feed: the audit log filed by scope key.
type Store struct{ db *store.DB }

var _ phonesync.Feed = (*Store)(nil)

// New returns the feed.
func New(db *store.DB) *Store { return &Store{db: db} }

// Head is the newest audit sequence number.
func (s *Store) Head(ctx context.Context) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var head *int64
	err := s.db.Conn(ctx).Raw("SELECT MAX(seq) FROM audit_log").Scan(&head).Error
	if err != nil || head == nil {
		return 0, store.Translate(err, entAuditLog, "audit head")
	}
	return *head, nil
}

// Filed is the back-fill mark.
func (s *Store) Filed(ctx context.Context) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var mark int64
	err := s.db.Conn(ctx).Raw("SELECT upto FROM sync_feed_mark WHERE id = 1").Scan(&mark).Error
	return mark, store.Translate(err, entSyncFeed, "read sync_feed_mark")
}

// Since reads the entries filed under keys after the cursor.
func (s *Store) Since(ctx context.Context, after int64, limit int, keys []string) ([]phonesync.Entry, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q, args := sinceQuery(after, limit, keys)
	var rows []struct {
		Seq      int64
		Entity   string
		EntityID string
		Expand   int
	}
	if err := s.db.Conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entSyncFeed, "sync feed")
	}
	out := make([]phonesync.Entry, len(rows))
	for i, r := range rows {
		out[i] = phonesync.Entry{Seq: r.Seq, Entity: r.Entity, EntityID: r.EntityID, Expand: r.Expand != 0}
	}
	return out, nil
}

// sinceQuery reads each key's first limit rows after the cursor from the
// primary key (scope, seq) — an index range that stops at limit — and
// merges them: the first limit distinct entries of the union are exactly
// the first limit entries filed under any of the keys (each key's part
// holds every one of its entries up to its own limit-th, which lies at or
// after the merged limit-th). One IN (...) over the keys would have to
// read and sort every row of the caller's keys after the cursor before
// the LIMIT, on every page of a first sync. An entry filed under several
// of the keys comes once, expanded if any of its rows says so.
func sinceQuery(after int64, limit int, keys []string) (string, []any) {
	parts := make([]string, len(keys))
	args := make([]any, 0, 3*len(keys)+1)
	for i, k := range keys {
		parts[i] = "SELECT * FROM (SELECT seq, entity, entity_id, expand FROM sync_feed" +
			" WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?) AS k" + strconv.Itoa(i)
		args = append(args, k, after, limit)
	}
	args = append(args, limit)
	return "SELECT seq, entity, entity_id, MAX(expand) AS expand FROM (" + strings.Join(parts, " UNION ALL ") +
		") AS f GROUP BY seq, entity, entity_id ORDER BY seq LIMIT ?", args
}

// Assigned lists the projects userID is assigned to.
func (s *Store) Assigned(ctx context.Context, userID string) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var ids []string
	err := s.db.Conn(ctx).Table("project_assignments").Where("user_id = ?", userID).Order("project_id").
		Pluck("project_id", &ids).Error
	return ids, store.Translate(err, entSyncFeed, "sync assignments")
}

// ProjectOrders lists a project's orders, oldest first.
func (s *Store) ProjectOrders(ctx context.Context, projectID string) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var ids []string
	err := s.db.Conn(ctx).Table("orders").Where("project_id = ?", projectID).Order("seq").Pluck("id", &ids).Error
	return ids, store.Translate(err, entSyncFeed, "sync project orders")
}
