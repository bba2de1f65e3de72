package server_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

func TestReturnedCheckIsAmendedAndBothKept(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		insp, office := w.tok[auth.RoleInspector], w.tok[auth.RoleOffice]
		first := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", insp, first), http.StatusCreated)
		id := first["id"].(string)

		// Only the office returns, with a note, once.
		note := map[string]any{"note": "photo of the slump cone missing; measure again"}
		apitest.Expect(t, e.Post("/api/v1/checks/"+id+"/return", insp, note), http.StatusForbidden)
		apitest.Expect(t, e.Post("/api/v1/checks/"+id+"/return", office, map[string]any{"note": " "}), http.StatusUnprocessableEntity)
		r := e.Post("/api/v1/checks/"+id+"/return", office, note)
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["state"] != "returned" || m["returned"].(map[string]any)["note"] != note["note"] {
			t.Fatalf("returned: %v", m)
		}
		apitest.Expect(t, e.Post("/api/v1/checks/"+id+"/return", office, note), http.StatusConflict)

		// The author's phone finds it on its next sync of its own checks.
		items := e.Get("/api/v1/checks?state=returned", insp).Map(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Fatalf("returned list %v", items)
		}

		// Someone else cannot amend it; the author can, once.
		amended := w.check(w.road)
		amended["supersedes"] = id
		apitest.Expect(t, e.Post("/api/v1/checks", office, amended), http.StatusUnprocessableEntity)
		r = e.Post("/api/v1/checks", insp, amended)
		apitest.Expect(t, r, http.StatusCreated)
		if m := r.Map(t); m["supersedes"] != id || m["state"] != "filed" {
			t.Fatalf("amendment %v", m)
		}
		// A retry of the amendment is the same check, not a second one.
		apitest.Expect(t, e.Post("/api/v1/checks", insp, amended), http.StatusOK)
		again := w.check(w.road)
		again["supersedes"] = id
		apitest.Expect(t, e.Post("/api/v1/checks", insp, again), http.StatusUnprocessableEntity)

		old := e.Get("/api/v1/checks/"+id, office).Map(t)
		if old["state"] != "superseded" || old["superseded_by"] != amended["id"] {
			t.Fatalf("old check %v", old)
		}
		if n := len(e.Get("/api/v1/checks?project_id="+w.road, office).Map(t)["items"].([]any)); n != 2 {
			t.Errorf("%d checks kept, want both", n)
		}
		if n := len(e.Get("/api/v1/checks?state=returned", insp).Map(t)["items"].([]any)); n != 0 {
			t.Errorf("%d still returned after the amendment", n)
		}
		// Another type or project cannot amend.
		bad := w.check(w.school)
		bad["supersedes"] = amended["id"]
		apitest.Expect(t, e.Post("/api/v1/checks", insp, bad), http.StatusUnprocessableEntity)
		bad["supersedes"] = uuid.NewString()
		apitest.Expect(t, e.Post("/api/v1/checks", insp, bad), http.StatusUnprocessableEntity)
	})
}

func TestReviewQueueOfFlaggedChecksAndPhotos(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleOffice]
		// Off site (300 m north of the road), with a photo taken in Italy.
		b := w.check(w.road)
		b["location"] = map[string]any{"lat": 28.2027, "lon": 112.905, "accuracy_m": 5}
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		id := b["id"].(string)
		apitest.Expect(t, uploadPhoto(t, e, vol, id, photoID, readPhoto(t, "gps/DSCN0010.jpg")), http.StatusCreated)
		// A clean check stays out of the queue.
		apitest.Expect(t, e.Post("/api/v1/checks", vol, w.check(w.road)), http.StatusCreated)

		queue := func() []any {
			t.Helper()
			r := e.Get("/api/v1/review-queue", office)
			apitest.Expect(t, r, http.StatusOK)
			return r.Map(t)["items"].([]any)
		}
		q := queue()
		if len(q) != 1 {
			t.Fatalf("queue %v", q)
		}
		if p := q[0].(map[string]any)["pending"].([]any); len(p) != 2 {
			t.Fatalf("pending %v", p)
		}
		apitest.Expect(t, e.Get("/api/v1/review-queue", w.tok[auth.RoleInspector]), http.StatusForbidden)

		decide := func(tok, path, decision string) apitest.Response {
			return e.Post(path, tok, map[string]any{"decision": decision, "reason": "checked with the inspector by phone"})
		}
		apitest.Expect(t, decide(w.tok[auth.RoleInspector], "/api/v1/checks/"+id+"/flag-decision", "accepted"), http.StatusForbidden)
		apitest.Expect(t, decide(office, "/api/v1/checks/"+id+"/flag-decision", "maybe"), http.StatusUnprocessableEntity)
		apitest.Expect(t, decide(office, "/api/v1/checks/"+id+"/flag-decision", "accepted"), http.StatusCreated)
		apitest.Expect(t, decide(office, "/api/v1/checks/"+id+"/flag-decision", "rejected"), http.StatusConflict)
		q = queue()
		if len(q) != 1 || len(q[0].(map[string]any)["pending"].([]any)) != 1 {
			t.Fatalf("after the check's decision: %v", q)
		}
		apitest.Expect(t, decide(office, "/api/v1/photos/"+photoID+"/flag-decision", "rejected"), http.StatusCreated)
		if q = queue(); len(q) != 0 {
			t.Fatalf("queue not empty after both decisions: %v", q)
		}
		apitest.Expect(t, decide(office, "/api/v1/photos/"+uuid.NewString()+"/flag-decision", "rejected"), http.StatusNotFound)
	})
}
