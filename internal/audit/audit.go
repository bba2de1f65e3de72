// Package audit keeps fieldproof's append-only audit log: who did what to
// which record, when, in which request, and what changed. Entries are
// hash-chained — each carries the SHA-256 of its predecessor — so an entry
// edited, removed or reordered directly in the database is found by Verify,
// which names the first bad entry. The chain proves integrity against
// tampering with rows; it is not a signature (whoever can rewrite the whole
// table can rebuild the chain), which is why the latest hash is also worth
// copying elsewhere (docs/OPERATIONS.md).
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Entry is one audited write.
type Entry struct {
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
	PrevHash  string
	Hash      string
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash is the entry's hash over its predecessor's hash and every
// field but Hash, in a fixed, unambiguous encoding (a JSON array, so no
// field can bleed into the next).
func ComputeHash(e Entry) string {
	fields := []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.ActorRole,
		e.Action, e.Entity, e.EntityID, e.Changes, e.RequestID,
	}
	b, _ := json.Marshal(fields) // []string always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Store persists entries.
type Store interface {
	// Append assigns Seq and PrevHash from the current head under a lock,
	// computes Hash with hash, and inserts — inside the caller's
	// transaction when ctx carries one, so the write and its audit entry
	// commit or roll back together.
	// Several entries are appended in order, under one lock. sealed, when
	// not nil, is called with the numbered entries inside that transaction
	// (ctx carries it); its error rolls the append back.
	Append(ctx context.Context, es []Entry, hash func(Entry) string, sealed func(context.Context, []Entry) error) error
	// Scan calls fn for every entry in seq order, from seq > after.
	Scan(ctx context.Context, after int64, fn func(Entry) error) error
	List(ctx context.Context, f Filter) ([]Entry, error)
}

// Filter narrows a list; newest first, keyset on seq.
type Filter struct {
	Entity   string
	EntityID string
	ActorID  string
	Before   int64 // seq cursor; 0 = from the newest
	Limit    int
}

// Service records and verifies.
type Service struct {
	store         Store
	verifications VerificationStore
	now           func() time.Time
	requestID     func(context.Context) string
	hooks         []SealHook
}

// SealHook runs inside the transaction that gives entries their sequence
// numbers (ctx carries it), once per batch, with the batch's entries in seq
// order (Seq set).
type SealHook func(ctx context.Context, es []Entry) error

// OnSeal registers h. Register hooks while the server is built, before the
// first write: the list is read without a lock.
func (s *Service) OnSeal(h SealHook) { s.hooks = append(s.hooks, h) }

// sealed runs the hooks in the order they were registered; one failing
// fails the append, so what a hook derives never misses an entry.
func (s *Service) sealed(ctx context.Context, es []Entry) error {
	for _, h := range s.hooks {
		if err := h(ctx, es); err != nil {
			return err
		}
	}
	return nil
}

// NewService builds the log. requestID reads the request id that the HTTP
// layer put in the context (nil: none). A store that is also a
// VerificationStore records verification runs (VerifyAs, VerifyFromCLI).
func NewService(store Store, now func() time.Time, requestID func(context.Context) string) *Service {
	if now == nil {
		now = time.Now
	}
	if requestID == nil {
		requestID = func(context.Context) string { return "" }
	}
	vs, _ := store.(VerificationStore)
	return &Service{store: store, verifications: vs, now: now, requestID: requestID}
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
// append, so a 5,000-row import costs one lock and one batch insert.
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
	if err := s.store.Append(ctx, es, ComputeHash, s.sealed); err != nil {
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

// Problem is the first place the chain breaks.
type Problem struct {
	Seq    int64 // the first bad entry
	Reason string
}

// Report is what Verify found.
type Report struct {
	Entries int64
	Head    string // hash of the last entry
	Problem *Problem
}

// Verify walks the whole chain and stops at the first entry that does not
// follow from its predecessor: a changed field (hash mismatch), a removed
// entry (a gap in seq, or prev_hash not the previous hash) or a reordering.
func (s *Service) Verify(ctx context.Context) (Report, error) {
	r := Report{Head: GenesisHash}
	var prevSeq int64
	err := s.store.Scan(ctx, 0, func(e Entry) error {
		switch {
		case e.Seq != prevSeq+1:
			r.Problem = &Problem{Seq: e.Seq, Reason: fmt.Sprintf("entry %d follows entry %d: entries are missing", e.Seq, prevSeq)}
		case e.PrevHash != r.Head:
			r.Problem = &Problem{Seq: e.Seq, Reason: "its prev_hash is not the hash of the entry before it (removed or reordered entries)"}
		case ComputeHash(e) != e.Hash:
			r.Problem = &Problem{Seq: e.Seq, Reason: "its content does not match its hash (edited)"}
		}
		if r.Problem != nil {
			return errStop
		}
		r.Entries++
		prevSeq, r.Head = e.Seq, e.Hash
		return nil
	})
	if err == errStop {
		err = nil
	}
	return r, err
}

var errStop = fmt.Errorf("stop")
