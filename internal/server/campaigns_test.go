package server_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// lookbackWorld is a county with projects finished in earlier years (and
// some not), one user of each role and a second inspector.
type lookbackWorld struct {
	e     *apitest.Env
	tok   map[auth.Role]string
	users map[auth.Role]auth.User
	insp2 auth.User
	tok2  string
	// projects by code
	ids map[string]string
}

func newLookbackWorld(t *testing.T, e *apitest.Env) *lookbackWorld {
	t.Helper()
	w := &lookbackWorld{e: e, tok: map[auth.Role]string{}, users: map[auth.Role]auth.User{}, ids: map[string]string{}}
	for _, r := range all {
		w.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
			map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		w.tok[r] = e.Login(w.users[r].Username)
	}
	w.insp2 = e.CreateUser("inspector2", auth.RoleInspector, "", "")
	w.tok2 = e.Login("inspector2")
	admin := w.users[auth.RoleAdmin].Principal()
	for _, p := range []struct {
		code     string
		cat      projects.Category
		township string
		status   projects.Status
		end      string
	}{
		{"W-1", projects.CatDrinkingWater, "Qingshan", projects.StatusCompleted, "2020-06-30"},         // lookbackSelected
		{"W-2", projects.CatDrinkingWater, "Qingshan", projects.StatusAccepted, "2021-01-01"},          // lookbackSelected: on the date
		{"W-3", projects.CatDrinkingWater, "Qingshan", projects.StatusAccepted, "2021-01-02"},          // ended after
		{"W-4", projects.CatDrinkingWater, "Qingshan", projects.StatusUnderConstruction, "2020-01-01"}, // not completed
		{"W-5", projects.CatDrinkingWater, "Qingshan", projects.StatusCompleted, ""},                   // no planned end
		{"W-6", projects.CatDrinkingWater, "Baishui", projects.StatusCompleted, "2019-09-30"},          // lookbackSelected
		{"W-7", projects.CatDrinkingWater, "Lushan", projects.StatusCompleted, "2019-09-30"},           // other township
		{"R-1", projects.CatRoad, "Qingshan", projects.StatusCompleted, "2020-06-30"},                  // other category
		{"S-1", projects.CatSchool, "Baishui", projects.StatusAccepted, "2019-08-31"},                  // lookbackSelected
		{"S-2", projects.CatSchool, "Baishui", projects.StatusSuspended, "2019-08-31"},                 // not completed
		{"S-3", projects.CatSchool, "Lushan", projects.StatusAccepted, "2019-08-31"},                   // other township
		{"N-1", projects.CatNursingHome, "Qingshan", projects.StatusAccepted, "2018-12-31"},            // other category
		{"W-8", projects.CatDrinkingWater, "Baishui", projects.StatusPlanned, "2020-01-01"},            // not completed
		{"W-9", projects.CatDrinkingWater, "Qingshan", projects.StatusCompleted, "2021-06-30"},         // ended after
		{"S-4", projects.CatSchool, "Qingshan", projects.StatusCompleted, "2020-12-31"},                // lookbackSelected
		{"S-5", projects.CatSchool, "Qingshan", projects.StatusUnderConstruction, "2020-12-31"},        // not completed
		{"S-6", projects.CatSchool, "Qingshan", projects.StatusCompleted, "2021-01-02"},                // ended after
		{"S-7", projects.CatKindergarten, "Qingshan", projects.StatusCompleted, "2020-12-31"},          // other category
		{"W-0", projects.CatDrinkingWater, "Qingshan", projects.StatusAccepted, "2016-05-31"},          // lookbackSelected
		{"X-1", projects.CatOther, "Baishui", projects.StatusCompleted, "2020-01-01"},                  // other category
		{"W-10", projects.CatDrinkingWater, "Lushan", projects.StatusAccepted, "2020-01-01"},           // other township
		{"L-1", projects.CatLibrary, "Lushan", projects.StatusAccepted, "2020-01-01"},                  // other category
		{"W-11", projects.CatDrinkingWater, "Baishui", projects.StatusUnderConstruction, "2019-01-01"}, // not completed
	} {
		np := projects.NewProject{Code: p.code, Name: "Project " + p.code, Category: p.cat, Township: p.township,
			Unit: "Unit A", Status: p.status, PlannedEnd: p.end, Location: &projects.Point{Lat: 28.2, Lon: 112.9}}
		if p.end != "" {
			np.PlannedStart = "2015-01-01"
		}
		got, err := e.Server.Projects.Create(context.Background(), admin, np)
		if err != nil {
			t.Fatalf("project %s: %v", p.code, err)
		}
		w.ids[p.code] = got.ID
	}
	return w
}

// lookbackSelected are the projects campaignA picks.
var lookbackSelected = []string{"S-1", "S-4", "W-0", "W-1", "W-2", "W-6"}

func lookbackCampaignA() map[string]any {
	return map[string]any{"id": uuid.NewString(), "name": "2026 look-back: water and schools",
		"categories": []string{"drinking_water", "school"}, "townships": []string{"Qingshan", "Baishui"},
		"completed_before": "2021-01-01", "due_date": "2099-12-31"}
}

func (w *lookbackWorld) tasks(t *testing.T, tok, campaignID, query string) []map[string]any {
	t.Helper()
	r := w.e.Get("/api/v1/campaigns/"+campaignID+"/tasks"+query, tok)
	apitest.Expect(t, r, http.StatusOK)
	var pg struct {
		Items []map[string]any `json:"items"`
	}
	r.JSON(t, &pg)
	return pg.Items
}

// taskOf maps project codes to task ids.
func (w *lookbackWorld) taskOf(t *testing.T, campaignID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, it := range w.tasks(t, w.tok[auth.RoleOffice], campaignID, "?limit=200") {
		out[it["project"].(map[string]any)["code"].(string)] = it["id"].(string)
	}
	return out
}

func lookbackCodes(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it["project"].(map[string]any)["code"].(string))
	}
	sort.Strings(out)
	return out
}

// inspection is a post_completion check on a project; fail says whether
// the scheme no longer works.
func (w *lookbackWorld) inspection(code, taskID string, fail bool) map[string]any {
	return map[string]any{"id": uuid.NewString(), "project_id": w.ids[code], "type": "post_completion",
		"template_version": 1, "task_id": taskID,
		"answers": map[string]any{"in_use": true, "functioning": !fail, "maintained": true, "keeper_and_rules": true,
			"damage_found": false},
		"location":    map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 5},
		"captured_at": time.Now().Add(-time.Hour).Format(time.RFC3339)}
}

func TestCampaignSelectsCompletedProjectsAndIsIdempotent(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newLookbackWorld(t, e)
		office := w.tok[auth.RoleOffice]
		body := lookbackCampaignA()
		first := e.Post("/api/v1/campaigns", office, body)
		apitest.Expect(t, first, http.StatusCreated)
		c := first.Map(t)
		id := c["id"].(string)
		if first.Header.Get("Location") != "/api/v1/campaigns/"+id {
			t.Errorf("Location %q", first.Header.Get("Location"))
		}
		pr := c["progress"].(map[string]any)
		if pr["total"] != float64(len(lookbackSelected)) || pr["due"] != float64(len(lookbackSelected)) || pr["done"] != 0.0 {
			t.Fatalf("progress %v", pr)
		}
		if got := lookbackCodes(w.tasks(t, office, id, "")); !slices.Equal(got, lookbackSelected) {
			t.Fatalf("tasks on %v, want %v", got, lookbackSelected)
		}

		// A retry after a lost answer: 200, the same campaign, nothing new;
		// categories and townships are sets, so their order does not matter.
		again := e.Post("/api/v1/campaigns", office, body)
		apitest.Expect(t, again, http.StatusOK)
		if !bytes.Equal(first.Body, again.Body) {
			t.Errorf("retry answered differently:\n%s\n%s", first.Body, again.Body)
		}
		reordered := map[string]any{}
		for k, v := range body {
			reordered[k] = v
		}
		reordered["categories"] = []string{"school", "drinking_water", "school"}
		reordered["townships"] = []string{"Baishui", "Qingshan"}
		apitest.Expect(t, e.Post("/api/v1/campaigns", office, reordered), http.StatusOK)
		if n := len(w.tasks(t, office, id, "")); n != len(lookbackSelected) {
			t.Errorf("%d tasks after retries", n)
		}
		// The same id with another body, or from someone else, is refused.
		changed := map[string]any{}
		for k, v := range body {
			changed[k] = v
		}
		changed["due_date"] = "2099-11-30"
		r := e.Post("/api/v1/campaigns", office, changed)
		apitest.Expect(t, r, http.StatusConflict)
		if r.Map(t)["code"] != "id_reused" {
			t.Errorf("code %s", r.Body)
		}
		apitest.Expect(t, e.Post("/api/v1/campaigns", w.tok[auth.RoleAdmin], body), http.StatusConflict)

		// One category, every township.
		water := map[string]any{"id": uuid.NewString(), "name": "Water only", "categories": []string{"drinking_water"},
			"completed_before": "2021-01-01", "due_date": "2099-12-31"}
		r = e.Post("/api/v1/campaigns", office, water)
		apitest.Expect(t, r, http.StatusCreated)
		want := []string{"W-0", "W-1", "W-10", "W-2", "W-6", "W-7"}
		if got := lookbackCodes(w.tasks(t, office, r.Map(t)["id"].(string), "")); !slices.Equal(got, want) {
			t.Errorf("water-only tasks on %v, want %v", got, want)
		}

		// Refusals: an unknown township, a selection of nothing, bad fields,
		// and anyone but the office.
		bad := lookbackCampaignA()
		bad["townships"] = []string{"Qingshan", "Atlantis"}
		r = e.Post("/api/v1/campaigns", office, bad)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if f := fields(t, r); !slices.Equal(f, []string{"townships[1]"}) {
			t.Errorf("fields %v", f)
		}
		none := lookbackCampaignA()
		none["completed_before"] = "2010-01-01"
		r = e.Post("/api/v1/campaigns", office, none)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if r.Map(t)["code"] != "no_matching_projects" {
			t.Errorf("code %s", r.Body)
		}
		r = e.Post("/api/v1/campaigns", office, map[string]any{"id": "x", "name": " ", "categories": []string{"roads"},
			"completed_before": "2021-13-01", "due_date": ""})
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if f := fields(t, r); !slices.Equal(f, []string{"id", "name", "categories[0]", "completed_before", "due_date"}) {
			t.Errorf("fields %v", f)
		}
		apitest.Expect(t, e.Post("/api/v1/campaigns", w.tok[auth.RoleInspector], lookbackCampaignA()), http.StatusForbidden)

		// Who sees it: the office and inspectors; volunteers and
		// contractors nothing.
		for _, role := range []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector} {
			apitest.Expect(t, e.Get("/api/v1/campaigns/"+id, w.tok[role]), http.StatusOK)
			if n := len(e.Get("/api/v1/campaigns", w.tok[role]).Map(t)["items"].([]any)); n != 2 {
				t.Errorf("%s lists %d campaigns", role, n)
			}
		}
		for _, role := range []auth.Role{auth.RoleVolunteer, auth.RoleContractor} {
			apitest.Expect(t, e.Get("/api/v1/campaigns", w.tok[role]), http.StatusForbidden)
			apitest.Expect(t, e.Get("/api/v1/campaigns/"+id, w.tok[role]), http.StatusForbidden)
			apitest.Expect(t, e.Get("/api/v1/campaigns/"+id+"/tasks", w.tok[role]), http.StatusForbidden)
		}
		apitest.Expect(t, e.Get("/api/v1/campaigns/"+uuid.NewString(), office), http.StatusNotFound)

		// Keyset pages of tasks and campaigns.
		var seen []map[string]any
		cursor := ""
		for range 10 {
			r := e.Get("/api/v1/campaigns/"+id+"/tasks?limit=4"+cursor, office)
			apitest.Expect(t, r, http.StatusOK)
			var pg struct {
				Items []map[string]any `json:"items"`
				Next  *string          `json:"next_cursor"`
			}
			r.JSON(t, &pg)
			seen = append(seen, pg.Items...)
			if pg.Next == nil {
				break
			}
			cursor = "&cursor=" + *pg.Next
		}
		if got := lookbackCodes(seen); !slices.Equal(got, lookbackSelected) {
			t.Errorf("paged tasks %v", got)
		}
		r = e.Get("/api/v1/campaigns?limit=1", office)
		apitest.Expect(t, r, http.StatusOK)
		if next, _ := r.Map(t)["next_cursor"].(string); next == "" {
			t.Errorf("no next page: %s", r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/campaigns/"+id+"/tasks?state=done", office), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/campaigns/"+id+"/tasks?status=late", office), http.StatusBadRequest)
	})
}

func TestCampaignTasksAreAssignedAndInspected(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newLookbackWorld(t, e)
		office, insp := w.tok[auth.RoleOffice], w.tok[auth.RoleInspector]
		r := e.Post("/api/v1/campaigns", office, lookbackCampaignA())
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		task := w.taskOf(t, id)

		// Assignment: the office gives W-1 to inspector1, and only to an
		// inspector.
		assign := func(tok, code, userID string) apitest.Response {
			return e.Post("/api/v1/campaigns/"+id+"/tasks/"+task[code]+"/assign", tok, map[string]any{"user_id": userID})
		}
		r = assign(office, "W-1", w.users[auth.RoleInspector].ID)
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["assignee_id"] != w.users[auth.RoleInspector].ID || m["status"] != "due" {
			t.Fatalf("assigned task %v", m)
		}
		apitest.Expect(t, assign(insp, "W-1", w.insp2.ID), http.StatusForbidden)
		for _, u := range []string{w.users[auth.RoleVolunteer].ID, w.users[auth.RoleOffice].ID, uuid.NewString(), ""} {
			r = assign(office, "W-1", u)
			apitest.Expect(t, r, http.StatusUnprocessableEntity)
			if f := fields(t, r); !slices.Equal(f, []string{"user_id"}) {
				t.Errorf("fields %v", f)
			}
		}
		apitest.Expect(t, e.Post("/api/v1/campaigns/"+id+"/tasks/"+uuid.NewString()+"/assign", office,
			map[string]any{"user_id": w.insp2.ID}), http.StatusNotFound)
		apitest.Expect(t, e.Post("/api/v1/campaigns/"+uuid.NewString()+"/tasks/"+task["W-1"]+"/assign", office,
			map[string]any{"user_id": w.insp2.ID}), http.StatusNotFound)
		apitest.Expect(t, assign(office, "W-2", w.insp2.ID), http.StatusOK)

		// What each inspector sees: their own tasks and the unassigned ones.
		if got := lookbackCodes(w.tasks(t, insp, id, "")); !slices.Equal(got, []string{"S-1", "S-4", "W-0", "W-1", "W-6"}) {
			t.Errorf("inspector1 sees %v", got)
		}
		if got := lookbackCodes(w.tasks(t, w.tok2, id, "")); !slices.Equal(got, []string{"S-1", "S-4", "W-0", "W-2", "W-6"}) {
			t.Errorf("inspector2 sees %v", got)
		}
		if got := lookbackCodes(w.tasks(t, office, id, "?assignee="+w.users[auth.RoleInspector].ID)); !slices.Equal(got, []string{"W-1"}) {
			t.Errorf("office filter by assignee: %v", got)
		}
		if got := lookbackCodes(w.tasks(t, office, id, "?assignee=none")); !slices.Equal(got, []string{"S-1", "S-4", "W-0", "W-6"}) {
			t.Errorf("office filter unassigned: %v", got)
		}
		if got := lookbackCodes(w.tasks(t, w.tok2, id, "?assignee="+w.users[auth.RoleInspector].ID)); len(got) != 0 {
			t.Errorf("inspector2 sees inspector1's tasks: %v", got)
		}

		// Linking refusals: 422 on task_id.
		refused := func(tok string, body map[string]any, code string) {
			t.Helper()
			r := e.Post("/api/v1/checks", tok, body)
			apitest.Expect(t, r, http.StatusUnprocessableEntity)
			var p struct {
				Errors []struct{ Field, Code string } `json:"errors"`
			}
			r.JSON(t, &p)
			if len(p.Errors) != 1 || p.Errors[0].Field != "task_id" || p.Errors[0].Code != code {
				t.Errorf("want task_id %s: %s", code, r.Body)
			}
		}
		refused(w.tok2, w.inspection("W-1", task["W-1"], false), "not_assigned")
		progress := w.inspection("W-1", task["W-1"], false)
		progress["type"], progress["answers"] = "progress", map[string]any{"percent_complete": 100}
		refused(insp, progress, "wrong_type")
		refused(insp, w.inspection("W-6", task["W-1"], false), "project_mismatch")
		refused(insp, w.inspection("W-1", uuid.NewString(), false), "not_found")
		refused(insp, w.inspection("W-1", "not-a-uuid", false), "invalid")
		// Volunteers file no post-completion checks at all; on a project
		// not theirs they are told no more than of an unknown one.
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleVolunteer], w.inspection("W-1", task["W-1"], false)),
			http.StatusUnprocessableEntity)

		// The assignee files it: the task is done, the check names it; a
		// retry is the same check; a second inspection is refused.
		first := w.inspection("W-1", task["W-1"], false)
		r = e.Post("/api/v1/checks", insp, first)
		apitest.Expect(t, r, http.StatusCreated)
		if m := r.Map(t); m["task_id"] != task["W-1"] || m["result"] != "pass" {
			t.Fatalf("inspection %v", m)
		}
		apitest.Expect(t, e.Post("/api/v1/checks", insp, first), http.StatusOK)
		second := w.inspection("W-1", task["W-1"], true)
		r = e.Post("/api/v1/checks", insp, second)
		apitest.Expect(t, r, http.StatusConflict)
		if r.Map(t)["code"] != "task_done" {
			t.Errorf("code %s", r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/checks/"+second["id"].(string), office), http.StatusNotFound)
		apitest.Expect(t, assign(office, "W-1", w.insp2.ID), http.StatusConflict)
		// A check without task_id reads back with task_id null.
		plain := w.inspection("W-1", "", false)
		delete(plain, "task_id")
		r = e.Post("/api/v1/checks", insp, plain)
		apitest.Expect(t, r, http.StatusCreated)
		if v, ok := r.Map(t)["task_id"]; !ok || v != nil {
			t.Errorf("task_id %v", v)
		}

		// An unassigned task is taken by the inspector who files it; the
		// office may file any.
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok2, w.inspection("W-6", task["W-6"], true)), http.StatusCreated)
		apitest.Expect(t, e.Post("/api/v1/checks", office, w.inspection("S-1", task["S-1"], true)), http.StatusCreated)
		apitest.Expect(t, e.Post("/api/v1/checks", office, w.inspection("W-2", task["W-2"], false)), http.StatusCreated)
		done := w.tasks(t, office, id, "?status=done")
		if got := lookbackCodes(done); !slices.Equal(got, []string{"S-1", "W-1", "W-2", "W-6"}) {
			t.Fatalf("done %v", got)
		}
		for _, it := range done {
			code := it["project"].(map[string]any)["code"]
			if it["status"] != "done" || it["check_id"] == nil || it["done_at"] == nil {
				t.Errorf("done task %v", it)
			}
			if code == "W-6" && it["assignee_id"] != w.insp2.ID {
				t.Errorf("W-6 not taken by inspector2: %v", it)
			}
			if code == "S-1" && (it["assignee_id"] != nil || it["result"] != "fail") {
				t.Errorf("S-1 %v", it)
			}
		}
		if got := lookbackCodes(w.tasks(t, office, id, "?status=due")); !slices.Equal(got, []string{"S-4", "W-0"}) {
			t.Errorf("due %v", got)
		}
		if got := w.tasks(t, office, id, "?status=overdue"); len(got) != 0 {
			t.Errorf("overdue %v", got)
		}

		// A returned inspection's amendment takes its place on the task.
		apitest.Expect(t, e.Post("/api/v1/checks/"+first["id"].(string)+"/return", office,
			map[string]any{"note": "the keeper's name is missing"}), http.StatusOK)
		amended := w.inspection("W-1", task["W-1"], true)
		amended["supersedes"] = first["id"]
		apitest.Expect(t, e.Post("/api/v1/checks", insp, amended), http.StatusCreated)
		for _, it := range w.tasks(t, office, id, "?status=done") {
			if it["project"].(map[string]any)["code"] == "W-1" && (it["check_id"] != amended["id"] || it["result"] != "fail") {
				t.Errorf("amended task %v", it)
			}
		}

		// Progress and findings: W-1 (amended) and W-6 failed in
		// drinking water, S-1 failed in schools; W-2 passed.
		c := e.Get("/api/v1/campaigns/"+id, insp).Map(t)
		pr := c["progress"].(map[string]any)
		if pr["total"] != 6.0 || pr["done"] != 4.0 || pr["due"] != 2.0 || pr["overdue"] != 0.0 || pr["unassigned"] != 2.0 {
			t.Errorf("progress %v", pr)
		}
		f := c["findings"].(map[string]any)
		if f["inspected"] != 4.0 || f["failed"] != 3.0 {
			t.Errorf("findings %v", f)
		}
		wantCat := []any{
			map[string]any{"category": "drinking_water", "tasks": 4.0, "inspected": 3.0, "failed": 2.0},
			map[string]any{"category": "school", "tasks": 2.0, "inspected": 1.0, "failed": 1.0},
		}
		wantTown := []any{
			map[string]any{"township": "Baishui", "tasks": 2.0, "inspected": 2.0, "failed": 2.0},
			map[string]any{"township": "Qingshan", "tasks": 4.0, "inspected": 2.0, "failed": 1.0},
		}
		if !lookbackEqual(f["by_category"], wantCat) || !lookbackEqual(f["by_township"], wantTown) {
			t.Errorf("findings by category %v, by township %v", f["by_category"], f["by_township"])
		}

		// Every write is in the audit log.
		actions := map[string]int{}
		for _, entity := range []string{"campaign", "campaign_task"} {
			r := e.Get("/api/v1/audit?limit=200&entity="+entity, office)
			apitest.Expect(t, r, http.StatusOK)
			for _, it := range r.Map(t)["items"].([]any) {
				actions[it.(map[string]any)["action"].(string)]++
			}
		}
		want := map[string]int{"campaign.create": 1, "campaign.task.assign": 2, "campaign.task.done": 4, "campaign.task.amend": 1}
		if !lookbackEqual(campaignCounts(actions), campaignCounts(want)) {
			t.Errorf("audit actions %v, want %v", actions, want)
		}
	})
}

func TestCampaignPastItsDueDateIsOverdue(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newLookbackWorld(t, e)
		office := w.tok[auth.RoleOffice]
		// Recorded after the fact: due yesterday (UTC), so every open task
		// is overdue.
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(projects.DateLayout)
		body := map[string]any{"id": uuid.NewString(), "name": "Spring look-back", "categories": []string{"school"},
			"completed_before": "2021-01-01", "due_date": yesterday}
		r := e.Post("/api/v1/campaigns", office, body)
		apitest.Expect(t, r, http.StatusCreated)
		c := r.Map(t)
		id := c["id"].(string)
		if pr := c["progress"].(map[string]any); pr["total"] != 3.0 || pr["overdue"] != 3.0 || pr["due"] != 0.0 {
			t.Fatalf("progress %v", pr)
		}
		task := w.taskOf(t, id) // S-1, S-3, S-4
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleInspector], w.inspection("S-3", task["S-3"], false)),
			http.StatusCreated)
		c = e.Get("/api/v1/campaigns/"+id, office).Map(t)
		if pr := c["progress"].(map[string]any); pr["done"] != 1.0 || pr["overdue"] != 2.0 || pr["due"] != 0.0 {
			t.Errorf("progress %v", pr)
		}
		if got := lookbackCodes(w.tasks(t, office, id, "?status=overdue")); !slices.Equal(got, []string{"S-1", "S-4"}) {
			t.Errorf("overdue %v", got)
		}
		if got := w.tasks(t, office, id, "?status=due"); len(got) != 0 {
			t.Errorf("due %v", got)
		}
		for _, it := range w.tasks(t, office, id, "") {
			want := "overdue"
			if it["project"].(map[string]any)["code"] == "S-3" {
				want = "done"
			}
			if it["status"] != want || it["due_date"] != yesterday {
				t.Errorf("task %v, want %s", it, want)
			}
		}
		f := c["findings"].(map[string]any)
		if f["inspected"] != 1.0 || f["failed"] != 0.0 || len(f["by_township"].([]any)) != 3 {
			t.Errorf("findings %v", f)
		}
		// The campaign list shows the same counts.
		items := e.Get("/api/v1/campaigns", office).Map(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["progress"].(map[string]any)["overdue"] != 2.0 {
			t.Errorf("list %v", items)
		}
		if _, ok := items[0].(map[string]any)["findings"]; ok {
			t.Errorf("list carries findings")
		}
	})
}

func campaignCounts(m map[string]int) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// lookbackEqual compares decoded JSON values.
func lookbackEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !lookbackEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !lookbackEqual(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestCampaignRacesSettleOnce(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newLookbackWorld(t, e)
		office := w.tok[auth.RoleOffice]
		// Ten concurrent retries of one new campaign: one 201, nine 200,
		// one set of tasks.
		body := lookbackCampaignA()
		var mu sync.Mutex
		count := map[int]int{}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				r := e.Post("/api/v1/campaigns", office, body)
				mu.Lock()
				count[r.Status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if count[http.StatusCreated] != 1 || count[http.StatusOK] != 9 {
			t.Fatalf("status counts %v", count)
		}
		id := body["id"].(string)
		task := w.taskOf(t, id)
		if len(task) != len(lookbackSelected) {
			t.Fatalf("%d tasks", len(task))
		}

		// Two inspectors race for one unassigned task with different
		// inspections: one is filed and takes the task, the other is
		// refused and leaves no check behind.
		count = map[int]int{}
		bodies := []map[string]any{w.inspection("W-0", task["W-0"], false), w.inspection("W-0", task["W-0"], true)}
		toks := []string{w.tok[auth.RoleInspector], w.tok2}
		for i := range 2 {
			wg.Go(func() {
				r := e.Post("/api/v1/checks", toks[i], bodies[i])
				mu.Lock()
				count[r.Status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if count[http.StatusCreated] != 1 || count[http.StatusConflict] != 1 {
			t.Fatalf("status counts %v", count)
		}
		found := 0
		for _, b := range bodies {
			if e.Get("/api/v1/checks/"+b["id"].(string), office).Status == http.StatusOK {
				found++
			}
		}
		if found != 1 {
			t.Errorf("%d inspections stored, want 1", found)
		}
		if pr := e.Get("/api/v1/campaigns/"+id, office).Map(t)["progress"].(map[string]any); pr["done"] != 1.0 {
			t.Errorf("progress %v", pr)
		}
	})
}
