package server_test

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
)

// checkRules is the access table of the checklist and check routes.
func checkRules() map[string]rule {
	// Filing: the county's staff on any project, a volunteer on the road
	// assigned to them; contractors file none.
	filers := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector, auth.RoleVolunteer}
	return map[string]rule{
		"GET /api/v1/checklists":                         {roles: all, req: get("/api/v1/checklists")},
		"GET /api/v1/checklists/:type/versions/:version": {roles: all, req: get("/api/v1/checklists/signage/versions/1")},
		"POST /api/v1/checklists/:type": {roles: officeOnly, req: body(http.MethodPost, "/api/v1/checklists/general", func(*fixture) any {
			return map[string]any{"title": "General", "items": []map[string]any{
				{"key": "ok", "label": "Work satisfactory", "type": "yes_no", "required": true, "pass_when": true}}}
		})},
		"POST /api/v1/checks": {roles: filers, scoped: true, req: func(_ *fixture, projectID string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Body: progressCheck(projectID)}
		}},
		"GET /api/v1/checks": {roles: all, req: get("/api/v1/checks")},
		// A check on the caller's own project is filed by its volunteer, so
		// the volunteer (its author) and the unit's contractor may read it;
		// on another project it is the office's.
		"GET /api/v1/checks/:id":          {roles: all, scoped: true, req: onCheck(http.MethodGet, "/api/v1/checks/:id")},
		"GET /api/v1/projects/:id/checks": {roles: all, scoped: true, req: get("/api/v1/projects/:id/checks")},
		"POST /api/v1/checks/:id/return": {roles: officeOnly, scoped: true, req: withBody(onCheck(http.MethodPost, "/api/v1/checks/:id/return"),
			map[string]any{"note": "the slump was not measured; measure it and file again"})},
		"POST /api/v1/checks/:id/flag-decision": {roles: officeOnly, scoped: true, req: withBody(onCheck(http.MethodPost, "/api/v1/checks/:id/flag-decision"),
			map[string]any{"decision": "accepted", "reason": "GPS drift under trees"})},
		"GET /api/v1/review-queue": {roles: officeOnly, req: get("/api/v1/review-queue")},
		"GET /api/v1/projects/:id/report.pdf": {roles: []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector}, scoped: true,
			req: get("/api/v1/projects/:id/report.pdf")},
		"GET /api/v1/sync": {roles: all, req: get("/api/v1/sync?limit=50")},
	}
}

// progressCheck is a valid check body on a project.
func progressCheck(projectID string) map[string]any {
	return map[string]any{"id": uuid.NewString(), "project_id": projectID, "type": "progress", "template_version": 1,
		"answers": map[string]any{"percent_complete": 40}, "location": map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 5},
		"captured_at": time.Now().Add(-time.Hour).Format(time.RFC3339)}
}

// fileCheck files a check on projectID as its volunteer when there is one
// (the caller's own project), else as the office.
func (f *fixture) fileCheck(projectID string) checks.Check {
	f.e.T.Helper()
	n := checks.NewCheck{ID: uuid.NewString(), ProjectID: projectID, Type: "progress", TemplateVersion: 1,
		Answers: map[string]any{"percent_complete": 40.0}, Location: checks.Location{Lat: 28.2, Lon: 112.9, AccuracyM: 5},
		CapturedAt: time.Now().Add(-time.Hour)}
	for _, r := range []auth.Role{auth.RoleVolunteer, auth.RoleOffice} {
		c, _, err := f.e.Server.Checks.Create(context.Background(), f.users[r].Principal(), n)
		if err == nil {
			return c
		}
	}
	f.e.T.Fatalf("could not file a check on %s", projectID)
	return checks.Check{}
}

// withBody gives a built request a JSON body.
func withBody(build func(*fixture, string) apitest.Request, b any) func(*fixture, string) apitest.Request {
	return func(f *fixture, projectID string) apitest.Request {
		r := build(f, projectID)
		r.Body = b
		return r
	}
}

// onCheck builds a request on a fresh check of the project (":id" is the
// check's id).
func onCheck(method, path string) func(*fixture, string) apitest.Request {
	return func(f *fixture, projectID string) apitest.Request {
		c := f.fileCheck(projectID)
		return apitest.Request{Method: method, Path: strings.ReplaceAll(path, ":id", c.ID)}
	}
}
