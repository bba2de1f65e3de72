package checkapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

func TestChecklistVersioning(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		e.CreateUser("inspector1", auth.RoleInspector, "", "")
		office, inspector := e.Login("office1"), e.Login("inspector1")

		var list struct {
			Items []struct {
				Type    string `json:"type"`
				Version int    `json:"version"`
			} `json:"items"`
		}
		r := e.Get("/api/v1/checklists", inspector)
		apitest.Expect(t, r, http.StatusOK)
		r.JSON(t, &list)
		if len(list.Items) != 7 {
			t.Fatalf("seeded %d templates, want 7", len(list.Items))
		}

		body := map[string]any{"title": "Concrete mix 2027", "items": []map[string]any{
			{"key": "slump_mm", "label": "Slump", "type": "number", "required": true, "unit": "mm", "min": 10, "max": 70},
		}}
		apitest.Expect(t, e.Post("/api/v1/checklists/concrete_mix", inspector, body), http.StatusForbidden)
		r = e.Post("/api/v1/checklists/concrete_mix", office, body)
		apitest.Expect(t, r, http.StatusCreated)
		if v := r.Map(t)["version"]; v != float64(2) {
			t.Fatalf("new version %v, want 2", v)
		}
		// v1 is unchanged and still served.
		r = e.Get("/api/v1/checklists/concrete_mix/versions/1", inspector)
		apitest.Expect(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), `"mix_matches_design"`) {
			t.Fatalf("v1 changed: %s", r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/checklists/concrete_mix/versions/3", inspector), http.StatusNotFound)

		bad := map[string]any{"title": "x", "items": []map[string]any{{"key": "Bad Key", "label": "", "type": "slider", "required": true}}}
		r = e.Post("/api/v1/checklists/safety", office, bad)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		for _, f := range []string{"items[0].key", "items[0].label", "items[0].type"} {
			if !strings.Contains(string(r.Body), `"`+f+`"`) {
				t.Errorf("422 does not name %s: %s", f, r.Body)
			}
		}
	})
}
