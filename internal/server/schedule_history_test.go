package server_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// TestSchedulePastDateUsesStatusOfThen: a project completed today was not
// completed on a day last year. The schedule route and the dashboard's
// past date judge it with the status it had then (here, before it was
// recorded at all: the status it entered the record with, under
// construction), on the figures of then (none: stalled); today it is
// completed.
func TestSchedulePastDateUsesStatusOfThen(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		tok := e.Login("office1")
		year := time.Now().UTC().Year()
		r := e.Post("/api/v1/projects", tok, map[string]any{"code": "SH-1", "name": "道路 SH-1", "category": "road",
			"township": "Qingshan", "responsible_unit": "Unit A", "planned_start": fmt.Sprintf("%d-01-01", year-2),
			"planned_end": fmt.Sprintf("%d-12-31", year-1), "status": "under_construction", "target_quantity": 10,
			"target_unit": "km", "location": map[string]any{"lat": 28.2, "lon": 112.9}})
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		apitest.Expect(t, e.Post("/api/v1/projects/"+id+"/status", tok, map[string]any{"status": "completed"}), http.StatusOK)

		past := fmt.Sprintf("%d-06-30", year-1)
		for date, want := range map[string]string{past: "stalled", "": "completed"} {
			r := e.Get("/api/v1/projects/"+id+"/schedule?date="+date, tok)
			apitest.Expect(t, r, http.StatusOK)
			if got := r.Map(t)["status"]; got != want {
				t.Errorf("schedule on %q: %v, want %s", date, got, want)
			}
			path := "/api/v1/dashboard/projects"
			if date != "" {
				path += "?date=" + date
			}
			r = e.Get(path, tok)
			apitest.Expect(t, r, http.StatusOK)
			for _, it := range r.Map(t)["schedule_counts"].([]any) {
				m := it.(map[string]any)
				if n := m["count"].(float64); (m["status"] == want) != (n == 1) {
					t.Errorf("dashboard on %q: %s %v, want the one project %s", date, m["status"], n, want)
				}
			}
		}
	})
}
