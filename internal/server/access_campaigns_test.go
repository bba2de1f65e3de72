package server_test

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// campaignRules is the access table of the look-back campaign routes. The
// office runs campaigns and assigns their tasks; inspectors see campaigns
// and their tasks; volunteers and contractors are refused every route with
// 403 whatever the campaign (nothing to hide about existence: they see none
// at all). None is project-scoped: a campaign spans many projects.
func campaignRules() map[string]rule {
	viewers := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector}
	return map[string]rule{
		"POST /api/v1/campaigns": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/campaigns", Body: f.campaignBody()}
		}},
		"GET /api/v1/campaigns":     {roles: viewers, req: get("/api/v1/campaigns")},
		"GET /api/v1/campaigns/:id": {roles: viewers, req: onCampaign(http.MethodGet, "/api/v1/campaigns/:id", nil)},
		"GET /api/v1/campaigns/:id/tasks": {roles: viewers,
			req: onCampaign(http.MethodGet, "/api/v1/campaigns/:id/tasks", nil)},
		"POST /api/v1/campaigns/:id/tasks/:task_id/assign": {roles: officeOnly,
			req: onCampaign(http.MethodPost, "/api/v1/campaigns/:id/tasks/:task_id/assign", func(f *fixture) any {
				return map[string]any{"user_id": f.users[auth.RoleInspector].ID}
			})},
	}
}

// campaignBody is a new campaign selecting exactly one fresh project: a
// drinking-water scheme completed in 2020, alone in its own township.
func (f *fixture) campaignBody() map[string]any {
	f.e.T.Helper()
	code := f.code()
	town := "Lookback " + code
	admin := f.users[auth.RoleAdmin].Principal()
	if _, err := f.e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
		Code: code, Name: "Water scheme " + code, Category: projects.CatDrinkingWater, Township: town, Unit: "Unit A",
		Status: projects.StatusCompleted, PlannedStart: "2020-03-01", PlannedEnd: "2020-06-30",
		Location: &projects.Point{Lat: 28.2, Lon: 112.9}}); err != nil {
		f.e.T.Fatal(err)
	}
	return map[string]any{"id": uuid.NewString(), "name": "Look-back " + code, "categories": []string{"drinking_water"},
		"townships": []string{town}, "completed_before": "2021-01-01", "due_date": "2099-12-31"}
}

// newCampaign creates a campaign as the office and returns its id and its
// one task's id.
func (f *fixture) newCampaign() (string, string) {
	f.e.T.Helper()
	tok := f.e.Login(f.users[auth.RoleOffice].Username)
	r := f.e.Post("/api/v1/campaigns", tok, f.campaignBody())
	apitest.Expect(f.e.T, r, http.StatusCreated)
	id := r.Map(f.e.T)["id"].(string)
	r = f.e.Get("/api/v1/campaigns/"+id+"/tasks", tok)
	apitest.Expect(f.e.T, r, http.StatusOK)
	items := r.Map(f.e.T)["items"].([]any)
	if len(items) != 1 {
		f.e.T.Fatalf("campaign has %d tasks, want 1", len(items))
	}
	return id, items[0].(map[string]any)["id"].(string)
}

// onCampaign builds a request on a fresh campaign (":id") and its task
// (":task_id").
func onCampaign(method, path string, b func(*fixture) any) func(*fixture, string) apitest.Request {
	return func(f *fixture, _ string) apitest.Request {
		id, task := f.newCampaign()
		r := apitest.Request{Method: method, Path: strings.NewReplacer(":id", id, ":task_id", task).Replace(path)}
		if b != nil {
			r.Body = b(f)
		}
		return r
	}
}
