package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Lists scoped exactly like single reads: for every list route and every
// caller, the ids a list returns are exactly the ids of its kind whose
// single read the caller is allowed — before and after a volunteer's
// unassignment, a project's move to another unit, a contractor's move to
// another unit and a role change. The routes are checked against the
// router: a new GET route without an entry in listScopes() fails.

// universe is every object of the world, by kind, as the admin made them.
type universe struct {
	projects, checks, orders []string
	// checkProject and checkAuthor: each check's project and author.
	checkProject, checkAuthor map[string]string
	// photos and photoCheck: every photo and the check it belongs to.
	photos     []string
	photoCheck map[string]string
	// notes: every notification id a user was ever listed, with its order.
	notes map[string]map[string]string
}

// listScope compares one list route with the single reads of its kind;
// skip says why a GET route lists nothing scoped by relationship.
type listScope struct {
	skip    string
	compare func(t *testing.T, s *scopeWorld, who string)
}

type scopeWorld struct {
	e     *apitest.Env
	u     universe
	users map[string]auth.User
	tok   map[string]string
	// allowed[who][id]: the single read of id answered 200 to who.
	allowed map[string]map[string]bool
}

func listScopes() map[string]listScope {
	none := func(why string) listScope { return listScope{skip: why} }
	export := func(path, kind string) listScope {
		return listScope{compare: func(t *testing.T, s *scopeWorld, who string) { s.compareExport(t, who, path, kind) }}
	}
	return map[string]listScope{
		"GET /api/v1/projects": {compare: func(t *testing.T, s *scopeWorld, who string) {
			s.same(t, who, "GET /projects", s.listIDs(t, who, "/api/v1/projects?limit=200"), s.visible(who, s.u.projects))
		}},
		"GET /api/v1/checks": {compare: func(t *testing.T, s *scopeWorld, who string) {
			s.same(t, who, "GET /checks", s.listIDs(t, who, "/api/v1/checks?limit=200"), s.visible(who, s.u.checks))
		}},
		"GET /api/v1/projects/:id/checks": {compare: func(t *testing.T, s *scopeWorld, who string) {
			for _, p := range s.u.projects {
				var want []string
				for _, c := range s.visible(who, s.u.checks) {
					if s.u.checkProject[c] == p {
						want = append(want, c)
					}
				}
				r := s.e.Get("/api/v1/projects/"+p+"/checks?limit=200", s.tok[who])
				if r.Status == http.StatusNotFound {
					if s.allowed[who][p] || len(want) > 0 {
						t.Errorf("%s: project %s's checks answer 404 but the project or %v are readable", who, p, want)
					}
					continue
				}
				s.same(t, who, "GET /projects/"+p+"/checks", s.idsOf(t, r), want)
			}
		}},
		"GET /api/v1/orders": {compare: func(t *testing.T, s *scopeWorld, who string) {
			s.same(t, who, "GET /orders", s.listIDs(t, who, "/api/v1/orders?limit=200"), s.visible(who, s.u.orders))
		}},
		"GET /api/v1/notifications": {compare: func(t *testing.T, s *scopeWorld, who string) {
			got := s.listIDs(t, who, "/api/v1/notifications?limit=200")
			if s.u.notes[who] == nil {
				s.u.notes[who] = map[string]string{}
			}
			r := s.e.Get("/api/v1/notifications?limit=200", s.tok[who])
			var pg struct{ Items []map[string]any }
			r.JSON(t, &pg)
			for _, it := range pg.Items {
				s.u.notes[who][it["id"].(string)] = it["order_id"].(string)
			}
			var want []string
			for n, o := range s.u.notes[who] {
				if s.allowed[who][o] {
					want = append(want, n)
				}
				// Marking one read is its single access: allowed exactly
				// when it is listed.
				mr := s.e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/notifications/" + n + "/read", Token: s.tok[who]})
				if (mr.Status == http.StatusOK) != s.allowed[who][o] {
					t.Errorf("%s: marking notification %s (order %s) read answered %d", who, n, o, mr.Status)
				}
			}
			s.same(t, who, "GET /notifications", got, want)
		}},
		"GET /api/v1/sync": {compare: func(t *testing.T, s *scopeWorld, who string) {
			items, _ := syncAll(t, s.e, s.tok[who], "", 200)
			kinds := map[string][]string{}
			for _, it := range items {
				if it.Op == "upsert" {
					kinds[it.Kind] = append(kinds[it.Kind], it.ID)
				}
			}
			s.same(t, who, "sync projects", kinds["project"], s.visible(who, s.u.projects))
			s.same(t, who, "sync orders", kinds["order"], s.visible(who, s.u.orders))
			// A phone syncs its user's own checks: of those, exactly the
			// readable ones.
			var own []string
			for _, c := range s.visible(who, s.u.checks) {
				if s.u.checkAuthor[c] == s.users[who].ID {
					own = append(own, c)
				}
			}
			s.same(t, who, "sync checks", kinds["check"], own)
		}},
		"GET /api/v1/checks/:id/photos": {compare: func(t *testing.T, s *scopeWorld, who string) {
			for _, c := range s.u.checks {
				var want []string
				for _, ph := range s.visible(who, s.u.photos) {
					if s.u.photoCheck[ph] == c {
						want = append(want, ph)
					}
				}
				r := s.e.Get("/api/v1/checks/"+c+"/photos", s.tok[who])
				if r.Status == http.StatusNotFound {
					if s.allowed[who][c] || len(want) > 0 {
						t.Errorf("%s: check %s's photos answer 404 but the check or %v are readable", who, c, want)
					}
					continue
				}
				var pg struct{ Items []map[string]any }
				r.JSON(t, &pg)
				got := make([]string, len(pg.Items))
				for i, it := range pg.Items {
					got[i], _ = it["id"].(string)
				}
				s.same(t, who, "GET /checks/"+c+"/photos", got, want)
			}
		}},
		"GET /api/v1/exports/checks.csv":       export("/api/v1/exports/checks.csv", "checks"),
		"GET /api/v1/exports/checks.geojson":   export("/api/v1/exports/checks.geojson", "checks"),
		"GET /api/v1/exports/projects.geojson": export("/api/v1/exports/projects.geojson", "projects"),
		"GET /api/v1/exports/orders.csv":       export("/api/v1/exports/orders.csv", "orders"),
		"GET /api/v1/exports/orders.geojson":   export("/api/v1/exports/orders.geojson", "orders"),
		"GET /api/v1/dashboard/projects": {compare: func(t *testing.T, s *scopeWorld, who string) {
			s.overviewOnly(t, who, "/api/v1/dashboard/projects")
		}},
		"GET /api/v1/dashboard/orders": {compare: func(t *testing.T, s *scopeWorld, who string) {
			s.overviewOnly(t, who, "/api/v1/dashboard/orders")
		}},
		"GET /api/v1/review-queue":      none("office and admin only; they see every check"),
		"GET /api/v1/triage":            none("office and admin only; they see every check"),
		"GET /api/v1/campaigns":         none("staff only (policy.Campaigns); staff see every project"),
		"GET /api/v1/audit":             none("office and admin only"),
		"GET /api/v1/audit/checkpoint":  none("one signed checkpoint, the same for every role"),
		"GET /api/v1/audit/key":         none("one public key, the same for every role"),
		"GET /api/v1/audit/consistency": none("hashes between two checkpoints, the same for every role"),
		"GET /api/v1/users":             none("admin only"),
		"GET /api/v1/webhooks":          none("admin only"),
		"GET /api/v1/checklists":        none("checklists are the same for every role"),
		"GET /api/v1/townships":         none("the county's townships are the same for every role"),
		"GET /api/v1/units":             none("the county's units are the same for every role"),
		"GET /api/v1/me":                none("the caller's own account"),
		"GET /public/v1/projects":       none("public disclosure: every project, an allow-list of fields"),
		"GET /healthz":                  none("not a list"),
		"GET /readyz":                   none("not a list"),
		"GET /metrics":                  none("not a list"),
		"GET /api/openapi.yaml":         none("not a list"),
		// The monthly cycle (issue 16): its list follows the project rule,
		// before and after a contractor's move: TestMonthlyListScope.
		"GET /api/v1/monthly-reports": none("project scope; proven in TestMonthlyListScope (monthly_test.go)"),

		// The monthly circular (access_circulars_test.go).
		"GET /api/v1/circulars": none("a published circular is the county's document to every unit: all its readers see every one, the rest are refused 403"),
	}
}

// TestEveryListRouteHasAScopeEntry: every GET route that does not name an
// object is a list (or says why not) in listScopes().
func TestEveryListRouteHasAScopeEntry(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", nil)
	table := listScopes()
	seen := map[string]bool{}
	for _, r := range apiRoutes(e.Server.Routes) {
		key := r.Method + " " + r.Path
		seen[key] = true
		if _, ok := table[key]; !ok && r.Method == http.MethodGet && !strings.Contains(r.Path, ":") {
			t.Errorf("GET route %s has no entry in listScopes() (internal/server/scope_test.go)", key)
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("listScopes() names %s, which the router does not serve", key)
		}
	}
}

func TestListsMatchSingleReads(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		s := newScopeWorld(t, e)
		office := s.tok["office"]
		steps := []struct {
			name string
			do   func()
		}{
			{"initially", func() {}},
			{"after the volunteer's unassignment", func() {
				apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Token: office,
					Path: "/api/v1/projects/" + s.u.projects[0] + "/assignments/" + s.users["volunteer"].ID}), http.StatusNoContent)
			}},
			{"after a project's move to Unit B", func() {
				apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: office,
					Path: "/api/v1/projects/" + s.u.projects[1], Body: map[string]any{"responsible_unit": "Unit B"}}), http.StatusOK)
			}},
			{"after the contractor's move to Unit B", func() {
				apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: s.tok["admin"],
					Path: "/api/v1/users/" + s.users["contractor"].ID, Body: map[string]any{"unit": "Unit B"}}), http.StatusOK)
			}},
			{"after the second volunteer became Unit A's contractor", func() {
				apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: s.tok["admin"],
					Path: "/api/v1/users/" + s.users["volunteer2"].ID, Body: map[string]any{"role": "contractor", "unit": "Unit A"}}),
					http.StatusOK)
			}},
			{"after the inspector became a volunteer", func() {
				apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: s.tok["admin"],
					Path: "/api/v1/users/" + s.users["inspector"].ID, Body: map[string]any{"role": "volunteer", "badge_no": "JT-0009"}}),
					http.StatusOK)
			}},
		}
		for _, st := range steps {
			st.do()
			s.login(t)
			s.readSingles(t)
			for key, ls := range listScopes() {
				if ls.skip != "" {
					continue
				}
				for who := range s.users {
					failed := t.Failed()
					ls.compare(t, s, who)
					if !failed && t.Failed() {
						t.Errorf("^ %s, %s", st.name, key)
					}
				}
			}
		}
	})
}

// newScopeWorld: Unit A's road (the volunteers and the inspector assigned),
// Unit A's school and Unit B's clinic; checks by both volunteers and the
// office on the road, by the office elsewhere; an order on each project.
func newScopeWorld(t *testing.T, e *apitest.Env) *scopeWorld {
	t.Helper()
	s := &scopeWorld{e: e, users: map[string]auth.User{}, tok: map[string]string{},
		u: universe{checkProject: map[string]string{}, checkAuthor: map[string]string{}, notes: map[string]map[string]string{},
			photoCheck: map[string]string{}}}
	f := &fixture{e: e, users: map[auth.Role]auth.User{}}
	for _, r := range all {
		f.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
			map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		s.users[string(r)] = f.users[r]
	}
	s.users["volunteer2"] = e.CreateUser("volunteer2", auth.RoleVolunteer, "", "JT-0002")
	s.users["contractorb"] = e.CreateUser("contractorb", auth.RoleContractor, "Unit B", "")
	road := f.newProject(t, "Unit A", true)
	school := f.newProject(t, "Unit A", false)
	clinic := f.newProject(t, "Unit B", false)
	admin := f.users[auth.RoleAdmin].Principal()
	if _, _, err := e.Server.Projects.Assign(context.Background(), admin, road,
		projects.NewAssignment{UserID: s.users["volunteer2"].ID}); err != nil {
		t.Fatal(err)
	}
	s.u.projects = []string{road, school, clinic}
	s.login(t)
	file := func(who, project string) {
		r := e.Post("/api/v1/checks", s.tok[who], progressCheck(project))
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		s.u.checks = append(s.u.checks, id)
		s.u.checkProject[id], s.u.checkAuthor[id] = project, s.users[who].ID
		ph, _, err := e.Server.Photos.Upload(context.Background(), s.users[who].Principal(),
			photos.UploadInput{ParentID: id, PhotoID: uuid.NewString(), Body: bytes.NewReader(testPhoto(f))})
		if err != nil {
			t.Fatal(err)
		}
		s.u.photos = append(s.u.photos, ph.ID)
		s.u.photoCheck[ph.ID] = id
	}
	file("volunteer", road)
	file("volunteer2", road)
	file("office", road)
	file("office", school)
	file("office", clinic)
	for _, p := range s.u.projects {
		r := e.Post("/api/v1/orders", s.tok["office"], directOrder(p))
		apitest.Expect(t, r, http.StatusCreated)
		s.u.orders = append(s.u.orders, r.Map(t)["id"].(string))
	}
	return s
}

// login takes fresh tokens, so a role or unit change is in them.
func (s *scopeWorld) login(t *testing.T) {
	t.Helper()
	for who, u := range s.users {
		r := s.e.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": apitest.Password})
		apitest.Expect(t, r, http.StatusOK)
		s.tok[who] = r.Map(t)["access_token"].(string)
	}
}

// readSingles asks every single read of every object as every user.
func (s *scopeWorld) readSingles(t *testing.T) {
	t.Helper()
	s.allowed = map[string]map[string]bool{}
	for who := range s.users {
		s.allowed[who] = map[string]bool{}
		for path, ids := range map[string][]string{"/api/v1/projects/": s.u.projects, "/api/v1/checks/": s.u.checks,
			"/api/v1/orders/": s.u.orders, "/api/v1/photos/": s.u.photos} {
			for _, id := range ids {
				r := s.e.Get(path+id, s.tok[who])
				switch r.Status {
				case http.StatusOK:
					s.allowed[who][id] = true
				case http.StatusNotFound:
				default:
					t.Fatalf("%s: GET %s%s answered %d: %s", who, path, id, r.Status, r.Body)
				}
			}
		}
	}
}

func (s *scopeWorld) visible(who string, ids []string) []string {
	var out []string
	for _, id := range ids {
		if s.allowed[who][id] {
			out = append(out, id)
		}
	}
	return out
}

func (s *scopeWorld) listIDs(t *testing.T, who, path string) []string {
	t.Helper()
	r := s.e.Get(path, s.tok[who])
	apitest.Expect(t, r, http.StatusOK)
	return s.idsOf(t, r)
}

func (s *scopeWorld) idsOf(t *testing.T, r apitest.Response) []string {
	t.Helper()
	var pg struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	r.JSON(t, &pg)
	if pg.NextCursor != nil {
		t.Fatalf("more than one page: %s", r.Body)
	}
	out := make([]string, len(pg.Items))
	for i, it := range pg.Items {
		out[i], _ = it["id"].(string)
	}
	return out
}

func (s *scopeWorld) same(t *testing.T, who, what string, got, want []string) {
	t.Helper()
	got, want = append([]string{}, got...), append([]string{}, want...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s (%s): %s lists %v; single reads allow %v", who, s.users[who].Role, what, got, want)
	}
}

// overviewOnly: the county-wide routes are refused (403) to whoever does
// not see every object, and served to whoever does.
func (s *scopeWorld) overviewOnly(t *testing.T, who, path string) bool {
	t.Helper()
	r := s.e.Get(path, s.tok[who])
	all := len(s.visible(who, s.u.projects)) == len(s.u.projects) && len(s.visible(who, s.u.checks)) == len(s.u.checks) &&
		len(s.visible(who, s.u.orders)) == len(s.u.orders)
	switch {
	case all && r.Status == http.StatusOK:
		return true
	case !all && r.Status == http.StatusForbidden:
		return false
	}
	t.Errorf("%s (%s): %s answered %d, while the caller sees everything: %v", who, s.users[who].Role, path, r.Status, all)
	return false
}

// compareExport: an export lists exactly the readable objects of its kind.
func (s *scopeWorld) compareExport(t *testing.T, who, path, kind string) {
	t.Helper()
	if !s.overviewOnly(t, who, path) {
		return
	}
	r := s.e.Get(path, s.tok[who])
	var got []string
	if strings.HasSuffix(path, ".csv") {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Fatalf("%s: %v %s", path, err, r.Body)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "id" {
				col = i
			}
		}
		for _, row := range rows[1:] {
			got = append(got, row[col])
		}
	} else {
		var fc struct {
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(r.Body, &fc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, ft := range fc.Features {
			id := ft.ID
			if v, ok := ft.Properties["id"].(string); ok && id == "" {
				id = v
			}
			got = append(got, id)
		}
	}
	ids := map[string][]string{"projects": s.u.projects, "checks": s.u.checks, "orders": s.u.orders}[kind]
	s.same(t, who, path, got, s.visible(who, ids))
}
