package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// The route × role × ownership table. Every route the router serves must
// have an entry here — TestEveryRouteHasAnAccessRule fails otherwise — so a
// new route cannot ship without someone deciding who may call it.

var (
	all        = []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector, auth.RoleVolunteer, auth.RoleContractor}
	officeOnly = []auth.Role{auth.RoleAdmin, auth.RoleOffice}
	adminOnly  = []auth.Role{auth.RoleAdmin}
)

// rule says which roles may call a route. For object-scoped routes, roles
// that see everything (admin, office, inspector) are judged on any project;
// volunteers and contractors only on a project related to them ("own": the
// volunteer is assigned to it, it belongs to the contractor's unit), and every
// role must be refused on a project it is not related to when it is a
// volunteer or contractor.
type rule struct {
	public bool        // no token needed
	roles  []auth.Role // who may call it (on their own objects)
	scoped bool        // the path names a project
	// req builds a fresh request on project id (empty for unscoped routes).
	req func(f *fixture, projectID string) apitest.Request
}

type fixture struct {
	e        *apitest.Env
	users    map[auth.Role]auth.User
	n        atomic.Int64
	ownUnit  string
	otherOne string
}

func (f *fixture) code() string { return fmt.Sprintf("T-%d", f.n.Add(1)) }

func (f *fixture) newProject(t *testing.T, unit string, assignVolunteer bool) string {
	t.Helper()
	admin := f.users[auth.RoleAdmin].Principal()
	p, err := f.e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
		Code: f.code(), Name: "Access test road", Category: projects.CatRoad, Township: "Qingshan", Unit: unit,
		Status: projects.StatusPlanned, PlannedStart: "2026-03-01", PlannedEnd: "2026-10-31",
		Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
	if err != nil {
		t.Fatal(err)
	}
	if assignVolunteer {
		for _, r := range []auth.Role{auth.RoleVolunteer, auth.RoleInspector} {
			if _, _, err := f.e.Server.Projects.Assign(context.Background(), admin, p.ID, projects.NewAssignment{UserID: f.users[r].ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return p.ID
}

func get(path string) func(*fixture, string) apitest.Request {
	return func(_ *fixture, id string) apitest.Request {
		return apitest.Request{Method: http.MethodGet, Path: strings.ReplaceAll(path, ":id", id)}
	}
}

func body(method, path string, b func(f *fixture) any) func(*fixture, string) apitest.Request {
	return func(f *fixture, id string) apitest.Request {
		return apitest.Request{Method: method, Path: strings.ReplaceAll(path, ":id", id), Body: b(f)}
	}
}

// rules merges every domain's table; each domain keeps its own in
// access_<domain>_test.go.
func rules() map[string]rule {
	out := map[string]rule{}
	for _, set := range []map[string]rule{platformRules(), checkRules(), photoRules(), directRules(), orderRules(), reviewRules(), campaignRules(),
		circularRules(), indicatorRules(), monthlyRules()} {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}

func platformRules() map[string]rule {
	newProject := func(f *fixture) any {
		return map[string]any{"code": f.code(), "name": "New road", "category": "road", "township": "Qingshan",
			"responsible_unit": "Unit A", "location": map[string]any{"lat": 28.2, "lon": 112.9}}
	}
	return map[string]rule{
		"GET /healthz":          {public: true, req: get("/healthz")},
		"GET /readyz":           {public: true, req: get("/readyz")},
		"GET /metrics":          {public: true, req: get("/metrics")},
		"GET /api/openapi.yaml": {public: true, req: get("/api/openapi.yaml")},
		"POST /api/v1/auth/login": {public: true, req: body(http.MethodPost, "/api/v1/auth/login", func(*fixture) any {
			return map[string]string{"username": "admin1", "password": apitest.Password}
		})},
		"POST /api/v1/auth/refresh": {public: true, req: body(http.MethodPost, "/api/v1/auth/refresh", func(*fixture) any {
			return map[string]string{"refresh_token": "rt_unknown"}
		})},
		"POST /api/v1/auth/logout": {public: true, req: body(http.MethodPost, "/api/v1/auth/logout", func(*fixture) any {
			return map[string]string{"refresh_token": "rt_unknown"}
		})},

		"GET /api/v1/me": {roles: all, req: get("/api/v1/me")},
		"POST /api/v1/me/password": {roles: all, req: body(http.MethodPost, "/api/v1/me/password", func(*fixture) any {
			return map[string]string{"current_password": "wrong-wrong-wrong", "new_password": "another long password"}
		})},
		"GET /api/v1/users": {roles: adminOnly, req: get("/api/v1/users")},
		"POST /api/v1/users": {roles: adminOnly, req: body(http.MethodPost, "/api/v1/users", func(f *fixture) any {
			return map[string]any{"username": strings.ToLower(f.code()), "role": "inspector", "password": apitest.Password}
		})},
		"GET /api/v1/users/:id": {roles: adminOnly, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: "/api/v1/users/" + f.users[auth.RoleInspector].ID}
		}},
		"PATCH /api/v1/users/:id": {roles: adminOnly, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + f.users[auth.RoleInspector].ID,
				Body: map[string]any{"phone": "0731-555-0199"}}
		}},
		"POST /api/v1/users/:id/password": {roles: adminOnly, req: func(f *fixture, _ string) apitest.Request {
			// A throwaway user: a reset ends the target's sessions, and the
			// fixture's users must keep theirs for the other routes.
			target := f.e.CreateUser(strings.ToLower(f.code()), auth.RoleInspector, "", "")
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/users/" + target.ID + "/password",
				Body: map[string]any{"password": apitest.Password}}
		}},

		"GET /api/v1/projects":  {roles: all, req: get("/api/v1/projects")},
		"POST /api/v1/projects": {roles: officeOnly, req: body(http.MethodPost, "/api/v1/projects", newProject)},
		"POST /api/v1/projects/import": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			csv := "code,name,category,township,responsible_unit\n" + f.code() + ",Imported road,road,Qingshan,Unit A\n"
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/projects/import", Body: csv, Content: "text/csv"}
		}},
		"GET /api/v1/projects/:id": {roles: all, scoped: true, req: get("/api/v1/projects/:id")},
		"PATCH /api/v1/projects/:id": {roles: officeOnly, scoped: true, req: body(http.MethodPatch, "/api/v1/projects/:id", func(*fixture) any {
			return map[string]any{"name": "Renamed road"}
		})},
		"POST /api/v1/projects/:id/status": {roles: officeOnly, scoped: true, req: body(http.MethodPost, "/api/v1/projects/:id/status", func(*fixture) any {
			return map[string]any{"status": "under_construction"}
		})},
		"POST /api/v1/projects/:id/progress": {roles: []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleContractor}, scoped: true,
			req: body(http.MethodPost, "/api/v1/projects/:id/progress", func(*fixture) any {
				return map[string]any{"date": "2026-06-01", "percent": 40, "note": "base course laid"}
			})},
		"GET /api/v1/projects/:id/progress":    {roles: all, scoped: true, req: get("/api/v1/projects/:id/progress")},
		"GET /api/v1/projects/:id/assignments": {roles: all, scoped: true, req: get("/api/v1/projects/:id/assignments")},
		"POST /api/v1/projects/:id/assignments": {roles: officeOnly, scoped: true, req: func(f *fixture, id string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/projects/" + id + "/assignments",
				Body: map[string]any{"user_id": f.users[auth.RoleInspector].ID}}
		}},
		"DELETE /api/v1/projects/:id/assignments/:user_id": {roles: officeOnly, scoped: true, req: func(f *fixture, id string) apitest.Request {
			return apitest.Request{Method: http.MethodDelete, Path: "/api/v1/projects/" + id + "/assignments/" + f.users[auth.RoleInspector].ID}
		}},
		"GET /api/v1/audit": {roles: officeOnly, req: get("/api/v1/audit?entity=project")},
		// The checkpoint, the key and consistency proofs carry hashes only:
		// anyone signed in. A proof carries its entry: the office and admins.
		"GET /api/v1/audit/checkpoint":         {roles: all, req: sealed(get("/api/v1/audit/checkpoint"))},
		"GET /api/v1/audit/key":                {roles: all, req: get("/api/v1/audit/key")},
		"GET /api/v1/audit/consistency":        {roles: all, req: sealed(get("/api/v1/audit/consistency?from=1"))},
		"GET /api/v1/audit/entries/:seq/proof": {roles: officeOnly, req: sealed(get("/api/v1/audit/entries/1/proof"))},
		"GET /api/v1/townships":                {roles: all, req: get("/api/v1/townships")},
		"POST /api/v1/townships": {roles: officeOnly, req: body(http.MethodPost, "/api/v1/townships", func(f *fixture) any {
			return map[string]any{"name": "Township " + f.code()}
		})},
		"GET /api/v1/units": {roles: all, req: get("/api/v1/units")},
		"POST /api/v1/units": {roles: officeOnly, req: body(http.MethodPost, "/api/v1/units", func(f *fixture) any {
			return map[string]any{"name": "Unit " + f.code(), "kind": "bureau"}
		})},
	}
}

func TestEveryRouteHasAnAccessRule(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", nil)
	table := rules()
	seen := map[string]bool{}
	for _, r := range apiRoutes(e.Server.Routes) {
		key := r.Method + " " + r.Path
		seen[key] = true
		if _, ok := table[key]; !ok {
			t.Errorf("route %s has no entry in the access table (internal/server/access_test.go)", key)
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("access table names %s, which the router does not serve", key)
		}
	}
}

func seesAll(r auth.Role) bool {
	return r == auth.RoleAdmin || r == auth.RoleOffice || r == auth.RoleInspector
}

func contains(rs []auth.Role, r auth.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// sealed makes the request after sealing the audit log, so the proofs it
// asks for exist.
func sealed(req func(f *fixture, id string) apitest.Request) func(f *fixture, id string) apitest.Request {
	return func(f *fixture, id string) apitest.Request {
		f.e.Seal()
		return req(f, id)
	}
}

// denied: refused by the policy — 403, or 404 for a project, check or photo
// the caller may not even know exists. Other 404s (an assignment that is not
// there) mean the policy let the call through.
func denied(r apitest.Response) bool {
	if r.Status == http.StatusForbidden {
		return true
	}
	if r.Status == http.StatusUnprocessableEntity {
		// A project named in the body that the caller may not see is
		// refused as an unknown one is.
		return strings.Contains(string(r.Body), `"field":"project_id","code":"not_found"`)
	}
	if r.Status != http.StatusNotFound {
		return false
	}
	for _, code := range []string{"project_not_found", "check_not_found", "photo_not_found", "order_not_found"} {
		if strings.Contains(string(r.Body), `"`+code+`"`) {
			return true
		}
	}
	return false
}

func TestRouteRoleOwnership(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		f := &fixture{e: e, users: map[auth.Role]auth.User{}}
		for _, r := range all {
			f.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
				map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		}
		for key, rl := range rules() {
			t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
				if rl.public {
					r := e.Do(rl.req(f, ""))
					if r.Status >= 500 || (r.Status == http.StatusUnauthorized && !strings.Contains(key, "/auth/refresh")) {
						t.Fatalf("public route answered %d: %s", r.Status, r.Body)
					}
					return
				}
				// No token: always 401.
				req := rl.req(f, f.newProject(t, "Unit A", true))
				if r := e.Do(req); r.Status != http.StatusUnauthorized {
					t.Errorf("without a token: %d, want 401", r.Status)
				}
				for _, role := range all {
					tok := e.Login(f.users[role].Username)
					own, other := "", ""
					if rl.scoped {
						own, other = f.newProject(t, "Unit A", true), f.newProject(t, "Unit B", false)
					}
					req := rl.req(f, own)
					req.Token = tok
					r := e.Do(req)
					switch {
					case r.Status >= 500 || r.Status == http.StatusUnauthorized:
						t.Errorf("%s on own: %d %s", role, r.Status, r.Body)
					case contains(rl.roles, role) && denied(r):
						t.Errorf("%s on own: refused with %d, want allowed: %s", role, r.Status, r.Body)
					case !contains(rl.roles, role) && !denied(r):
						t.Errorf("%s on own: allowed with %d, want 403/404: %s", role, r.Status, r.Body)
					}
					if !rl.scoped {
						continue
					}
					req = rl.req(f, other)
					req.Token = tok
					r = e.Do(req)
					allowed := contains(rl.roles, role) && seesAll(role)
					switch {
					case r.Status >= 500 || r.Status == http.StatusUnauthorized:
						t.Errorf("%s on another's: %d %s", role, r.Status, r.Body)
					case allowed && denied(r):
						t.Errorf("%s on another's: refused with %d, want allowed: %s", role, r.Status, r.Body)
					case !allowed && !denied(r):
						t.Errorf("%s on another's project: allowed with %d, want 403/404: %s", role, r.Status, r.Body)
					}
				}
			})
		}
	})
}
