package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// TestWritesAreAuditedInOneChain: project and user writes through the API
// each leave an entry naming actor, role, action and request id, and the
// chain verifies.
func TestWritesAreAuditedInOneChain(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		admin := e.CreateUser("chief", auth.RoleAdmin, "", "")
		tok := e.Login("chief")
		r := e.Post("/api/v1/projects", tok, map[string]any{"code": "A-1", "name": "Audited road", "category": "road",
			"township": "Qingshan", "responsible_unit": "Unit A", "planned_start": "2026-01-01", "planned_end": "2026-12-31",
			"target_quantity": 10, "target_unit": "km"})
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + id, Token: tok,
			Body: map[string]any{"name": "Audited road, widened"}}), http.StatusOK)
		apitest.Expect(t, e.Post("/api/v1/projects/"+id+"/status", tok, map[string]any{"status": "under_construction"}), http.StatusOK)
		apitest.Expect(t, e.Post("/api/v1/projects/"+id+"/progress", tok, map[string]any{"date": "2026-06-01", "quantity": 4}), http.StatusCreated)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/projects/import", Token: tok, Content: "text/csv",
			Body: "code,name,category,township,responsible_unit\nA-2,Imported,road,Qingshan,Unit A\nA-3,Imported too,school,Qingshan,Unit A\n"}),
			http.StatusCreated)

		entries, err := e.Server.Audit.List(context.Background(), audit.Filter{EntityID: id, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
			if en.ActorID != admin.ID || en.ActorRole != "admin" || en.RequestID == "" {
				t.Errorf("entry %+v lacks actor or request id", en)
			}
		}
		want := []string{"project.progress", "project.status", "project.update", "project.create"}
		if len(actions) != len(want) {
			t.Fatalf("actions %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("actions %v, want %v", actions, want)
			}
		}
		if upd := entries[2].Changes; upd != `{"name":["Audited road","Audited road, widened"]}` {
			t.Errorf("update changes %s", upd)
		}
		page := e.Get("/api/v1/audit?entity=project&entity_id="+id+"&limit=2", tok)
		apitest.Expect(t, page, http.StatusOK)
		m := page.Map(t)
		if items := m["items"].([]any); len(items) != 2 || m["next_cursor"] == nil {
			t.Fatalf("audit page: %s", page.Body)
		}
		next := e.Get("/api/v1/audit?entity=project&entity_id="+id+"&cursor="+m["next_cursor"].(string), tok)
		apitest.Expect(t, next, http.StatusOK)
		if items := next.Map(t)["items"].([]any); len(items) != 2 || items[1].(map[string]any)["action"] != "project.create" {
			t.Fatalf("second audit page: %s", next.Body)
		}
		rep, err := e.Server.Audit.Verify(context.Background())
		if err != nil || rep.Problem != nil || rep.Entries < 7 { // user.create + 4 + 2 imports
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// Checks, their photos, and the office's townships and units are written
// with an audit entry too; the chain still verifies.
func TestCheckPhotoAndOrgWritesAreAudited(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleOffice]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, vol, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0021.jpg")), http.StatusCreated)
		r := e.Post("/api/v1/townships", office, map[string]any{"name": "Baishui"})
		apitest.Expect(t, r, http.StatusCreated)
		township := r.Map(t)["id"].(string)
		r = e.Post("/api/v1/units", office, map[string]any{"name": "County Water Bureau", "kind": "bureau"})
		apitest.Expect(t, r, http.StatusCreated)
		unit := r.Map(t)["id"].(string)
		for entity, id := range map[string]string{"check": b["id"].(string), "photo": photoID, "township": township, "unit": unit} {
			entries, err := e.Server.Audit.List(context.Background(), audit.Filter{Entity: entity, EntityID: id, Limit: 5})
			if err != nil || len(entries) != 1 || entries[0].ActorID == "" || entries[0].RequestID == "" {
				t.Errorf("%s %s: %+v %v", entity, id, entries, err)
			}
		}
		if rep, err := e.Server.Audit.Verify(context.Background()); err != nil || rep.Problem != nil {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}
