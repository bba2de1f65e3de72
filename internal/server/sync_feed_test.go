package server_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// ids lists "kind/id:op" of items, sorted, for comparing what phones got.
func ids(items []syncItem, kinds ...string) []string {
	var out []string
	for _, it := range items {
		for _, k := range kinds {
			if it.Kind == k {
				out = append(out, it.Kind+"/"+it.ID+":"+it.Op)
			}
		}
	}
	sort.Strings(out)
	return out
}

func issue(t *testing.T, e *apitest.Env, office, project string) string {
	t.Helper()
	r := e.Post("/api/v1/orders", office, directOrder(project))
	apitest.Expect(t, r, http.StatusCreated)
	return r.Map(t)["id"].(string)
}

// Who gets what on a first sync: each role its own scope, whatever the page
// size. Two roads of unit A watched by different volunteers, a school of
// unit B, an order on each.
func TestSyncScopeMatrix(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		office := w.tok[auth.RoleOffice]
		admin := w.users[auth.RoleAdmin].Principal()
		vol2 := e.CreateUser("volunteer3", auth.RoleVolunteer, "", "JT-0003")
		vol2Tok := e.Login("volunteer3")
		ctx := context.Background()
		roadB, err := e.Server.Projects.Create(ctx, admin, projects.NewProject{Code: "R-2", Name: "Dongshan road",
			Category: projects.CatRoad, Township: "Qingshan", Unit: "Unit A", Location: &projects.Point{Lat: 28.1, Lon: 112.7}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Server.Projects.Assign(ctx, admin, roadB.ID, projects.NewAssignment{UserID: vol2.ID}); err != nil {
			t.Fatal(err)
		}
		roadOrder, roadBOrder, schoolOrder := issue(t, e, office, w.road), issue(t, e, office, roadB.ID), issue(t, e, office, w.school)
		mine := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleInspector], mine), http.StatusCreated)

		up := func(kind string, ids ...string) []string {
			var out []string
			for _, id := range ids {
				out = append(out, kind+"/"+id+":upsert")
			}
			return out
		}
		all := func(parts ...[]string) string {
			var out []string
			for _, p := range parts {
				out = append(out, p...)
			}
			sort.Strings(out)
			return strings.Join(out, " ")
		}
		cases := []struct {
			who, tok, want string
		}{
			{"volunteer of road A", w.tok[auth.RoleVolunteer], all(up("project", w.road), up("order", roadOrder))},
			{"volunteer of road B", vol2Tok, all(up("project", roadB.ID), up("order", roadBOrder))},
			{"contractor of unit A", w.tok[auth.RoleContractor], all(up("project", w.road, roadB.ID), up("order", roadOrder, roadBOrder))},
			{"office", office, all(up("project", w.road, roadB.ID, w.school), up("order", roadOrder, roadBOrder, schoolOrder))},
			{"inspector", w.tok[auth.RoleInspector], all(up("project", w.road, roadB.ID, w.school),
				up("order", roadOrder, roadBOrder, schoolOrder), up("check", mine["id"].(string)))},
		}
		for _, c := range cases {
			for _, limit := range []int{1, 4, 1000} {
				items, _ := syncAll(t, e, c.tok, "", limit)
				if got := strings.Join(uniqueIDs(items), " "); got != c.want {
					t.Errorf("%s, pages of %d:\n got %s\nwant %s", c.who, limit, got, c.want)
				}
				if n := len(byKind(items, "checklist")); n != 7 {
					t.Errorf("%s, pages of %d: %d checklists", c.who, limit, n)
				}
			}
		}

		// Later, a change on road B reaches road B's volunteer, not road A's.
		_, cursorA := syncAll(t, e, w.tok[auth.RoleVolunteer], "", 1000)
		_, cursorB := syncAll(t, e, vol2Tok, "", 1000)
		apitest.Expect(t, e.Post("/api/v1/orders/"+roadBOrder+"/cancel", office, map[string]any{"reason": "issued twice"}), http.StatusOK)
		if items, _ := syncAll(t, e, w.tok[auth.RoleVolunteer], cursorA, 50); len(items) != 0 {
			t.Errorf("road A's volunteer got road B's change: %+v", items)
		}
		if items, _ := syncAll(t, e, vol2Tok, cursorB, 50); strings.Join(ids(items, "order", "project"), " ") != "order/"+roadBOrder+":upsert" {
			t.Errorf("road B's volunteer after the cancel: %+v", items)
		}
	})
}

// uniqueIDs: what a phone holds after applying items in order, as
// "kind/id:op" of each object's last item, checklists left out.
func uniqueIDs(items []syncItem) []string {
	last := map[string]string{}
	for _, it := range items {
		if it.Kind != "checklist" {
			last[it.Kind+"/"+it.ID] = it.Op
		}
	}
	var out []string
	for k, op := range last {
		out = append(out, k+":"+op)
	}
	sort.Strings(out)
	return out
}

// A volunteer newly assigned to a road gets the road and its orders on the
// next sync, though the order was filed before they could see it; taken
// off the road, they get both as tombstones. A contractor's unit handed a
// project gets the project, not the orders issued to the unit before.
func TestSyncFollowsAssignmentsAndNewProjects(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		office, con := w.tok[auth.RoleOffice], w.tok[auth.RoleContractor]
		vol := e.CreateUser("volunteer3", auth.RoleVolunteer, "", "JT-0003")
		volTok := e.Login("volunteer3")
		order := issue(t, e, office, w.road)
		schoolOrder := issue(t, e, office, w.school)
		items, cursor := syncAll(t, e, volTok, "", 1000)
		if got := uniqueIDs(items); len(got) != 0 {
			t.Fatalf("an unassigned volunteer got %v", got)
		}

		apitest.Expect(t, e.Post("/api/v1/projects/"+w.road+"/assignments", office, map[string]any{"user_id": vol.ID}), http.StatusCreated)
		items, cursor = syncAll(t, e, volTok, cursor, 1000)
		if got, want := strings.Join(ids(items, "project", "order"), " "), "order/"+order+":upsert project/"+w.road+":upsert"; got != want {
			t.Errorf("after the assignment: %s, want %s", got, want)
		}
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Token: office,
			Path: "/api/v1/projects/" + w.road + "/assignments/" + vol.ID}), http.StatusNoContent)
		items, _ = syncAll(t, e, volTok, cursor, 1000)
		if got, want := strings.Join(ids(items, "project", "order"), " "), "order/"+order+":delete project/"+w.road+":delete"; got != want {
			t.Errorf("after the unassignment: %s, want %s", got, want)
		}
		for _, it := range items {
			if it.Order != nil || it.Project != nil {
				t.Errorf("a tombstone carries state: %+v", it)
			}
		}

		_, conCursor := syncAll(t, e, con, "", 1000)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + w.school, Token: office,
			Body: map[string]any{"responsible_unit": "Unit A"}}), http.StatusOK)
		items, _ = syncAll(t, e, con, conCursor, 1000)
		if got, want := strings.Join(ids(items, "project", "order"), " "), "project/"+w.school+":upsert"; got != want {
			t.Errorf("unit A handed the school: %s, want %s (not unit B's order %s)", got, want, schoolOrder)
		}
	})
}

// An upgraded server files the audit log it already has, so phones sync on
// as before; filing again changes nothing.
func TestSyncFeedBackfill(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		office, vol := w.tok[auth.RoleOffice], w.tok[auth.RoleVolunteer]
		issue(t, e, office, w.road)
		issue(t, e, office, w.school)
		before, _ := syncAll(t, e, vol, "", 1000)
		rows := countRows(t, e.DB, "SELECT COUNT(*) FROM sync_feed")
		if len(uniqueIDs(before)) != 2 || rows == 0 {
			t.Fatalf("before: %v, %d rows", uniqueIDs(before), rows)
		}

		execSQL(t, e.DB, "DELETE FROM sync_feed")
		execSQL(t, e.DB, "UPDATE sync_feed_mark SET upto = 0")
		e2 := apitest.New(t, e.DB, e.Objects, e.Backend, nil)
		if n := countRows(t, e.DB, "SELECT COUNT(*) FROM sync_feed"); n != rows {
			t.Errorf("the start-up back-filled %d rows, the seal hook had filed %d", n, rows)
		}
		after, _ := syncAll(t, e2, vol, "", 1000)
		if got, want := strings.Join(uniqueIDs(after), " "), strings.Join(uniqueIDs(before), " "); got != want || len(after) != len(before) {
			t.Errorf("after the back-fill: %s (%d items), want %s (%d)", got, len(after), want, len(before))
		}
		head := countRows(t, e.DB, "SELECT MAX(seq) FROM audit_log")
		if mark := countRows(t, e.DB, "SELECT upto FROM sync_feed_mark"); mark != head {
			t.Errorf("mark %d after the back-fill, head %d", mark, head)
		}
		// Idempotent: filing everything again adds nothing; later writes
		// keep the mark at the head.
		execSQL(t, e.DB, "UPDATE sync_feed_mark SET upto = 0")
		apitest.New(t, e.DB, e.Objects, e.Backend, nil)
		if n := countRows(t, e.DB, "SELECT COUNT(*) FROM sync_feed"); n != rows {
			t.Errorf("filed twice: %d rows, want %d", n, rows)
		}
		_, cursor := syncAll(t, e, vol, "", 1000)
		order := issue(t, e, office, w.road)
		head = countRows(t, e.DB, "SELECT MAX(seq) FROM audit_log")
		if mark := countRows(t, e.DB, "SELECT upto FROM sync_feed_mark"); mark != head {
			t.Errorf("the seal hook left the mark at %d, head %d", mark, head)
		}

		// An entry written without the hook (a replica of the previous
		// version, mid-upgrade) is filed before a cursor can pass it.
		execSQL(t, e.DB, "DELETE FROM sync_feed WHERE seq = ?", head)
		execSQL(t, e.DB, "UPDATE sync_feed_mark SET upto = ?", head-1)
		items, _ := syncAll(t, e, vol, cursor, 1000)
		if got := ids(items, "order"); len(got) != 1 || got[0] != "order/"+order+":upsert" {
			t.Errorf("an entry the hook never filed: %v", got)
		}
	})
}
