package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/audit"
)

// Audit implements audit.Store.
type Audit struct{ db *DB }

var _ audit.Store = (*Audit)(nil)

// NewAudit returns the audit log store.
func NewAudit(db *DB) *Audit { return &Audit{db: db} }

type auditRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement:false"`
	At        time.Time
	ActorID   string
	ActorRole string
	Action    string
	Entity    string
	EntityID  string
	Changes   string
	RequestID string
	PrevHash  string
	Hash      string
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) toDomain() audit.Entry {
	return audit.Entry{Seq: r.Seq, At: r.At.UTC(), ActorID: r.ActorID, ActorRole: r.ActorRole, Action: r.Action,
		Entity: r.Entity, EntityID: r.EntityID, Changes: r.Changes, RequestID: r.RequestID, PrevHash: r.PrevHash, Hash: r.Hash}
}

// auditLockKey names the PostgreSQL advisory lock that serialises appends:
// each entry needs its predecessor's hash, so appends take turns. The lock
// is transaction-scoped and released at commit.
const auditLockKey = 0x6175646974 // "audit"

// Append adds es, in order, at the head of the chain.
func (s *Audit) Append(ctx context.Context, es []audit.Entry, hash func(audit.Entry) string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		tx := s.db.conn(ctx)
		if s.db.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", auditLockKey).Error; err != nil {
				return translate(err, entAuditLog, "lock audit_log")
			}
		}
		// SQLite needs no lock: its transactions here are IMMEDIATE, so the
		// writer holding this one is the only writer.
		var head auditRow
		seq, prev := int64(0), audit.GenesisHash
		err := tx.Order("seq DESC").Limit(1).Take(&head).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return translate(err, entAuditLog, "load audit_log head")
		default:
			seq, prev = head.Seq, head.Hash
		}
		rows := make([]auditRow, len(es))
		for i, e := range es {
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = hash(e)
			prev = e.Hash
			rows[i] = auditRow{Seq: e.Seq, At: e.At.UTC(), ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
				Entity: e.Entity, EntityID: e.EntityID, Changes: e.Changes, RequestID: e.RequestID, PrevHash: e.PrevHash, Hash: e.Hash}
		}
		return translate(tx.CreateInBatches(rows, 100).Error, entAuditLog, "insert audit_log")
	})
}

// Scan reads the log in seq order in batches, so verifying a long log never
// holds it all in memory.
func (s *Audit) Scan(ctx context.Context, after int64, fn func(audit.Entry) error) error {
	const batch = 1000
	for {
		var rows []auditRow
		qctx, cancel := s.db.ctx(ctx)
		err := s.db.conn(qctx).Where("seq > ?", after).Order("seq").Limit(batch).Find(&rows).Error
		cancel()
		if err != nil {
			return translate(err, entAuditLog, "scan audit_log")
		}
		for _, r := range rows {
			if err := fn(r.toDomain()); err != nil {
				return err
			}
			after = r.Seq
		}
		if len(rows) < batch {
			return nil
		}
	}
}

// List returns entries newest first.
func (s *Audit) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	q := s.db.conn(ctx).Order("seq DESC").Limit(f.Limit)
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Before > 0 {
		q = q.Where("seq < ?", f.Before)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, entAuditLog, "list audit_log")
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}
