package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// The sync reads a page's orders in one batch; each order it carries must
// be the order as GET /orders/{id} shows it to the same caller: the same
// view (notes, actors), timeline, responses and their photos, and
// missing photos — and none the caller may not see.
func TestSyncOrdersAreTheOrdersAsRead(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		var ids []string
		for i := range 3 {
			chk := w.fileCheck(t, auth.RoleInspector, "safety", failedSafetyAnswers(), nil, time.Now().Add(-2*time.Hour))
			r := e.Post("/api/v1/orders", w.tok[auth.RoleInspector], map[string]any{"check_id": chk, "severity": "major",
				"defect": "No fence", "required_action": "Fence the site", "notes": "internal note"})
			apitest.Expect(t, r, http.StatusCreated)
			id := r.Map(t)["id"].(string)
			ids = append(ids, id)
			if i == 0 {
				continue
			}
			w.act(t, auth.RoleContractor, id, "acknowledge", nil, http.StatusOK)
			// One response with its photo stored, one with its photo still
			// missing.
			p := uuid.NewString()
			m := w.act(t, auth.RoleContractor, id, "responses", map[string]any{"text": "Fence put up", "photo_ids": []string{p}},
				http.StatusCreated)
			if i == 1 {
				rid := m["responses"].([]any)[0].(map[string]any)["id"].(string)
				apitest.Expect(t, uploadResponsePhoto(t, e, w.tok[auth.RoleContractor], id, rid, p, readPhoto(t, "gps/DSCN0010.jpg")),
					http.StatusCreated)
			}
		}
		callers := map[string]string{"office": w.tok[auth.RoleOffice], "inspector": w.tok[auth.RoleInspector],
			"contractor": w.tok[auth.RoleContractor], "volunteer": w.tok[auth.RoleVolunteer],
			"other unit's contractor": w.otherContractor, "other road's volunteer": w.otherVolunteer}
		for who, tok := range callers {
			items, _ := syncAll(t, e, tok, "", 2) // small pages: orders split across them
			got := map[string]map[string]any{}
			for _, it := range byKind(items, "order") {
				if it.Op == "upsert" {
					got[it.ID] = it.Order
				}
			}
			for _, id := range ids {
				r := e.Get("/api/v1/orders/"+id, tok)
				if r.Status == http.StatusNotFound {
					if _, ok := got[id]; ok {
						t.Errorf("%s: sync carries order %s, which GET answers 404", who, id)
					}
					continue
				}
				apitest.Expect(t, r, http.StatusOK)
				want, _ := json.Marshal(r.Map(t))
				have, _ := json.Marshal(got[id])
				if string(want) != string(have) {
					t.Errorf("%s: order %s\nsync %s\nGET  %s", who, id, have, want)
				}
			}
		}
	})
}
