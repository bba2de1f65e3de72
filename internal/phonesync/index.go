package phonesync

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// FeedRow files one audit entry under one scope key.
type FeedRow struct {
	Scope    string
	Seq      int64
	Entity   string
	EntityID string
	// Expand: the entry moved the object into or out of this key's scope;
	// a sync expands it into the object's dependants (a road's orders).
	Expand bool
}

// OrderRef is what decides who sees an order.
type OrderRef struct{ ProjectID, UnitID string }

// Index stores the feed and reads what the indexer derives keys from.
type Index interface {
	// Put stores rows (duplicates are ignored, so filing twice is
	// harmless) and moves the back-fill mark to last when it stands at or
	// after from and before last.
	Put(ctx context.Context, rows []FeedRow, from, last int64) error
	// Unfiled returns the back-fill mark and up to n audit entries after it.
	Unfiled(ctx context.Context, n int) (mark int64, es []audit.Entry, err error)
	CheckAuthors(ctx context.Context, ids []string) (map[string]string, error)
	ProjectUnits(ctx context.Context, ids []string) (map[string]string, error)
	Orders(ctx context.Context, ids []string) (map[string]OrderRef, error)
}

// Indexer files sealed audit entries into the feed.
type Indexer struct{ ix Index }

// NewIndexer builds the indexer.
func NewIndexer(ix Index) *Indexer { return &Indexer{ix: ix} }

// Seal is the audit seal hook: it files the batch inside the transaction
// that numbers it, so an entry is in the feed the moment it has a seq.
func (x *Indexer) Seal(ctx context.Context, es []audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	rows, err := x.rows(ctx, es)
	if err != nil {
		return err
	}
	return x.ix.Put(ctx, rows, es[0].Seq-1, es[len(es)-1].Seq)
}

// backfillBatch bounds the entries one back-fill step reads and files.
const backfillBatch = 1000

// Backfill files the audit entries the seal hook never saw (those written
// before the feed existed), in batches, from the mark on. It is
// idempotent; run it at start-up, before phones sync, so an upgraded
// server's phones keep syncing. It returns how many entries it read.
func (x *Indexer) Backfill(ctx context.Context) (int, error) {
	n := 0
	for {
		mark, es, err := x.ix.Unfiled(ctx, backfillBatch)
		if err != nil || len(es) == 0 {
			return n, err
		}
		rows, err := x.rows(ctx, es)
		if err != nil {
			return n, err
		}
		if err := x.ix.Put(ctx, rows, mark, es[len(es)-1].Seq); err != nil {
			return n, err
		}
		n += len(es)
	}
}

// rows derives every entry's keys, with one lookup per kind of object for
// the whole batch. Objects are filed by their state when the entry is
// sealed; tombstone keys (the scope an object left) come from the entry.
func (x *Indexer) rows(ctx context.Context, es []audit.Entry) ([]FeedRow, error) {
	ids := map[string][]string{}
	for _, e := range es {
		switch e.Entity {
		case KindCheck, KindProject, KindOrder:
			ids[e.Entity] = append(ids[e.Entity], e.EntityID)
		}
	}
	var (
		authors, units map[string]string
		orders         map[string]OrderRef
		err            error
	)
	if len(ids[KindCheck]) > 0 {
		if authors, err = x.ix.CheckAuthors(ctx, uniq(ids[KindCheck])); err != nil {
			return nil, err
		}
	}
	if len(ids[KindProject]) > 0 {
		if units, err = x.ix.ProjectUnits(ctx, uniq(ids[KindProject])); err != nil {
			return nil, err
		}
	}
	if len(ids[KindOrder]) > 0 {
		if orders, err = x.ix.Orders(ctx, uniq(ids[KindOrder])); err != nil {
			return nil, err
		}
	}
	var rows []FeedRow
	for _, e := range es {
		keys := map[string]bool{} // key -> expand
		add := func(expand bool, ks ...string) {
			for _, k := range ks {
				keys[k] = keys[k] || expand
			}
		}
		switch e.Entity {
		case KindChecklist:
			add(false, policy.ChecklistFeedKeys()...)
		case KindCheck:
			if a, ok := authors[e.EntityID]; ok {
				add(false, policy.CheckFeedKeys(a)...)
			}
		case KindProject:
			if u, ok := units[e.EntityID]; ok {
				add(false, policy.ProjectFeedKeys(e.EntityID, u)...)
			}
			ch := projectChanges(e)
			if ch.assignee != "" {
				add(true, policy.AssignmentFeedKey(ch.assignee))
			}
			// A project handed to another unit is filed for the unit it
			// left too: that unit's phones get its tombstone.
			for _, u := range ch.units {
				add(false, policy.ProjectFeedKeys(e.EntityID, u)...)
			}
		case KindOrder:
			if o, ok := orders[e.EntityID]; ok {
				add(false, policy.OrderFeedKeys(o.ProjectID, o.UnitID)...)
			}
		}
		for _, k := range sortedKeys(keys) {
			rows = append(rows, FeedRow{Scope: k, Seq: e.Seq, Entity: e.Entity, EntityID: e.EntityID, Expand: keys[k]})
		}
	}
	return rows, nil
}

type projectChange struct {
	assignee string   // the user given or taken off the project
	units    []string // the units a change of unit moved it between
}

// projectChanges reads what a project entry's changes say about scopes:
// project.assign and project.unassign name the user; a change of unit is
// recorded as "unit_id": [old, new] (audit.Diff).
func projectChanges(e audit.Entry) projectChange {
	var c struct {
		UserID string          `json:"user_id"`
		UnitID json.RawMessage `json:"unit_id"`
	}
	if json.Unmarshal([]byte(e.Changes), &c) != nil {
		return projectChange{}
	}
	var out projectChange
	if e.Action == "project.assign" || e.Action == "project.unassign" {
		out.assignee = c.UserID
	}
	var units []string
	if json.Unmarshal(c.UnitID, &units) == nil {
		for _, u := range units {
			if u != "" {
				out.units = append(out.units, u)
			}
		}
	}
	return out
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
