package server_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// checkWorld is a small county: a road with a route (volunteer assigned),
// a school with a point, and one user of each role.
type checkWorld struct {
	e                 *apitest.Env
	road, school      string
	tok               map[auth.Role]string
	users             map[auth.Role]auth.User
	otherVolunteerTok string
}

// The road runs east 0.01° along 28.2°N, then north 0.01°.
var roadRoute = [][]float64{{112.900, 28.200}, {112.910, 28.200}, {112.910, 28.210}}

func newCheckWorld(t *testing.T, e *apitest.Env) *checkWorld {
	t.Helper()
	w := &checkWorld{e: e, tok: map[auth.Role]string{}, users: map[auth.Role]auth.User{}}
	for _, r := range all {
		w.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
			map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		w.tok[r] = e.Login(w.users[r].Username)
	}
	e.CreateUser("volunteer2", auth.RoleVolunteer, "", "JT-0002")
	w.otherVolunteerTok = e.Login("volunteer2")
	admin := w.users[auth.RoleAdmin].Principal()
	geofence := 100
	road, err := e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
		Code: "R-1", Name: "Shizi village road", Category: projects.CatRoad, Township: "Qingshan", Unit: "Unit A",
		Route: &projects.GeoLine{Type: "LineString", Coordinates: roadRoute}, GeofenceM: &geofence})
	if err != nil {
		t.Fatal(err)
	}
	school, err := e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
		Code: "S-1", Name: "Qingshan school", Category: projects.CatSchool, Township: "Qingshan", Unit: "Unit B",
		Location: &projects.Point{Lat: 28.3, Lon: 112.8}, GeofenceM: &geofence})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Server.Projects.Assign(context.Background(), admin, road.ID,
		projects.NewAssignment{UserID: w.users[auth.RoleVolunteer].ID}); err != nil {
		t.Fatal(err)
	}
	w.road, w.school = road.ID, school.ID
	return w
}

// check is a progress check on the road's first vertex, captured an hour ago
// in China Standard Time.
func (w *checkWorld) check(project string) map[string]any {
	return map[string]any{"id": uuid.NewString(), "project_id": project, "type": "progress", "template_version": 1,
		"answers":     map[string]any{"percent_complete": 40, "note": "base course laid"},
		"location":    map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 6},
		"captured_at": time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)}
}

func fields(t *testing.T, r apitest.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.JSON(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestCheckFilingIsIdempotent(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		body := w.check(w.road)
		first := e.Post("/api/v1/checks", w.tok[auth.RoleInspector], body)
		apitest.Expect(t, first, http.StatusCreated)
		got := first.Map(t)
		if got["result"] != "pass" || got["status"] != "complete" || got["captured_at"] != body["captured_at"] {
			t.Fatalf("check %v", got)
		}

		// A retry after a lost answer: 200, the same check, nothing new.
		again := e.Post("/api/v1/checks", w.tok[auth.RoleInspector], body)
		apitest.Expect(t, again, http.StatusOK)
		if !bytes.Equal(first.Body, again.Body) {
			t.Errorf("retry answered differently:\n%s\n%s", first.Body, again.Body)
		}
		// The same id with another body is refused.
		changed := w.check(w.road)
		changed["id"], changed["notes"] = body["id"], "second thoughts"
		r := e.Post("/api/v1/checks", w.tok[auth.RoleInspector], changed)
		apitest.Expect(t, r, http.StatusConflict)
		if r.Map(t)["code"] != "id_reused" {
			t.Errorf("code %s", r.Body)
		}
		// Another user cannot take over the id either.
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleOffice], body), http.StatusConflict)

		// Ten concurrent retries of a new check: one 201, nine 200, one row.
		body = w.check(w.road)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for range 10 {
			wg.Go(func() {
				r := e.Post("/api/v1/checks", w.tok[auth.RoleInspector], body)
				mu.Lock()
				codes[r.Status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[http.StatusCreated] != 1 || codes[http.StatusOK] != 9 {
			t.Errorf("status counts %v, want one 201 and nine 200", codes)
		}
		list := e.Get("/api/v1/projects/"+w.road+"/checks", w.tok[auth.RoleOffice])
		apitest.Expect(t, list, http.StatusOK)
		if n := len(list.Map(t)["items"].([]any)); n != 2 {
			t.Errorf("%d checks on the road, want 2", n)
		}
	})
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		key := map[string]string{"Idempotency-Key": uuid.NewString()}
		body := w.check(w.road)
		first := e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Token: w.tok[auth.RoleInspector], Body: body, Header: key})
		apitest.Expect(t, first, http.StatusCreated)
		// The key answers the first response (201, same body), even though
		// the check id alone would have answered 200.
		again := e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Token: w.tok[auth.RoleInspector], Body: body, Header: key})
		apitest.Expect(t, again, http.StatusCreated)
		if !bytes.Equal(first.Body, again.Body) {
			t.Errorf("replay differs:\n%s\n%s", first.Body, again.Body)
		}
		other := e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Token: w.tok[auth.RoleInspector],
			Body: w.check(w.road), Header: key})
		apitest.Expect(t, other, http.StatusConflict)
	})
}

func TestCheckValidation(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleInspector]

		// Answers that do not fit the template: every field named at once.
		b := w.check(w.road)
		b["type"] = "concrete_mix"
		b["answers"] = map[string]any{"slump_mm": "wet", "strength_grade": "C10", "colour": "grey"}
		r := e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		got := fields(t, r)
		for _, f := range []string{"answers.colour", "answers.slump_mm", "answers.strength_grade", "answers.mix_matches_design",
			"answers.thickness_cm", "answers.width_m", "answers.curing", "answers.joints_cut"} {
			if !slices.Contains(got, f) {
				t.Errorf("%s not named in %v", f, got)
			}
		}

		b = w.check(w.road)
		b["location"] = map[string]any{"lat": 91, "lon": -181, "accuracy_m": 5}
		b["captured_at"] = time.Now().Add(time.Hour).Format(time.RFC3339)
		r = e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		got = fields(t, r)
		for _, f := range []string{"location.lat", "location.lon", "captured_at"} {
			if !slices.Contains(got, f) {
				t.Errorf("%s not named in %v", f, got)
			}
		}

		b = w.check(w.road)
		b["captured_at"] = "2026-05-01 09:30"
		b["template_version"] = 99
		apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusUnprocessableEntity)

		// The client cannot set what the server computes.
		b = w.check(w.road)
		b["result"] = "pass"
		r = e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusBadRequest)

		b = w.check(uuid.NewString())
		r = e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if !slices.Contains(fields(t, r), "project_id") {
			t.Errorf("unknown project: %s", r.Body)
		}
	})
}

func TestWhoMayFileChecks(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		// A volunteer on a project not assigned to them: a project they may
		// not see, answered as an unknown one (no existence oracle).
		for _, r := range []apitest.Response{e.Post("/api/v1/checks", w.tok[auth.RoleVolunteer], w.check(w.school)),
			e.Post("/api/v1/checks", w.otherVolunteerTok, w.check(w.road))} {
			apitest.Expect(t, r, http.StatusUnprocessableEntity)
			if !slices.Contains(fields(t, r), "project_id") {
				t.Errorf("project not seen: %s", r.Body)
			}
		}
		// On their own road, only the types open to volunteers.
		b := w.check(w.road)
		b["type"], b["answers"] = "post_completion", map[string]any{"in_use": true, "functioning": true,
			"maintained": true, "keeper_and_rules": true, "damage_found": false}
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleVolunteer], b), http.StatusForbidden)
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleInspector], b), http.StatusCreated)
		// Contractors file none, not even on their own unit's road.
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleContractor], w.check(w.road)), http.StatusForbidden)

		mine := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleVolunteer], mine), http.StatusCreated)
		// Volunteers read their own checks only; the unit's contractor reads
		// every check on its road.
		own := e.Get("/api/v1/checks", w.tok[auth.RoleVolunteer]).Map(t)["items"].([]any)
		if len(own) != 1 || own[0].(map[string]any)["id"] != mine["id"] {
			t.Errorf("volunteer list %v", own)
		}
		if n := len(e.Get("/api/v1/checks", w.tok[auth.RoleContractor]).Map(t)["items"].([]any)); n != 2 {
			t.Errorf("contractor sees %d checks, want 2", n)
		}
		apitest.Expect(t, e.Get("/api/v1/checks/"+mine["id"].(string), w.otherVolunteerTok), http.StatusNotFound)
		apitest.Expect(t, e.Get("/api/v1/projects/"+w.school+"/checks", w.tok[auth.RoleVolunteer]), http.StatusNotFound)
	})
}

func TestCheckFlagsAndChainage(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleInspector]
		// Beside the second (northbound) segment, ~49 m east of it: on
		// site, right of the direction of travel.
		p := geo.Point{Lat: 28.205, Lon: 112.9105}
		b := w.check(w.road)
		b["location"] = map[string]any{"lat": p.Lat, "lon": p.Lon, "accuracy_m": 5}
		r := e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusCreated)
		var c struct {
			Flags     []string
			Placement *struct {
				ChainageM float64 `json:"chainage_m"`
				Chainage  string
				OffsetM   float64 `json:"offset_m"`
				Side      string
			}
		}
		r.JSON(t, &c)
		first := geo.Distance(geo.Point{Lat: 28.2, Lon: 112.9}, geo.Point{Lat: 28.2, Lon: 112.91})
		along := geo.Distance(geo.Point{Lat: 28.2, Lon: 112.91}, geo.Point{Lat: 28.205, Lon: 112.91})
		across := geo.Distance(geo.Point{Lat: 28.205, Lon: 112.91}, p)
		if len(c.Flags) != 0 || c.Placement == nil {
			t.Fatalf("flags %v placement %v", c.Flags, c.Placement)
		}
		want := first + along
		if math.Abs(c.Placement.ChainageM-want) > 3 || c.Placement.Side != "right" || math.Abs(c.Placement.OffsetM-across) > 2 ||
			c.Placement.Chainage != fmt.Sprintf("K%d+%03d", int(math.Round(want))/1000, int(math.Round(want))%1000) {
			t.Errorf("placement %+v, want chainage %.0f m right, offset %.0f m", *c.Placement, want, across)
		}

		// North of the first (eastbound) segment is its left; 300 m away is
		// off site. A 60 m fix is low accuracy; four days late is late.
		b = w.check(w.road)
		b["location"] = map[string]any{"lat": 28.2027, "lon": 112.905, "accuracy_m": 60}
		b["captured_at"] = time.Now().Add(-96 * time.Hour).Format(time.RFC3339)
		r = e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusCreated)
		r.JSON(t, &c)
		if !slices.Equal(c.Flags, []string{"off_site", "low_accuracy", "late_submission"}) || c.Placement.Side != "left" {
			t.Errorf("flags %v placement %+v", c.Flags, c.Placement)
		}
		// A point project: distance to the point.
		b = w.check(w.school)
		b["location"] = map[string]any{"lat": 28.3, "lon": 112.8005, "accuracy_m": 5}
		r = e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusCreated)
		if m := r.Map(t); len(m["flags"].([]any)) != 0 || m["placement"] != nil {
			t.Errorf("school check %v", m)
		}

		list := e.Get("/api/v1/checks?flag=off_site", w.tok[auth.RoleOffice]).Map(t)["items"].([]any)
		if len(list) != 1 {
			t.Errorf("off_site list has %d checks, want 1", len(list))
		}
	})
}

func TestCheckListFiltersAndPages(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleInspector]
		for i := range 5 {
			b := w.check(w.road)
			if i%2 == 0 {
				b["answers"] = map[string]any{"percent_complete": -1} // out of range: fails
			}
			apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
		}
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleOffice], w.check(w.school)), http.StatusCreated)

		var seen []string
		cursor := ""
		for page := 0; ; page++ {
			path := "/api/v1/checks?project_id=" + w.road + "&limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			m := e.Get(path, w.tok[auth.RoleOffice]).Map(t)
			for _, it := range m["items"].([]any) {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			if m["next_cursor"] == nil {
				break
			}
			cursor = m["next_cursor"].(string)
			if page > 5 {
				t.Fatal("pages do not end")
			}
		}
		if len(seen) != 5 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 5 {
			t.Errorf("paged through %v", seen)
		}
		fails := e.Get("/api/v1/checks?result=fail&type=progress", w.tok[auth.RoleOffice]).Map(t)["items"].([]any)
		if len(fails) != 3 {
			t.Errorf("%d failed checks, want 3", len(fails))
		}
		mine := e.Get("/api/v1/checks?author_id="+w.users[auth.RoleOffice].ID, w.tok[auth.RoleOffice]).Map(t)["items"].([]any)
		if len(mine) != 1 {
			t.Errorf("%d checks by the office, want 1", len(mine))
		}
		from := time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339)
		if n := len(e.Get("/api/v1/checks?from="+from, w.tok[auth.RoleOffice]).Map(t)["items"].([]any)); n != 0 {
			t.Errorf("%d checks captured in the last 30 minutes, want 0", n)
		}
		for _, bad := range []string{"?result=maybe", "?flag=odd", "?limit=0", "?cursor=zzz", "?colour=red", "?from=yesterday"} {
			apitest.Expect(t, e.Get("/api/v1/checks"+bad, w.tok[auth.RoleOffice]), http.StatusBadRequest)
		}
	})
}

func readPhoto(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func uploadPhoto(t *testing.T, e *apitest.Env, tok, checkID, photoID string, data []byte) apitest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("photo_id", photoID)
	fw, _ := mw.CreateFormFile("file", "IMG_0001.jpg")
	_, _ = fw.Write(data)
	_ = mw.Close()
	return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + checkID + "/photos", Token: tok,
		Body: b.Bytes(), Content: mw.FormDataContentType()})
}

func TestCheckIncompleteUntilLastAnnouncedPhoto(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleVolunteer]
		banner, board, notice, extra := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
		b := w.check(w.road)
		b["type"] = "signage"
		b["answers"] = map[string]any{"banner": true, "banner_photo": []string{banner}, "sign_board": true,
			"sign_board_photo": []string{board}, "notice_board": false, "notice_board_photo": []string{notice}}
		b["photo_ids"] = []string{extra}
		r := e.Post("/api/v1/checks", tok, b)
		apitest.Expect(t, r, http.StatusCreated)
		id := b["id"].(string)
		status := func() (string, []any) {
			m := e.Get("/api/v1/checks/"+id, w.tok[auth.RoleOffice]).Map(t)
			return m["status"].(string), m["missing_photo_ids"].([]any)
		}
		if m := r.Map(t); m["result"] != "fail" || m["status"] != "incomplete" {
			t.Fatalf("filed %v", m)
		}
		files := []string{"gps/DSCN0010.jpg", "gps/DSCN0021.jpg", "gps/DSCN0029.jpg", "orientation/landscape_1.jpg"}
		for i, pid := range []string{extra, banner, board, notice} {
			st, missing := status()
			if st != "incomplete" || len(missing) != 4-i {
				t.Fatalf("before photo %d: %s, missing %v", i, st, missing)
			}
			apitest.Expect(t, uploadPhoto(t, e, tok, id, pid, readPhoto(t, files[i])), http.StatusCreated)
		}
		if st, missing := status(); st != "complete" || len(missing) != 0 {
			t.Fatalf("after the last photo: %s, missing %v", st, missing)
		}
		// The list says the same.
		items := e.Get("/api/v1/projects/"+w.road+"/checks?type=signage", tok).Map(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["status"] != "complete" {
			t.Errorf("list %v", items)
		}
	})
}

func TestPhotosThroughTheAPI(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
		checkID := b["id"].(string)

		// Ten concurrent retries of one photo: one 201, the rest 200, one photo.
		data := readPhoto(t, "gps/DSCN0010.jpg")
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for range 10 {
			wg.Go(func() {
				r := uploadPhoto(t, e, tok, checkID, photoID, data)
				mu.Lock()
				codes[r.Status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[http.StatusCreated] != 1 || codes[http.StatusOK] != 9 {
			t.Errorf("status counts %v, want one 201 and nine 200", codes)
		}
		list := e.Get("/api/v1/checks/"+checkID+"/photos", tok).Map(t)["items"].([]any)
		if len(list) != 1 {
			t.Fatalf("%d photos, want 1", len(list))
		}
		ph := list[0].(map[string]any)
		// DSCN0010 was taken in Tuscany in 2008: far from the road and long
		// before the check.
		flags := ph["flags"].(map[string]any)
		if flags["gps_mismatch"] == nil || flags["time_mismatch"] == nil {
			t.Errorf("flags %v", flags)
		}
		if items := e.Get("/api/v1/checks?flag=gps_mismatch", w.tok[auth.RoleOffice]).Map(t)["items"].([]any); len(items) != 1 {
			t.Errorf("gps_mismatch list has %d checks, want 1", len(items))
		}

		// Reading: the author and the office; not another volunteer.
		r := e.Get("/api/v1/photos/"+photoID+"/original", tok)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("no nosniff: %v", r.Header)
		}
		switch r.Status {
		case http.StatusOK:
			if !bytes.Equal(r.Body, data) {
				t.Error("original bytes differ")
			}
		case http.StatusFound:
			resp, err := http.Get(r.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			_, _ = got.ReadFrom(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got.Bytes(), data) {
				t.Error("presigned original bytes differ")
			}
		default:
			t.Fatalf("original: %d %s", r.Status, r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/photos/"+photoID, w.tok[auth.RoleOffice]), http.StatusOK)
		// No rendition worker runs here: the thumbnail is still to be made.
		r = e.Get("/api/v1/photos/"+photoID+"/thumbnail", tok)
		apitest.Expect(t, r, http.StatusConflict)
		if r.Map(t)["code"] != "rendition_pending" {
			t.Errorf("pending thumbnail: %s", r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/photos/"+photoID, w.otherVolunteerTok), http.StatusNotFound)
		apitest.Expect(t, e.Get("/api/v1/photos/"+photoID+"/original", w.otherVolunteerTok), http.StatusNotFound)
		// Only the author and the office attach photos.
		apitest.Expect(t, uploadPhoto(t, e, w.tok[auth.RoleInspector], checkID, uuid.NewString(), data), http.StatusForbidden)
	})
}
