package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// The review queue narrows by flag (a check's own or a photo's, still to
// decide), project, township, unit, author and capture date, and refuses
// a flag it does not know.
func TestReviewQueueFilters(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, insp, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleInspector], w.tok[auth.RoleOffice]
		// On the road (Qingshan, Unit A), by the volunteer: off site, with a
		// photo taken in Italy (gps_mismatch on the photo).
		road := w.check(w.road)
		road["location"] = map[string]any{"lat": 28.2027, "lon": 112.905, "accuracy_m": 5}
		photoID := uuid.NewString()
		road["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, road), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, vol, road["id"].(string), photoID, readPhoto(t, "gps/DSCN0010.jpg")), http.StatusCreated)
		// At the school (Qingshan, Unit B), by the inspector: off site only,
		// captured three days ago.
		school := w.check(w.school)
		school["captured_at"] = time.Now().Add(-72 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)
		apitest.Expect(t, e.Post("/api/v1/checks", insp, school), http.StatusCreated)
		roadID, schoolID := road["id"].(string), school["id"].(string)

		ids := func(query url.Values) []string {
			t.Helper()
			r := e.Get("/api/v1/review-queue?"+query.Encode(), office)
			apitest.Expect(t, r, http.StatusOK)
			var out []string
			for _, it := range r.Map(t)["items"].([]any) {
				out = append(out, it.(map[string]any)["check"].(map[string]any)["id"].(string))
			}
			return out
		}
		day := time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)
		for name, c := range map[string]struct {
			q    url.Values
			want []string
		}{
			"all":                 {url.Values{}, []string{schoolID, roadID}},
			"photo flag":          {url.Values{"flag": {"gps_mismatch"}}, []string{roadID}},
			"check flag":          {url.Values{"flag": {"off_site"}}, []string{schoolID, roadID}},
			"flag nobody has":     {url.Values{"flag": {"duplicate"}}, nil},
			"project":             {url.Values{"project_id": {w.school}}, []string{schoolID}},
			"township":            {url.Values{"township": {"Qingshan"}}, []string{schoolID, roadID}},
			"other township":      {url.Values{"township": {"Hetang"}}, nil},
			"unit":                {url.Values{"unit": {"Unit A"}}, []string{roadID}},
			"township and unit":   {url.Values{"township": {"Qingshan"}, "unit": {"Unit B"}}, []string{schoolID}},
			"author":              {url.Values{"author_id": {w.users[auth.RoleInspector].ID}}, []string{schoolID}},
			"from":                {url.Values{"from": {day}}, []string{roadID}},
			"to":                  {url.Values{"to": {day}}, []string{schoolID}},
			"flag and unit":       {url.Values{"flag": {"gps_mismatch"}, "unit": {"Unit B"}}, nil},
			"paged, first of two": {url.Values{"limit": {"1"}}, []string{schoolID}},
		} {
			got := ids(c.q)
			if len(got) != len(c.want) {
				t.Errorf("%s: queue %v, want %v", name, got, c.want)
				continue
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s: queue %v, want %v", name, got, c.want)
					break
				}
			}
		}
		// The second page follows the cursor.
		r := e.Get("/api/v1/review-queue?limit=1", office)
		next, _ := r.Map(t)["next_cursor"].(string)
		if next == "" {
			t.Fatalf("no next cursor: %s", r.Body)
		}
		if got := ids(url.Values{"limit": {"1"}, "cursor": {next}}); len(got) != 1 || got[0] != roadID {
			t.Errorf("second page %v", got)
		}
		// A decided photo flag no longer matches its filter.
		apitest.Expect(t, e.Post("/api/v1/photos/"+photoID+"/flag-decision", office,
			map[string]any{"decision": "accepted", "reason": "taken on site; camera clock wrong"}), http.StatusCreated)
		if got := ids(url.Values{"flag": {"gps_mismatch"}}); len(got) != 0 {
			t.Errorf("decided photo flag still filtered in: %v", got)
		}
		apitest.Expect(t, e.Get("/api/v1/review-queue?flag=sunburn", office), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/review-queue?colour=red", office), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/review-queue?township=Qingshan", insp), http.StatusForbidden)
	})
}
