package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// TestIndicatorsOverHTTP walks the office through a project's indicators:
// add one with a monthly plan, read the schedule, edit, be refused the
// first indicator's target fields, delete, and find each edit audited.
func TestIndicatorsOverHTTP(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		e.CreateUser("unit1", auth.RoleContractor, "Unit A", "")
		tok, unit := e.Login("office1"), e.Login("unit1")
		r := e.Post("/api/v1/projects", tok, map[string]any{"code": "IND-H1", "name": "村道", "category": "road",
			"township": "Qingshan", "responsible_unit": "Unit A", "planned_start": "2026-01-01", "planned_end": "2026-12-31",
			"target_quantity": 10, "target_unit": "km", "location": map[string]any{"lat": 28.2, "lon": 112.9}})
		apitest.Expect(t, r, http.StatusCreated)
		pid := r.Map(t)["id"].(string)

		r = e.Post("/api/v1/projects/"+pid+"/indicators", tok, map[string]any{"name": "户数", "unit": "户", "target": 120,
			"plan": []map[string]any{{"month": "2026-06", "percent": 60}, {"month": "2026-09", "percent": 100}}})
		apitest.Expect(t, r, http.StatusCreated)
		ind := r.Map(t)
		id := ind["id"].(string)
		if ind["position"].(float64) != 2 || r.Header.Get("Location") != "/api/v1/indicators/"+id {
			t.Fatalf("created %v %s", ind, r.Header.Get("Location"))
		}
		// The unit reads them, not edits them.
		r = e.Get("/api/v1/projects/"+pid+"/indicators", unit)
		apitest.Expect(t, r, http.StatusOK)
		items := r.Map(t)["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["follows_project"] != true || items[0].(map[string]any)["name"] != "工程量" {
			t.Fatalf("indicators %v", items)
		}
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + id, Token: unit,
			Body: map[string]any{"target": 100}})
		apitest.Expect(t, r, http.StatusForbidden)

		// At the end of June nothing is reported and 60% is due: stalled;
		// the kilometres (linear) want 49.59% (181 of 365 days).
		r = e.Get("/api/v1/projects/"+pid+"/schedule?date=2026-06-30", unit)
		apitest.Expect(t, r, http.StatusOK)
		s := r.Map(t)
		inds := s["indicators"].([]any)
		if s["status"] != "stalled" || s["date"] != "2026-06-30" || len(inds) != 2 ||
			inds[0].(map[string]any)["planned_percent"].(float64) != 49.59 ||
			inds[1].(map[string]any)["planned_percent"].(float64) != 60 || inds[1].(map[string]any)["status"] != "stalled" {
			t.Fatalf("schedule %v", s)
		}
		for _, bad := range []string{"2026-6-30", "1999-12-31", "yesterday"} {
			r = e.Get("/api/v1/projects/"+pid+"/schedule?date="+bad, unit)
			apitest.Expect(t, r, http.StatusBadRequest)
		}
		r = e.Get("/api/v1/projects/"+pid+"/schedule?day=2026-06-30", unit)
		apitest.Expect(t, r, http.StatusBadRequest)

		// Edits: the plan of the first, not its target; a bad plan names
		// the point at fault.
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + pid + "-i1", Token: tok,
			Body: map[string]any{"target": 12, "unit": "m"}})
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if b := string(r.Body); !strings.Contains(b, `"field":"target","code":"follows_project"`) ||
			!strings.Contains(b, `"field":"unit","code":"follows_project"`) {
			t.Fatalf("first indicator target: %s", b)
		}
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + pid + "-i1", Token: tok,
			Body: map[string]any{"plan": []map[string]any{{"month": "2026-06", "percent": 30}}}})
		apitest.Expect(t, r, http.StatusOK)
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + id, Token: tok,
			Body: map[string]any{"plan": []map[string]any{{"month": "2026-06", "percent": 60}, {"month": "2026-05", "percent": 70},
				{"month": "2026-07"}}}})
		apitest.Expect(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.Body), `"field":"plan[2].percent","code":"required"`) {
			t.Fatalf("missing percent: %s", r.Body)
		}
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + id, Token: tok,
			Body: map[string]any{"plan": []map[string]any{{"month": "2026-06", "percent": 60}, {"month": "2026-05", "percent": 70}}}})
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.Body), `"field":"plan[0].percent","code":"decreasing"`) {
			t.Fatalf("decreasing plan: %s", r.Body)
		}
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/indicators/" + id, Token: tok,
			Body: map[string]any{"name": "受益户数", "plan": nil}})
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["name"] != "受益户数" || len(m["plan"].([]any)) != 0 {
			t.Fatalf("renamed %v", m)
		}
		r = e.Post("/api/v1/projects/"+pid+"/indicators", tok, map[string]any{"name": "受益户数", "unit": "户", "target": 1})
		apitest.Expect(t, r, http.StatusConflict)

		// The project carries its schedule; the list filters on it.
		r = e.Get("/api/v1/projects/"+pid, unit)
		apitest.Expect(t, r, http.StatusOK)
		if sch, ok := r.Map(t)["schedule"].(map[string]any); !ok || sch["status"] == nil {
			t.Fatalf("project schedule %v", r.Map(t)["schedule"])
		}
		r = e.Get("/api/v1/projects?schedule_status=stalled,behind", tok)
		apitest.Expect(t, r, http.StatusOK)
		if n := len(r.Map(t)["items"].([]any)); n != 1 {
			t.Fatalf("behind or stalled: %d", n)
		}
		r = e.Get("/api/v1/projects?schedule_status=completed", tok)
		apitest.Expect(t, r, http.StatusOK)
		if n := len(r.Map(t)["items"].([]any)); n != 0 {
			t.Fatalf("completed: %d", n)
		}
		r = e.Get("/api/v1/projects?schedule_status=late", tok)
		apitest.Expect(t, r, http.StatusBadRequest)

		// Delete: not the first; the added one goes.
		r = e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/indicators/" + pid + "-i1", Token: tok})
		apitest.Expect(t, r, http.StatusConflict)
		r = e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/indicators/" + id, Token: tok})
		apitest.Expect(t, r, http.StatusNoContent)

		r = e.Get("/api/v1/audit?entity=indicator&entity_id="+id, tok)
		apitest.Expect(t, r, http.StatusOK)
		var actions []string
		for _, it := range r.Map(t)["items"].([]any) {
			actions = append(actions, it.(map[string]any)["action"].(string))
		}
		joined := strings.Join(actions, ",")
		for _, a := range []string{"indicator.create", "indicator.update", "indicator.delete"} {
			if !strings.Contains(joined, a) {
				t.Fatalf("audit %v lacks %s", actions, a)
			}
		}
	})
}

// TestScheduleOnDashboardAndPublic: the dashboard counts the county by
// schedule status, today and on a past day (judged on the figures of that
// day), and the public list shows each project's status.
func TestScheduleOnDashboardAndPublic(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		tok := e.Login("office1")
		year := time.Now().UTC().Year()
		y := func(n int, md string) string { return fmt.Sprintf("%d-%s", year+n, md) }
		mk := func(code, start, end string) string {
			r := e.Post("/api/v1/projects", tok, map[string]any{"code": code, "name": "道路 " + code, "category": "road",
				"township": "Qingshan", "responsible_unit": "Unit A", "planned_start": start, "planned_end": end,
				"status": "under_construction", "target_quantity": 10, "target_unit": "km",
				"location": map[string]any{"lat": 28.2, "lon": 112.9}})
			apitest.Expect(t, r, http.StatusCreated)
			return r.Map(t)["id"].(string)
		}
		report := func(id, date string, km float64) {
			r := e.Post("/api/v1/projects/"+id+"/progress", tok, map[string]any{"date": date, "quantity": km})
			apitest.Expect(t, r, http.StatusCreated)
		}
		// The year before last to next year: a whole past schedule (so the
		// share due is 100% whatever today is), and one not begun.
		mk("SD-1", y(-2, "01-01"), y(-1, "12-31"))                             // nothing: stalled
		mk("SD-2", y(1, "01-01"), y(1, "12-31"))                               // not started
		report(mk("SD-3", y(-2, "01-01"), y(-1, "12-31")), y(-1, "11-01"), 10) // completed
		report(mk("SD-4", y(-2, "01-01"), y(-1, "12-31")), y(-1, "06-01"), 5)  // behind
		counts := func(path string) map[string]float64 {
			r := e.Get(path, tok)
			apitest.Expect(t, r, http.StatusOK)
			out := map[string]float64{}
			for _, it := range r.Map(t)["schedule_counts"].([]any) {
				m := it.(map[string]any)
				out[m["status"].(string)] = m["count"].(float64)
			}
			return out
		}
		got := counts("/api/v1/dashboard/projects")
		if len(got) != 6 || got["stalled"] != 1 || got["behind"] != 1 || got["not_started"] != 1 || got["completed"] != 1 {
			t.Fatalf("today: %v", got)
		}
		// On 1 March of last year (about 58% due), nothing was reported
		// yet: three stalled, one not started.
		got = counts("/api/v1/dashboard/projects?date=" + y(-1, "03-01"))
		if got["stalled"] != 3 || got["not_started"] != 1 || got["completed"] != 0 {
			t.Fatalf("on 1 March: %v", got)
		}
		r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects"})
		apitest.Expect(t, r, http.StatusOK)
		want := map[string]string{"SD-1": "stalled", "SD-2": "not_started", "SD-3": "completed", "SD-4": "behind"}
		for _, it := range r.Map(t)["items"].([]any) {
			m := it.(map[string]any)
			if m["schedule_status"] != want[m["code"].(string)] {
				t.Errorf("public %s: %v", m["code"], m["schedule_status"])
			}
		}
	})
}
