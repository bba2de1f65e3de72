package syncdb

import (
	"context"
	"strings"

	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/policy/scopesql"
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

// Head is the newest sealed audit sequence number. Only sealed entries
// have seq, and they are sealed as a gap-free prefix, so a cursor never
// skips an entry that commits late.
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
	// Projects and orders by the policy's scopes, in the SQL every list
	// uses; plus what has just left the scope and must become a tombstone.
	pcond, pargs := scopesql.Project("audit_log.entity_id", sc.Projects)
	ocond, oargs := scopesql.Order("audit_log.entity_id", sc.Orders)
	conds = append(conds, "(entity = 'project' AND "+pcond+")", "(entity = 'order' AND "+ocond+")")
	args = append(append(args, pargs...), oargs...)
	switch {
	case sc.Projects.AssignedTo != "":
		// A volunteer's own unassignment.
		conds = append(conds, "(entity = 'project' AND action = 'project.unassign' AND changes LIKE ?)")
		args = append(args, `%"user_id":"`+sc.Projects.AssignedTo+`"%`)
	case sc.Projects.UnitID != "":
		// A project handed to another unit leaves this one: its update
		// names the old unit first ("unit_id":[old,new]). Orders stay with
		// the unit they were issued to, as the order scope reads them.
		conds = append(conds, "(entity = 'project' AND action = 'project.update' AND changes LIKE ?)")
		args = append(args, `%"unit_id":["`+sc.Projects.UnitID+`",%`)
	}
	var rows []struct {
		Seq      int64
		Entity   string
		EntityID string
	}
	err := s.db.Conn(ctx).Table("audit_log").Select("seq, entity, entity_id").
		Where("seq IS NOT NULL AND seq > ?", after).Where("("+strings.Join(conds, " OR ")+")", args...).
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
