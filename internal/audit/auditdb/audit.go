package auditdb

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entAuditLog = store.NewEntity("audit_log")
)

// Store implements audit.Store.
type Store struct{ db *store.DB }

var _ audit.Store = (*Store)(nil)

// New returns the audit log store.
func New(db *store.DB) *Store { return &Store{db: db} }

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

// Append adds es, in order, at the head of the chain.
func (s *Store) Append(ctx context.Context, es []audit.Entry, hash func(audit.Entry) string,
	sealed func(context.Context, []audit.Entry) error) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		tx := s.db.Conn(ctx)
		if s.db.Dialect() == store.Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", store.AuditChainLock).Error; err != nil {
				return store.Translate(err, entAuditLog, "lock audit_log")
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
			return store.Translate(err, entAuditLog, "load audit_log head")
		default:
			seq, prev = head.Seq, head.Hash
		}
		rows := make([]auditRow, len(es))
		numbered := make([]audit.Entry, len(es))
		for i, e := range es {
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = hash(e)
			prev = e.Hash
			numbered[i] = e
			rows[i] = auditRow{Seq: e.Seq, At: e.At.UTC(), ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
				Entity: e.Entity, EntityID: e.EntityID, Changes: e.Changes, RequestID: e.RequestID, PrevHash: e.PrevHash, Hash: e.Hash}
		}
		if err := tx.CreateInBatches(rows, 100).Error; err != nil {
			return store.Translate(err, entAuditLog, "insert audit_log")
		}
		if sealed == nil {
			return nil
		}
		return sealed(ctx, numbered)
	})
}

// Scan reads the log in seq order in batches, so verifying a long log never
// holds it all in memory.
func (s *Store) Scan(ctx context.Context, after int64, fn func(audit.Entry) error) error {
	const batch = 1000
	for {
		var rows []auditRow
		qctx, cancel := s.db.Ctx(ctx)
		err := s.db.Conn(qctx).Where("seq > ?", after).Order("seq").Limit(batch).Find(&rows).Error
		cancel()
		if err != nil {
			return store.Translate(err, entAuditLog, "scan audit_log")
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
func (s *Store) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Order("seq DESC").Limit(f.Limit)
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
		return nil, store.Translate(err, entAuditLog, "list audit_log")
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

var entVerification = store.NewEntity("audit_verification")

type verificationRow struct {
	ID          string `gorm:"primaryKey"`
	At          time.Time
	ByActor     string
	OK          bool `gorm:"column:ok"`
	Complete    bool
	Entries     int64
	FirstBadSeq *int64
	Reason      string
	Head        string
}

func (verificationRow) TableName() string { return "audit_verifications" }

var _ audit.VerificationStore = (*Store)(nil)

// SaveVerification records one run of the chain's verification.
func (s *Store) SaveVerification(ctx context.Context, v audit.Verification) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := verificationRow{ID: v.ID, At: v.At.UTC(), ByActor: v.By, OK: v.OK, Complete: v.Complete, Entries: v.Entries,
		FirstBadSeq: v.FirstBad, Reason: v.Reason, Head: v.Head}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entVerification, "insert audit_verifications")
}

// LastVerification returns the newest run.
func (s *Store) LastVerification(ctx context.Context) (audit.Verification, bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row verificationRow
	err := s.db.Conn(ctx).Order("at DESC, id DESC").Limit(1).Take(&row).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return audit.Verification{}, false, nil
	case err != nil:
		return audit.Verification{}, false, store.Translate(err, entVerification, "load audit_verifications")
	}
	return audit.Verification{ID: row.ID, At: row.At.UTC(), By: row.ByActor, OK: row.OK, Complete: row.Complete,
		Entries: row.Entries, FirstBad: row.FirstBadSeq, Reason: row.Reason, Head: row.Head}, true, nil
}
