package syncdb

import (
	"context"

	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/store"
)

var _ phonesync.Index = (*Store)(nil)

type feedRow struct {
	Scope    string `gorm:"primaryKey"`
	Seq      int64  `gorm:"primaryKey;autoIncrement:false"`
	Entity   string
	EntityID string
	Expand   int
}

func (feedRow) TableName() string { return "sync_feed" }

// Put files rows and moves the back-fill mark (see phonesync.Index).
func (s *Store) Put(ctx context.Context, rows []phonesync.FeedRow, from, last int64) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	tx := s.db.Conn(ctx)
	if len(rows) > 0 {
		rs := make([]feedRow, len(rows))
		for i, r := range rows {
			rs[i] = feedRow{Scope: r.Scope, Seq: r.Seq, Entity: r.Entity, EntityID: r.EntityID}
			if r.Expand {
				rs[i].Expand = 1
			}
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rs, 500).Error; err != nil {
			return store.Translate(err, entSyncFeed, "insert sync_feed")
		}
	}
	err := tx.Exec("UPDATE sync_feed_mark SET upto = ? WHERE id = 1 AND upto >= ? AND upto < ?", last, from, last).Error
	return store.Translate(err, entSyncFeed, "move sync_feed_mark")
}

type auditRow struct {
	Seq       int64
	ActorID   string
	ActorRole string
	Action    string
	Entity    string
	EntityID  string
	Changes   string
}

// Unfiled returns the mark and the n audit entries after it.
func (s *Store) Unfiled(ctx context.Context, n int) (int64, []audit.Entry, error) {
	mark, err := s.Filed(ctx)
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []auditRow
	err = s.db.Conn(ctx).Table("audit_log").
		Select("seq, actor_id, actor_role, action, entity, entity_id, changes").
		Where("seq > ?", mark).Order("seq").Limit(n).Scan(&rows).Error
	if err != nil {
		return 0, nil, store.Translate(err, entAuditLog, "read audit_log to file")
	}
	es := make([]audit.Entry, len(rows))
	for i, r := range rows {
		es[i] = audit.Entry{Seq: r.Seq, ActorID: r.ActorID, ActorRole: r.ActorRole, Action: r.Action,
			Entity: r.Entity, EntityID: r.EntityID, Changes: r.Changes}
	}
	return mark, es, nil
}

// CheckAuthors maps check ids to their authors.
func (s *Store) CheckAuthors(ctx context.Context, ids []string) (map[string]string, error) {
	return s.pairs(ctx, "checks", "author_id", ids)
}

// ProjectUnits maps project ids to their units.
func (s *Store) ProjectUnits(ctx context.Context, ids []string) (map[string]string, error) {
	return s.pairs(ctx, "projects", "unit_id", ids)
}

// Orders maps order ids to their projects and units.
func (s *Store) Orders(ctx context.Context, ids []string) (map[string]phonesync.OrderRef, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct{ ID, ProjectID, UnitID string }
	err := s.db.Conn(ctx).Table("orders").Select("id, project_id, unit_id").Where("id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entSyncFeed, "read orders to file")
	}
	out := make(map[string]phonesync.OrderRef, len(rows))
	for _, r := range rows {
		out[r.ID] = phonesync.OrderRef{ProjectID: r.ProjectID, UnitID: r.UnitID}
	}
	return out, nil
}

// pairs reads id -> col from table for ids, in one query.
func (s *Store) pairs(ctx context.Context, table, col string, ids []string) (map[string]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct{ ID, V string }
	err := s.db.Conn(ctx).Table(table).Select("id, "+col+" AS v").Where("id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entSyncFeed, "read "+table+" to file")
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.V
	}
	return out, nil
}
