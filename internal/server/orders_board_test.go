package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// The rectification board's list: sort=due puts overdue orders first (the
// most overdue at the top; a cancelled order past its deadline is not
// overdue) and then the rest by deadline, paged by its own cursors; open,
// township and category filter by the order's status and its project.
func TestOrderListForTheBoard(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		water, err := e.Server.Projects.Create(context.Background(), w.users[auth.RoleAdmin].Principal(), projects.NewProject{
			Code: "W-1", Name: "Hetang water works", Category: projects.CatDrinkingWater, Township: "Hetang", Unit: "Unit A",
			Location: &projects.Point{Lat: 28.3, Lon: 113.0}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		issue := func(project string, deadline time.Duration) string {
			r := e.Post("/api/v1/orders", w.tok[auth.RoleOffice], map[string]any{"project_id": project, "defect": "defect",
				"severity": "minor", "required_action": "fix it", "deadline": now.Add(deadline).Format(time.RFC3339Nano)})
			apitest.Expect(t, r, http.StatusCreated)
			return r.Map(t)["id"].(string)
		}
		far := issue(w.road, 30*24*time.Hour)
		soon := issue(w.road, 48*time.Hour)
		lateWater := issue(water.ID, 1300*time.Millisecond)
		lateRoad := issue(w.road, 1000*time.Millisecond)
		cancelled := issue(w.road, 1100*time.Millisecond)
		w.act(t, auth.RoleOffice, cancelled, "cancel", map[string]any{"reason": "issued twice"}, http.StatusOK)
		time.Sleep(time.Until(now.Add(1500 * time.Millisecond)))

		list := func(tok string, q url.Values) []string {
			t.Helper()
			var ids []string
			for page := 0; ; page++ {
				r := e.Get("/api/v1/orders?"+q.Encode(), tok)
				apitest.Expect(t, r, http.StatusOK)
				m := r.Map(t)
				for _, it := range m["items"].([]any) {
					o := it.(map[string]any)
					ids = append(ids, o["id"].(string))
				}
				next, _ := m["next_cursor"].(string)
				if next == "" || page > 10 {
					return ids
				}
				q.Set("cursor", next)
			}
		}
		office := w.tok[auth.RoleOffice]
		for _, c := range []struct {
			name string
			q    url.Values
			want []string
		}{
			{"due, every status, by one", url.Values{"sort": {"due"}, "limit": {"1"}}, []string{lateRoad, lateWater, cancelled, soon, far}},
			{"due, open, by two", url.Values{"sort": {"due"}, "open": {"true"}, "limit": {"2"}}, []string{lateRoad, lateWater, soon, far}},
			{"finished", url.Values{"open": {"false"}}, []string{cancelled}},
			{"township", url.Values{"township": {"Hetang"}, "sort": {"due"}}, []string{lateWater}},
			{"category", url.Values{"category": {"road"}, "open": {"true"}, "sort": {"due"}}, []string{lateRoad, soon, far}},
			{"newest", url.Values{"open": {"true"}}, []string{lateRoad, lateWater, soon, far}},
			{"due and overdue", url.Values{"sort": {"due"}, "overdue": {"true"}}, []string{lateRoad, lateWater}},
		} {
			if got := list(office, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// The first due page marks overdue orders as such.
		r := e.Get("/api/v1/orders?sort=due&limit=3", office)
		apitest.Expect(t, r, http.StatusOK)
		var overdue []bool
		for _, it := range r.Map(t)["items"].([]any) {
			overdue = append(overdue, it.(map[string]any)["overdue"].(bool))
		}
		if !slices.Equal(overdue, []bool{true, true, false}) {
			t.Errorf("overdue flags %v", overdue)
		}
		// Scope holds under the new filters.
		if got := list(w.otherContractor, url.Values{"sort": {"due"}}); len(got) != 0 {
			t.Errorf("Unit B's contractor sees %v", got)
		}
		if got := list(w.tok[auth.RoleContractor], url.Values{"sort": {"due"}, "open": {"true"}}); len(got) != 4 {
			t.Errorf("Unit A's contractor sees %v", got)
		}
		// Refusals: unknown sort or category, a cursor of the other order.
		newest := e.Get("/api/v1/orders?limit=1", office)
		apitest.Expect(t, newest, http.StatusOK)
		for _, q := range []string{"sort=oldest", "category=bridge", "sort=due&cursor=" + newest.Map(t)["next_cursor"].(string),
			"open=maybe"} {
			apitest.Expect(t, e.Get("/api/v1/orders?"+q, office), http.StatusBadRequest)
		}
	})
}
