package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

type syncItem struct {
	Kind, ID, Op string
	Project      map[string]any
	Assignments  []map[string]any
	Check        map[string]any
	Checklist    map[string]any
	Order        map[string]any
}

// syncAll pages through the feed from cursor and returns the items and the
// cursor to use next time.
func syncAll(t *testing.T, e *apitest.Env, tok, cursor string, limit int) ([]syncItem, string) {
	t.Helper()
	var all []syncItem
	e.Seal()
	for range 100 {
		r := e.Get("/api/v1/sync?limit="+strconv.Itoa(limit)+"&cursor="+url.QueryEscape(cursor), tok)
		apitest.Expect(t, r, http.StatusOK)
		var pg struct {
			Items  []syncItem
			Cursor string
			More   bool
		}
		r.JSON(t, &pg)
		all = append(all, pg.Items...)
		cursor = pg.Cursor
		if !pg.More {
			return all, cursor
		}
	}
	t.Fatal("sync never ended")
	return nil, ""
}

func byKind(items []syncItem, kind string) []syncItem {
	var out []syncItem
	for _, it := range items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

func TestSyncReturnsOnlyChangesAndTombstones(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, office, insp := w.tok[auth.RoleVolunteer], w.tok[auth.RoleOffice], w.tok[auth.RoleInspector]

		// First sync, in pages of 3: the checklists and the one road this
		// volunteer watches, with its assignments; not the school.
		items, cursor := syncAll(t, e, vol, "", 3)
		projects := byKind(items, "project")
		if len(projects) != 1 || projects[0].ID != w.road || projects[0].Op != "upsert" || len(projects[0].Assignments) != 1 {
			t.Fatalf("projects %+v", projects)
		}
		if n := len(byKind(items, "checklist")); n != 7 {
			t.Errorf("%d checklists, want the 7 seeded", n)
		}
		// Nothing changed: nothing comes.
		if again, _ := syncAll(t, e, vol, cursor, 50); len(again) != 0 {
			t.Fatalf("unchanged sync returned %+v", again)
		}

		// The volunteer's own check, a rename of the road, a new checklist
		// version, and changes elsewhere (the school, an inspector's check).
		mine := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", vol, mine), http.StatusCreated)
		apitest.Expect(t, e.Post("/api/v1/checks", insp, w.check(w.road)), http.StatusCreated)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + w.road, Token: office,
			Body: map[string]any{"name": "Shizi village road (phase 2)"}}), http.StatusOK)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + w.school, Token: office,
			Body: map[string]any{"name": "Qingshan central school"}}), http.StatusOK)
		apitest.Expect(t, e.Post("/api/v1/checklists/general", office, map[string]any{"title": "General", "items": []map[string]any{
			{"key": "ok", "label": "Work satisfactory", "type": "yes_no", "required": true}}}), http.StatusCreated)

		items, cursor = syncAll(t, e, vol, cursor, 50)
		if len(items) != 3 {
			t.Fatalf("want 3 changes (own check, road, checklist), got %+v", items)
		}
		if c := byKind(items, "check"); len(c) != 1 || c[0].ID != mine["id"] {
			t.Errorf("checks %+v", c)
		}
		if p := byKind(items, "project"); len(p) != 1 || p[0].Project["name"] != "Shizi village road (phase 2)" {
			t.Errorf("projects %+v", p)
		}
		if cl := byKind(items, "checklist"); len(cl) != 1 || cl[0].ID != "general/2" {
			t.Errorf("checklists %+v", cl)
		}

		// Unassigned from the road: a tombstone, and nothing more after it.
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Token: office,
			Path: "/api/v1/projects/" + w.road + "/assignments/" + w.users[auth.RoleVolunteer].ID}), http.StatusNoContent)
		items, cursor = syncAll(t, e, vol, cursor, 50)
		if len(items) != 1 || items[0].Kind != "project" || items[0].ID != w.road || items[0].Op != "delete" || items[0].Project != nil {
			t.Fatalf("after unassignment %+v", items)
		}
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + w.road, Token: office,
			Body: map[string]any{"name": "Shizi road"}}), http.StatusOK)
		if items, _ = syncAll(t, e, vol, cursor, 50); len(items) != 0 {
			t.Errorf("a road no longer watched still syncs: %+v", items)
		}

		// The inspector sees every project but only their own checks.
		items, _ = syncAll(t, e, insp, "", 200)
		if n := len(byKind(items, "project")); n != 2 {
			t.Errorf("inspector: %d projects", n)
		}
		if c := byKind(items, "check"); len(c) != 1 || c[0].ID == mine["id"] {
			t.Errorf("inspector checks %+v", c)
		}
		apitest.Expect(t, e.Get("/api/v1/sync?cursor=nonsense", vol), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/sync?limit=0", vol), http.StatusBadRequest)
	})
}

// Orders reach the phones that see their project: the volunteers of the
// road, the unit's contractors; not other units.
func TestSyncCarriesOrdersInScope(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, con, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleContractor], w.tok[auth.RoleOffice]
		_, volCursor := syncAll(t, e, vol, "", 200)
		_, conCursor := syncAll(t, e, con, "", 200)

		r := e.Post("/api/v1/orders", office, directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		roadOrder := r.Map(t)["id"].(string)
		apitest.Expect(t, e.Post("/api/v1/orders", office, directOrder(w.school)), http.StatusCreated)

		for who, c := range map[string][2]string{"volunteer": {vol, volCursor}, "contractor": {con, conCursor}} {
			items, _ := syncAll(t, e, c[0], c[1], 50)
			got := byKind(items, "order")
			if len(got) != 1 || got[0].ID != roadOrder || got[0].Op != "upsert" {
				t.Errorf("%s: orders %+v", who, got)
			}
		}
	})
}

// A project handed to another unit leaves the old unit's phones; its
// orders stay with the unit they were issued to. A contractor moved to
// another unit gets a reset: the whole of the new scope, nothing of the old.
func TestSyncFollowsUnitChanges(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		con, office, admin := w.tok[auth.RoleContractor], w.tok[auth.RoleOffice], w.tok[auth.RoleAdmin]
		items, cursor := syncAll(t, e, con, "", 200)
		if p := byKind(items, "project"); len(p) != 1 || p[0].ID != w.road {
			t.Fatalf("unit A's projects %+v", p)
		}
		r := e.Post("/api/v1/orders", office, directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		order := r.Map(t)["id"].(string)

		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + w.road, Token: office,
			Body: map[string]any{"responsible_unit": "Unit B"}}), http.StatusOK)
		items, cursor = syncAll(t, e, con, cursor, 50)
		if p := byKind(items, "project"); len(p) != 1 || p[0].ID != w.road || p[0].Op != "delete" {
			t.Errorf("road handed to unit B: projects %+v", p)
		}
		if o := byKind(items, "order"); len(o) != 1 || o[0].ID != order || o[0].Op != "upsert" {
			t.Errorf("unit A's order: %+v", o)
		}
		// The order is still unit A's: its next change reaches unit A.
		apitest.Expect(t, e.Post("/api/v1/orders/"+order+"/cancel", office, map[string]any{"reason": "issued twice"}), http.StatusOK)
		items, cursor = syncAll(t, e, con, cursor, 50)
		if len(items) != 1 || items[0].ID != order || items[0].Op != "upsert" || items[0].Order["status"] != "cancelled" {
			t.Errorf("after cancel %+v", items)
		}

		// The contractor joins unit B: the old cursor resets to unit B's
		// whole scope (both projects), the first page says so, later pages
		// and later syncs do not.
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: admin,
			Path: "/api/v1/users/" + w.users[auth.RoleContractor].ID, Body: map[string]any{"unit": "Unit B"}}), http.StatusOK)
		e.Seal()
		r = e.Get("/api/v1/sync?limit=1&cursor="+url.QueryEscape(cursor), con)
		apitest.Expect(t, r, http.StatusOK)
		var first struct {
			Items  []syncItem
			Cursor string
			More   bool
			Reset  bool
		}
		r.JSON(t, &first)
		if !first.Reset || !first.More {
			t.Fatalf("unit change: reset %v more %v", first.Reset, first.More)
		}
		rest, cursor := syncAll(t, e, con, first.Cursor, 200)
		items = append(first.Items, rest...)
		got := map[string]bool{}
		for _, it := range byKind(items, "project") {
			got[it.ID] = it.Op == "upsert"
		}
		if len(got) != 2 || !got[w.road] || !got[w.school] {
			t.Errorf("unit B's projects after the move %+v", byKind(items, "project"))
		}
		if o := byKind(items, "order"); len(o) != 0 {
			t.Errorf("unit A's order reached unit B: %+v", o)
		}
		if n := len(byKind(items, "checklist")); n != 7 {
			t.Errorf("%d checklists in the reset, want 7", n)
		}
		e.Seal()
		r = e.Get("/api/v1/sync?cursor="+url.QueryEscape(cursor), con)
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["reset"] != false || len(m["items"].([]any)) != 0 {
			t.Errorf("after the reset %+v", m)
		}
	})
}

// An amendment changes the returned check it supersedes as well: the
// author's next sync carries the old check again, now superseded, so the
// phone stops listing it as returned.
func TestSyncResendsTheCheckAnAmendmentSupersedes(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		insp, office := w.tok[auth.RoleInspector], w.tok[auth.RoleOffice]
		first := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", insp, first), http.StatusCreated)
		id := first["id"].(string)
		apitest.Expect(t, e.Post("/api/v1/checks/"+id+"/return", office, map[string]any{"note": "measure again"}), http.StatusOK)
		_, cursor := syncAll(t, e, insp, "", 1000)

		amended := w.check(w.road)
		amended["supersedes"] = id
		apitest.Expect(t, e.Post("/api/v1/checks", insp, amended), http.StatusCreated)
		items, _ := syncAll(t, e, insp, cursor, 1000)
		states := map[string]any{}
		for _, it := range byKind(items, "check") {
			if it.Op != "upsert" {
				t.Fatalf("check %s: op %s", it.ID, it.Op)
			}
			states[it.ID] = it.Check["state"]
		}
		if states[id] != "superseded" || states[amended["id"].(string)] != "filed" || len(states) != 2 {
			t.Fatalf("sync after the amendment: %v", states)
		}
	})
}
