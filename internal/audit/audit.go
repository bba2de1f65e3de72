// Package audit keeps fieldproof's append-only audit log: who did what to
// which record, when, in which request, and what changed.
//
// The log is a Merkle tree in the design of RFC 9162 (Certificate
// Transparency v2) and transparency-dev's Tessera. A write inserts its entry
// in its own transaction with no lock shared with other writes; a sealer
// (one replica at a time) takes the committed, unsealed entries, gives
// each the next seq (its leaf index + 1), hashes it as an RFC 6962 leaf,
// extends the tree, stores every completed node, and signs a checkpoint
// (tree size and root) with the audit key — all in one transaction. Anyone
// with the public verifier key can then check that an entry is in the log
// (an inclusion proof), that a later checkpoint extends an earlier one (a
// consistency proof), and, with an export, that no entry was edited,
// removed, reordered or inserted. Entries written under the old hash chain
// became the tree's first leaves (see sealLegacy).
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Entry is one audited write.
type Entry struct {
	// ID orders appends; it says nothing about sealing order.
	ID int64
	// Seq is the entry's place in the tree (leaf index + 1), 0 until sealed.
	Seq       int64
	At        time.Time
	ActorID   string
	ActorRole string
	Action    string // e.g. "project.create", "order.verify"
	Entity    string // e.g. "project"
	EntityID  string
	// Changes is a JSON object of what changed (new values, or
	// {"field": [old, new]}); "{}" when nothing is worth recording.
	Changes   string
	RequestID string
	// PrevHash and Hash are the old chain's, kept (and hashed into the
	// leaf) for entries written before the tree; empty for later ones.
	PrevHash string
	Hash     string
	// LeafHash is the RFC 6962 leaf hash, nil until sealed.
	LeafHash []byte
}

// Sealed reports whether the entry has its place in the tree.
func (e Entry) Sealed() bool { return e.Seq > 0 }

// Store persists entries and the tree.
type Store interface {
	// Append inserts es, unsealed — inside the caller's transaction when
	// ctx carries one, so the write and its entries commit or roll back
	// together. It takes no lock another write waits on.
	Append(ctx context.Context, es []Entry) error
	// Scan calls fn for every sealed entry in seq order, from seq > after.
	Scan(ctx context.Context, after int64, fn func(Entry) error) error
	// List pages sealed and unsealed entries, newest append first.
	List(ctx context.Context, f Filter) ([]Entry, error)
	// Get is the sealed entry at seq (errs.ErrNotFound when none).
	Get(ctx context.Context, seq int64) (Entry, error)
	TreeStore
}

// Filter narrows a list; newest first, keyset on the entry's ID.
type Filter struct {
	Entity   string
	EntityID string
	ActorID  string
	Action   string
	Before   int64 // ID cursor; 0 = from the newest
	Limit    int
}

// Service records, seals, proves and verifies.
type Service struct {
	store         Store
	verifications VerificationStore
	now           func() time.Time
	requestID     func(context.Context) string
	key           Key
	sealing       SealOptions
	hooks         []SealHook
}

// NewService builds the log. requestID reads the request id that the HTTP
// layer put in the context (nil: none). key signs checkpoints. A store
// that is also a VerificationStore records verification runs.
func NewService(store Store, now func() time.Time, requestID func(context.Context) string, key Key, o SealOptions) *Service {
	if now == nil {
		now = time.Now
	}
	if requestID == nil {
		requestID = func(context.Context) string { return "" }
	}
	vs, _ := store.(VerificationStore)
	return &Service{store: store, verifications: vs, now: now, requestID: requestID, key: key, sealing: o.withDefaults()}
}

// Record appends an entry for a write by p. changes is marshalled to JSON;
// pass nil for none. Call it inside the write's transaction (ctx from
// InTx), so the write and its entry commit or roll back together. A zero
// principal is recorded as "system" (start-up jobs, the demo loader).
func (s *Service) Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error {
	return s.RecordAll(ctx, p, []Change{{Action: action, Entity: entity, EntityID: entityID, Changes: changes}})
}

// Change is one write for RecordAll.
type Change struct {
	Action, Entity, EntityID string
	Changes                  any
}

// RecordAll records several writes of one request (an import) in one
// batch insert.
func (s *Service) RecordAll(ctx context.Context, p auth.Principal, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	actor, role := p.UserID, string(p.Role)
	if actor == "" {
		actor, role = "system", "system"
	}
	at, rid := s.now().UTC().Truncate(time.Microsecond), s.requestID(ctx)
	es := make([]Entry, len(changes))
	for i, c := range changes {
		body := "{}"
		if c.Changes != nil {
			b, err := json.Marshal(c.Changes)
			if err != nil {
				return fmt.Errorf("audit changes: %w", err)
			}
			body = string(b)
		}
		es[i] = Entry{At: at, ActorID: actor, ActorRole: role, Action: c.Action, Entity: c.Entity, EntityID: c.EntityID,
			Changes: body, RequestID: rid}
	}
	if err := s.store.Append(ctx, es); err != nil {
		return fmt.Errorf("audit %s %s: %w", changes[0].Action, changes[0].EntityID, err)
	}
	return nil
}

// List returns entries for the office's review.
func (s *Service) List(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return s.store.List(ctx, f)
}

// Find is the newest entry of action on the entity (found false when none):
// an evidence record's "when was this written to the log".
func (s *Service) Find(ctx context.Context, entity, entityID, action string) (Entry, bool, error) {
	es, err := s.store.List(ctx, Filter{Entity: entity, EntityID: entityID, Action: action, Limit: 1})
	if err != nil || len(es) == 0 {
		return Entry{}, false, err
	}
	return es[0], true, nil
}
