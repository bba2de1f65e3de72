// Package phonesync tells a phone what changed in its scope since it last
// asked: projects (with their assignments), checklist versions, its own
// checks, and the orders on its projects with their timelines, including
// removals.
//
// The feed is the audit log, filed by scope: when an entry is sealed
// (numbered, in its transaction) the Indexer files it in sync_feed under
// the keys of every scope that sees the changed object (internal/policy,
// feed.go), and a phone reads only its own keys' rows after its cursor. So
// a cursor is still an audit sequence number, nothing is missed, and a
// sync costs what changed in the caller's scope since the cursor — not
// what every other phone's scope changed. An assignment given or taken
// away is filed for the volunteer alone and expanded on read into the
// road's orders, which earlier entries filed under keys the volunteer did
// not hold. Items are still read through the services as the caller, so
// access is checked again on every read.
package phonesync

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Kinds of synced items.
const (
	KindProject   = "project"
	KindChecklist = "checklist"
	KindCheck     = "check"
	KindOrder     = "order"
)

// Operations: upsert carries the item's current state; delete is a
// tombstone (the item left the caller's scope, e.g. a volunteer unassigned
// from a road).
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// DefaultLimit and MaxLimit bound the audit entries one page covers.
const (
	DefaultLimit = 200
	MaxLimit     = 1000
)

// Entry is an audit entry as the feed needs it.
type Entry struct {
	Seq      int64
	Entity   string
	EntityID string
	// Expand: the entry moved the project into or out of the caller's
	// scope; its orders come with it.
	Expand bool
}

// Feed reads the audit log as filed by scope.
type Feed interface {
	// Head is the newest sequence number (0 when empty).
	Head(ctx context.Context) (int64, error)
	// Filed is the back-fill mark: every entry up to it is filed.
	Filed(ctx context.Context) (int64, error)
	// Since returns up to limit entries after seq filed under any of keys,
	// in order, each once.
	Since(ctx context.Context, after int64, limit int, keys []string) ([]Entry, error)
	// Assigned lists the projects userID is assigned to.
	Assigned(ctx context.Context, userID string) ([]string, error)
	// ProjectOrders lists the orders on a project.
	ProjectOrders(ctx context.Context, projectID string) ([]string, error)
}

// Projects reads projects as the caller may see them.
type Projects interface {
	// GetMany returns those of ids the caller may see, with assignments.
	GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]projects.WithAssignments, error)
}

// Checks reads checks as the caller may see them.
type Checks interface {
	// GetMany returns those of ids the caller may see.
	GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]checks.Check, error)
}

// Orders reads an order with its timeline as the caller may see it.
type Orders interface {
	// GetMany leaves out the orders p may not see (or that are gone).
	GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]orders.Detail, error)
}

// Checklists reads template versions.
type Checklists interface {
	Get(ctx context.Context, t checklists.Type, version int) (checklists.Stored, error)
}

// Item is one change, with the item's current state for an upsert.
type Item struct {
	Kind, ID, Op string
	Project      *projects.Project
	Assignments  []projects.Assignment
	Checklist    *checklists.Stored
	Check        *checks.Check
	Order        *orders.Detail
}

// Page is one sync answer. Cursor goes into the next request; More says
// to ask again at once. Reset says the caller's scope changed since the
// cursor was issued (a contractor moved to another unit, a volunteer made
// an inspector): the pages that follow, from this one on, are the whole of
// the new scope, and the phone drops what it synced before.
type Page struct {
	Items  []Item
	Cursor string
	More   bool
	Reset  bool
}

// Service answers sync requests.
type Service struct {
	feed       Feed
	indexer    *Indexer
	projects   Projects
	checks     Checks
	checklists Checklists
	orders     Orders
}

// NewService builds the service.
// ix files what the seal hook did not see before a page is read (see
// Since).
func NewService(feed Feed, ix *Indexer, p Projects, c Checks, cl Checklists, o Orders) *Service {
	return &Service{feed: feed, indexer: ix, projects: p, checks: c, checklists: cl, orders: o}
}

// Cursor is the sync cursor that starts after audit entry seq, for any
// caller (load drivers use it to play a phone that last synced at a known
// point).
func Cursor(seq int64) string { return encodeCursor(seq, "") }

// A cursor is "a<seq>" or "a<seq>.<scope>", base64url. The scope part is a
// digest of what decides the caller's scope: tombstones are written when an
// object leaves a scope, but nothing is written for every object when the
// scope itself moves, so a cursor from another scope cannot be continued.
func encodeCursor(seq int64, scope string) string {
	s := "a" + strconv.FormatInt(seq, 10)
	if scope != "" {
		s += "." + scope
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(c string) (seq int64, scope string, ok bool) {
	if c == "" {
		return 0, "", true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'a' {
		return 0, "", false
	}
	num, scope, _ := strings.Cut(string(b[1:]), ".")
	n, err := strconv.ParseInt(num, 10, 64)
	return n, scope, err == nil && n >= 0
}

// scopeKey digests role and unit: a change of either changes what the
// caller may see as a whole. (Assignments are not in it: each one given or
// taken away is an audit entry of its own, synced or tombstoned.)
func scopeKey(p auth.Principal) string {
	sum := sha256.Sum256([]byte(string(p.Role) + "\x00" + p.UnitID))
	return hex.EncodeToString(sum[:6])
}

// filed makes sure every entry up to head is in the feed before a page
// is read past it. The seal hook moves the mark with each batch it files,
// so it stands at the head — except after entries written without the
// hook: by a replica of the previous version during a rolling upgrade.
// Those are filed here (from the mark on, idempotently), before a cursor
// can pass them.
func (s *Service) filed(ctx context.Context, head int64) error {
	mark, err := s.feed.Filed(ctx)
	if err != nil || mark >= head {
		return err
	}
	_, err = s.indexer.Backfill(ctx)
	return err
}

// keysOf are the feed keys p reads, by the policy's rule.
func (s *Service) keysOf(ctx context.Context, p auth.Principal) ([]string, error) {
	var assigned []string
	if policy.FeedNeedsAssignments(p) {
		var err error
		if assigned, err = s.feed.Assigned(ctx, p.UserID); err != nil {
			return nil, err
		}
	}
	return policy.FeedKeys(p, assigned), nil
}

// expand puts after each entry that moved a road into or out of the
// caller's scope the road's orders, at the same position: they were filed
// under keys the caller did not hold (or holds no more), so the phone
// learns of them here, as upserts or tombstones.
func (s *Service) expand(ctx context.Context, es []Entry) ([]Entry, error) {
	out := make([]Entry, 0, len(es))
	for _, e := range es {
		out = append(out, e)
		if !e.Expand || e.Entity != KindProject {
			continue
		}
		ids, err := s.feed.ProjectOrders(ctx, e.EntityID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, Entry{Seq: e.Seq, Entity: KindOrder, EntityID: id})
		}
	}
	return out, nil
}

// Since returns what changed in p's scope after cursor ("" for everything).
func (s *Service) Since(ctx context.Context, p auth.Principal, cursor string, limit *int) (Page, error) {
	after, scope, ok := decodeCursor(cursor)
	n := DefaultLimit
	if limit != nil {
		n = *limit
	}
	v := errs.NewValidation(errs.KindInvalid)
	v.Check(!ok, "cursor", "invalid", "not a cursor from a sync answer")
	v.Check(n < 1 || n > MaxLimit, "limit", "out_of_range", "must be 1 to 1000")
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	key := scopeKey(p)
	reset := scope != "" && scope != key
	if reset {
		after = 0
	}
	// Every entry up to head is committed (entries are numbered under a
	// lock held to commit) and filed in the same transaction, so head can
	// become the cursor when the page is not full, even if none of those
	// entries concerned this caller.
	head, err := s.feed.Head(ctx)
	if err != nil {
		return Page{}, err
	}
	if err := s.filed(ctx, head); err != nil {
		return Page{}, err
	}
	keys, err := s.keysOf(ctx, p)
	if err != nil {
		return Page{}, err
	}
	es, err := s.feed.Since(ctx, after, n, keys)
	if err != nil {
		return Page{}, err
	}
	pg := Page{More: len(es) == n, Reset: reset}
	next := after
	if len(es) > 0 {
		next = es[len(es)-1].Seq
	}
	if !pg.More && head > next {
		next = head
	}
	pg.Cursor = encodeCursor(next, key)
	if es, err = s.expand(ctx, es); err != nil {
		return Page{}, err
	}

	// One item per object, at the position of its last change: the phone
	// gets current state, not history.
	last := map[string]int{}
	var checkIDs, projectIDs, orderIDs []string
	for i, e := range es {
		k := e.Entity + "/" + e.EntityID
		if _, seen := last[k]; !seen {
			switch e.Entity {
			case KindCheck:
				checkIDs = append(checkIDs, e.EntityID)
			case KindProject:
				projectIDs = append(projectIDs, e.EntityID)
			case KindOrder:
				orderIDs = append(orderIDs, e.EntityID)
			}
		}
		last[k] = i
	}
	// Checks, projects and orders are most of what changes: read each kind
	// in one batch, so a page costs a few queries, not a few per item.
	cs, err := s.checks.GetMany(ctx, p, checkIDs)
	if err != nil {
		return Page{}, err
	}
	ps, err := s.projects.GetMany(ctx, p, projectIDs)
	if err != nil {
		return Page{}, err
	}
	ods, err := s.orders.GetMany(ctx, p, orderIDs)
	if err != nil {
		return Page{}, err
	}
	for i, e := range es {
		if last[e.Entity+"/"+e.EntityID] != i {
			continue
		}
		switch e.Entity {
		case KindCheck:
			if c, ok := cs[e.EntityID]; ok {
				pg.Items = append(pg.Items, Item{Kind: KindCheck, ID: c.ID, Op: OpUpsert, Check: &c})
			} else {
				pg.Items = append(pg.Items, Item{Kind: KindCheck, ID: e.EntityID, Op: OpDelete})
			}
			continue
		case KindProject:
			if pa, ok := ps[e.EntityID]; ok {
				pg.Items = append(pg.Items, Item{Kind: KindProject, ID: pa.ID, Op: OpUpsert, Project: &pa.Project,
					Assignments: pa.Assignments})
			} else {
				pg.Items = append(pg.Items, Item{Kind: KindProject, ID: e.EntityID, Op: OpDelete})
			}
			continue
		case KindOrder:
			if d, ok := ods[e.EntityID]; ok {
				pg.Items = append(pg.Items, Item{Kind: KindOrder, ID: d.ID, Op: OpUpsert, Order: &d})
			} else {
				pg.Items = append(pg.Items, Item{Kind: KindOrder, ID: e.EntityID, Op: OpDelete})
			}
			continue
		}
		it, err := s.item(ctx, p, e)
		if err != nil {
			return Page{}, err
		}
		if it != nil {
			pg.Items = append(pg.Items, *it)
		}
	}
	return pg, nil
}

func (s *Service) item(ctx context.Context, p auth.Principal, e Entry) (*Item, error) {
	switch e.Entity {
	case KindChecklist:
		t, ver, ok := strings.Cut(e.EntityID, "/")
		n, err := strconv.Atoi(ver)
		if !ok || err != nil {
			return nil, nil // not a version id; nothing a phone can use
		}
		st, err := s.checklists.Get(ctx, checklists.Type(t), n)
		if isGone(err) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		return &Item{Kind: KindChecklist, ID: e.EntityID, Op: OpUpsert, Checklist: &st}, nil
	}
	return nil, nil
}

// isGone: the object is not there for this caller (any more).
func isGone(err error) bool {
	return errors.Is(err, errs.ErrNotFound) || errors.Is(err, errs.ErrForbidden)
}
