package server_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// TestVolunteersOnOneRoadSeeOnlyTheirOwn: two volunteers appointed to the
// same road are villagers who should not read each other's reports, nor the
// inspector's. Through every route that reads a check or its photos, by id,
// by list, by project and by sync, each volunteer meets the other's check
// and photos as if they did not exist, and neither may add evidence to it;
// their own stay readable.
func TestVolunteersOnOneRoadSeeOnlyTheirOwn(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		second := e.CreateUser("volunteer3", auth.RoleVolunteer, "", "JT-0003")
		if _, _, err := e.Server.Projects.Assign(context.Background(), w.users[auth.RoleAdmin].Principal(), w.road,
			projects.NewAssignment{UserID: second.ID}); err != nil {
			t.Fatal(err)
		}
		type filed struct{ tok, check, photo string }
		file := func(tok string) filed {
			t.Helper()
			f := filed{tok: tok, photo: uuid.NewString()}
			b := w.check(w.road)
			b["photo_ids"] = []string{f.photo}
			f.check = b["id"].(string)
			apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
			apitest.Expect(t, uploadPhoto(t, e, tok, f.check, f.photo, readPhoto(t, "gps/DSCN0010.jpg")), http.StatusCreated)
			return f
		}
		a, b := file(w.tok[auth.RoleVolunteer]), file(e.Login("volunteer3"))
		insp := file(w.tok[auth.RoleInspector])

		for _, c := range []struct {
			name   string
			me     filed
			others []filed
		}{{"first volunteer", a, []filed{b, insp}}, {"second volunteer", b, []filed{a, insp}}} {
			// Their own check and photo: readable.
			apitest.Expect(t, e.Get("/api/v1/checks/"+c.me.check, c.me.tok), http.StatusOK)
			apitest.Expect(t, e.Get("/api/v1/photos/"+c.me.photo, c.me.tok), http.StatusOK)
			for _, o := range c.others {
				for _, path := range []string{"/api/v1/checks/" + o.check, "/api/v1/checks/" + o.check + "/photos",
					"/api/v1/photos/" + o.photo, "/api/v1/photos/" + o.photo + "/original",
					"/api/v1/photos/" + o.photo + "/thumbnail"} {
					if r := e.Get(path, c.me.tok); r.Status != http.StatusNotFound {
						t.Errorf("%s: GET %s = %d, want 404: %.200q", c.name, path, r.Status, r.Body)
					}
				}
				if r := uploadPhoto(t, e, c.me.tok, o.check, uuid.NewString(), readPhoto(t, "gps/DSCN0021.jpg")); r.Status != http.StatusNotFound {
					t.Errorf("%s: upload to another's check = %d, want 404", c.name, r.Status)
				}
			}
			for _, path := range []string{"/api/v1/checks", "/api/v1/projects/" + w.road + "/checks"} {
				r := e.Get(path, c.me.tok)
				apitest.Expect(t, r, http.StatusOK)
				var ids []string
				for _, it := range r.Map(t)["items"].([]any) {
					ids = append(ids, it.(map[string]any)["id"].(string))
				}
				if !slices.Equal(ids, []string{c.me.check}) {
					t.Errorf("%s: %s lists %v, want only %s", c.name, path, ids, c.me.check)
				}
			}
			items, _ := syncAll(t, e, c.me.tok, "", 50)
			var synced []string
			for _, it := range byKind(items, "check") {
				if it.Op != "delete" {
					synced = append(synced, it.ID)
				}
			}
			if !slices.Equal(synced, []string{c.me.check}) {
				t.Errorf("%s: sync carries checks %v, want only %s", c.name, synced, c.me.check)
			}
		}
		// Staff still see all three: the rule narrows volunteers only.
		if n := len(e.Get("/api/v1/projects/"+w.road+"/checks", w.tok[auth.RoleOffice]).Map(t)["items"].([]any)); n != 3 {
			t.Errorf("office sees %d checks on the road, want 3", n)
		}
	})
}
