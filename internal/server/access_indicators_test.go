package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// indicatorRules is the access table of a project's indicators and its
// schedule status: whoever sees the project reads them; the office and
// admins edit. The /indicators/{id} routes are not `scoped` (another unit's
// indicator answers 404 indicator_not_found, which denied() does not count);
// TestIndicatorRoutesRefuseOtherUnits proves those refusals instead.
func indicatorRules() map[string]rule {
	return map[string]rule{
		"GET /api/v1/projects/:id/indicators": {roles: all, scoped: true, req: get("/api/v1/projects/:id/indicators")},
		"POST /api/v1/projects/:id/indicators": {roles: officeOnly, scoped: true,
			req: body(http.MethodPost, "/api/v1/projects/:id/indicators", func(f *fixture) any {
				return map[string]any{"name": "户数 " + f.code(), "unit": "户", "target": 120,
					"plan": []map[string]any{{"month": "2026-06", "percent": 60}}}
			})},
		"GET /api/v1/projects/:id/schedule": {roles: all, scoped: true, req: get("/api/v1/projects/:id/schedule?date=2026-06-30")},
		"PATCH /api/v1/indicators/:id": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + f.indicator(f.ownProject()),
				Body: map[string]any{"target": 150}}
		}},
		"DELETE /api/v1/indicators/:id": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodDelete, Path: "/api/v1/indicators/" + f.indicator(f.ownProject())}
		}},
	}
}

// indicator adds a second indicator to a project, as the admin.
func (f *fixture) indicator(projectID string) string {
	t := f.e.T
	ind, err := f.e.Server.Projects.CreateIndicator(context.Background(), f.users[auth.RoleAdmin].Principal(), projectID,
		projects.NewIndicator{Name: "教室 " + f.code(), Unit: "间", Target: ptrF(6)})
	if err != nil {
		t.Fatal(err)
	}
	return ind.ID
}

func ptrF(f float64) *float64 { return &f }

// TestIndicatorRoutesRefuseOtherUnits: a contractor of another unit and a
// volunteer not assigned learn nothing of an indicator (404, as for a
// project they cannot see); even the office cannot touch an unknown one.
func TestIndicatorRoutesRefuseOtherUnits(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		f := &fixture{e: e, users: map[auth.Role]auth.User{}}
		for _, r := range all {
			f.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
				map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		}
		other := f.newProject(t, "Unit B", false)
		ind := f.indicator(other)
		for _, role := range []auth.Role{auth.RoleContractor, auth.RoleVolunteer} {
			tok := e.Login(f.users[role].Username)
			for _, req := range []apitest.Request{
				{Method: http.MethodPatch, Path: "/api/v1/indicators/" + ind, Body: map[string]any{"target": 7}},
				{Method: http.MethodDelete, Path: "/api/v1/indicators/" + ind},
				{Method: http.MethodPatch, Path: "/api/v1/indicators/" + other + "-i1", Body: map[string]any{"plan": nil}},
			} {
				req.Token = tok
				r := e.Do(req)
				apitest.Expect(t, r, http.StatusNotFound)
				if c := r.Map(t)["code"]; c != "indicator_not_found" {
					t.Errorf("%s %s %s: %v", role, req.Method, req.Path, c)
				}
			}
			for _, path := range []string{"/api/v1/projects/" + other + "/indicators", "/api/v1/projects/" + other + "/schedule"} {
				r := e.Get(path, tok)
				apitest.Expect(t, r, http.StatusNotFound)
			}
		}
		office := e.Login(f.users[auth.RoleOffice].Username)
		for _, path := range []string{"/api/v1/indicators/00000000-0000-7000-8000-000000000000", "/api/v1/indicators/nope",
			"/api/v1/indicators/" + other + "-i2"} {
			r := e.Do(apitest.Request{Method: http.MethodDelete, Path: path, Token: office})
			apitest.Expect(t, r, http.StatusNotFound)
		}
	})
}

// indicatorOracles: another unit's project and its first indicator answer
// exactly as unknown ones do (oracle_test.go).
func indicatorOracles() map[string]oracle {
	plan := jsonBody(map[string]any{"plan": []map[string]any{{"month": "2026-06", "percent": 50}}})
	first := func(h hidden) string { return h.project + "-i1" }
	unknownFirst := func(method string, body func(string) any) oracle {
		return oracle{pairs: func(_ *fixture, h hidden) [][2]apitest.Request {
			mk := func(id string) apitest.Request {
				r := apitest.Request{Method: method, Path: "/api/v1/indicators/" + id}
				if body != nil {
					r.Body = body(id)
				}
				return r
			}
			return [][2]apitest.Request{{mk(first(h)), mk(uuid.NewString() + "-i1")}, {mk(first(h)), mk(uuid.NewString())}}
		}}
	}
	return map[string]oracle{
		"GET /api/v1/projects/:id/indicators": same(http.MethodGet, "/api/v1/projects/:id/indicators", nil, hProject),
		"POST /api/v1/projects/:id/indicators": same(http.MethodPost, "/api/v1/projects/:id/indicators",
			jsonBody(map[string]any{"name": "户数", "unit": "户", "target": 120}), hProject),
		"GET /api/v1/projects/:id/schedule": same(http.MethodGet, "/api/v1/projects/:id/schedule", nil, hProject),
		"PATCH /api/v1/indicators/:id":      unknownFirst(http.MethodPatch, plan),
		"DELETE /api/v1/indicators/:id":     unknownFirst(http.MethodDelete, nil),
	}
}
