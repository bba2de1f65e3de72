package syncdb

import (
	"context"
	"strings"

	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entAuditLog = store.NewEntity("audit_log")
)

// Store reads the audit log as the phones' change feed.
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

// Since selects the entries a caller's phone needs: checklist versions for
// everyone, the caller's own checks, and the projects and orders in their
// scope — including a volunteer's own unassignment and a project moved
// away from a contractor's unit, which become tombstones.
// The audit log's primary key (seq) bounds the scan to what changed.
func (s *Store) Since(ctx context.Context, after int64, limit int, sc phonesync.Scope) ([]phonesync.Entry, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	// Correlated EXISTS, not IN (subquery): a volunteer's or inspector's
	// checks can number tens of thousands, and each entry after the cursor
	// is better checked by one primary-key lookup than by hashing them all.
	conds := []string{"entity = 'checklist'",
		"(entity = 'check' AND EXISTS (SELECT 1 FROM checks c WHERE c.id = audit_log.entity_id AND c.author_id = ?))"}
	args := []any{sc.UserID}
	switch {
	case sc.AllProjects:
		conds = append(conds, "entity IN ('project', 'order')")
	case sc.AssignedTo != "":
		conds = append(conds, `(entity = 'project' AND (EXISTS (SELECT 1 FROM project_assignments pa
				WHERE pa.project_id = audit_log.entity_id AND pa.user_id = ?)
			OR (action = 'project.unassign' AND changes LIKE ?)))`,
			`(entity = 'order' AND EXISTS (SELECT 1 FROM orders o JOIN project_assignments pa ON pa.project_id = o.project_id
				WHERE o.id = audit_log.entity_id AND pa.user_id = ?))`)
		args = append(args, sc.AssignedTo, `%"user_id":"`+sc.AssignedTo+`"%`, sc.AssignedTo)
	case sc.UnitID != "":
		// A project handed to another unit leaves this one: its update
		// names the old unit first ("unit_id":[old,new]) and becomes a
		// tombstone. Orders stay with the unit they were issued to, as the
		// policy reads them, whatever happens to the project later.
		conds = append(conds, `(entity = 'project' AND (EXISTS (SELECT 1 FROM projects p WHERE p.id = audit_log.entity_id AND p.unit_id = ?)
			OR (action = 'project.update' AND changes LIKE ?)))`,
			"(entity = 'order' AND EXISTS (SELECT 1 FROM orders o WHERE o.id = audit_log.entity_id AND o.unit_id = ?))")
		args = append(args, sc.UnitID, `%"unit_id":["`+sc.UnitID+`",%`, sc.UnitID)
	}
	var rows []struct {
		Seq      int64
		Entity   string
		EntityID string
	}
	err := s.db.Conn(ctx).Table("audit_log").Select("seq, entity, entity_id").
		Where("seq > ?", after).Where("("+strings.Join(conds, " OR ")+")", args...).
		Order("seq").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entAuditLog, "sync feed")
	}
	out := make([]phonesync.Entry, len(rows))
	for i, r := range rows {
		out[i] = phonesync.Entry{Seq: r.Seq, Entity: r.Entity, EntityID: r.EntityID}
	}
	return out, nil
}
