package phonesync

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/audit"
)

type fakeIndex struct {
	rows    []FeedRow
	lookups map[string]int
}

func (f *fakeIndex) Put(_ context.Context, rows []FeedRow, _, _ int64) error {
	f.rows = append(f.rows, rows...)
	return nil
}
func (f *fakeIndex) Unfiled(context.Context, int) (int64, []audit.Entry, error) { return 0, nil, nil }
func (f *fakeIndex) CheckAuthors(_ context.Context, ids []string) (map[string]string, error) {
	f.lookups["check"]++
	return map[string]string{"c1": "v1"}, nil
}
func (f *fakeIndex) ProjectUnits(_ context.Context, ids []string) (map[string]string, error) {
	f.lookups["project"]++
	return map[string]string{"p1": "ua", "p2": "ub"}, nil
}
func (f *fakeIndex) Orders(_ context.Context, ids []string) (map[string]OrderRef, error) {
	f.lookups["order"]++
	return map[string]OrderRef{"o1": {ProjectID: "p1", UnitID: "uc"}}, nil
}

// Each entry is filed under the keys of everyone who sees its object, and
// of whoever it takes the object from; one lookup per kind per batch.
func TestIndexerFilesEntriesUnderTheirScopes(t *testing.T) {
	f := &fakeIndex{lookups: map[string]int{}}
	es := []audit.Entry{
		{Seq: 1, Action: "checklist.publish", Entity: "checklist", EntityID: "general/2", Changes: "{}"},
		{Seq: 2, Action: "check.file", Entity: "check", EntityID: "c1", Changes: "{}"},
		{Seq: 3, Action: "project.assign", Entity: "project", EntityID: "p1", Changes: `{"user_id":"v2","role":"volunteer"}`},
		{Seq: 4, Action: "project.unassign", Entity: "project", EntityID: "p1", Changes: `{"user_id":"v3"}`},
		{Seq: 5, Action: "project.update", Entity: "project", EntityID: "p2", Changes: `{"unit_id":["ua","ub"]}`},
		{Seq: 6, Action: "order.cancel", Entity: "order", EntityID: "o1", Changes: "{}"},
		{Seq: 7, Action: "photo.upload", Entity: "photo", EntityID: "ph1", Changes: "{}"},
		{Seq: 8, Action: "check.file", Entity: "check", EntityID: "c1", Changes: "{}"},
	}
	if err := NewIndexer(f).Seal(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	got := map[int64][]string{}
	for _, r := range f.rows {
		k := r.Scope
		if r.Expand {
			k += "+"
		}
		got[r.Seq] = append(got[r.Seq], k)
	}
	want := map[int64]string{
		1: "all",
		2: "user:v1",
		3: "project:p1 projects:all unit:ua user:v2+",
		4: "project:p1 projects:all unit:ua user:v3+",
		5: "project:p2 projects:all unit:ua unit:ub",
		6: "orders:all project:p1 unit:uc",
		7: "",
		8: "user:v1",
	}
	for seq, w := range want {
		sort.Strings(got[seq])
		if g := strings.Join(got[seq], " "); g != w {
			t.Errorf("entry %d filed under %q, want %q", seq, g, w)
		}
	}
	if f.lookups["check"] != 1 || f.lookups["project"] != 1 || f.lookups["order"] != 1 {
		t.Errorf("lookups per batch %v, want one per kind", f.lookups)
	}
}
