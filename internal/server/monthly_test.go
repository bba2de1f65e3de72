package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/exif"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// The monthly cycle through the API, on both backends: a unit files its
// monthly report with a photo from each fixed point, the office returns it
// and accepts the amendment, and the figures become the indicators' values.

type monthWorld struct {
	e                                          *apitest.Env
	admin, office, inspector, contractor       string // tokens
	volunteer, contractorB                     string
	users                                      map[string]auth.User
	road, roadB                                string // Unit A's road (under construction), Unit B's
	period                                     string
	photo1, photo2                             []byte
	photo1Lat, photo1Lon, photo2Lat, photo2Lon float64
}

func newMonthWorld(t *testing.T, e *apitest.Env) *monthWorld {
	t.Helper()
	w := &monthWorld{e: e, users: map[string]auth.User{}, period: currentPeriod(e)}
	for _, u := range []struct {
		name        string
		role        auth.Role
		unit, badge string
	}{{"admin1", auth.RoleAdmin, "", ""}, {"office1", auth.RoleOffice, "", ""}, {"inspector1", auth.RoleInspector, "", ""},
		{"contractor1", auth.RoleContractor, "Unit A", ""}, {"volunteer1", auth.RoleVolunteer, "", "JT-0001"},
		{"contractorb", auth.RoleContractor, "Unit B", ""}} {
		w.users[u.name] = e.CreateUser(u.name, u.role, u.unit, u.badge)
	}
	w.admin, w.office, w.inspector = e.Login("admin1"), e.Login("office1"), e.Login("inspector1")
	w.contractor, w.volunteer, w.contractorB = e.Login("contractor1"), e.Login("volunteer1"), e.Login("contractorb")
	ctx := context.Background()
	admin := w.users["admin1"].Principal()
	mk := func(code, unit string) string {
		p, err := e.Server.Projects.Create(ctx, admin, projects.NewProject{Code: code, Name: "道路 " + code,
			Category: projects.CatRoad, Township: "青山镇", Unit: unit, Status: projects.StatusPlanned,
			PlannedStart: "2026-01-01", PlannedEnd: "2026-12-31", Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Projects.ChangeStatus(ctx, admin, p.ID, projects.StatusUnderConstruction); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	w.road, w.roadB = mk("M-1", "Unit A"), mk("M-2", "Unit B")
	if _, _, err := e.Server.Projects.Assign(ctx, admin, w.road, projects.NewAssignment{UserID: w.users["volunteer1"].ID}); err != nil {
		t.Fatal(err)
	}
	w.photo1, w.photo1Lat, w.photo1Lon = readGPSPhoto(t, "DSCN0010.jpg")
	w.photo2, w.photo2Lat, w.photo2Lon = readGPSPhoto(t, "DSCN0021.jpg")
	return w
}

func readGPSPhoto(t *testing.T, name string) ([]byte, float64, float64) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "gps", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil || m.Latitude == nil || m.Longitude == nil {
		t.Fatalf("%s has no GPS: %v", name, err)
	}
	return b, *m.Latitude, *m.Longitude
}

func (w *monthWorld) point(t *testing.T, project, name string, lat, lon float64) string {
	t.Helper()
	r := w.e.Post("/api/v1/projects/"+project+"/photo-points", w.office,
		map[string]any{"name": name, "lat": lat, "lon": lon, "bearing": 270, "note": "朝西"})
	apitest.Expect(t, r, http.StatusCreated)
	return r.Map(t)["id"].(string)
}

func (w *monthWorld) indicators(t *testing.T, project string) []string {
	t.Helper()
	m, err := w.e.Server.Projects.IndicatorsOf(context.Background(), []string{project}, nil)
	if err != nil || len(m[project]) == 0 {
		t.Fatalf("indicators of %s: %v %v", project, m, err)
	}
	var ids []string
	for _, ind := range m[project] {
		ids = append(ids, ind.ID)
	}
	return ids
}

func (w *monthWorld) upload(t *testing.T, token, reportID, photoID string, file []byte) apitest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("photo_id", photoID)
	fw, _ := mw.CreateFormFile("file", "x.jpg")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return w.e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports/" + reportID + "/photos",
		Token: token, Body: b.Bytes(), Content: mw.FormDataContentType()})
}

// fieldErr reports whether a problem names field with code.
func fieldErr(r apitest.Response, field, code string) bool {
	return strings.Contains(string(r.Body), `"field":"`+field+`","code":"`+code+`"`)
}

func expectField(t *testing.T, r apitest.Response, status int, field, code string) {
	t.Helper()
	if r.Status != status || !fieldErr(r, field, code) {
		t.Errorf("want %d with %s %s, got %d %s", status, field, code, r.Status, r.Body)
	}
}

func TestMonthlyReportFlow(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newMonthWorld(t, e)
		// An inspector not assigned to the road may read its points but not place one.
		apitest.Expect(t, e.Post("/api/v1/projects/"+w.road+"/photo-points", w.inspector, pointBody("桥头")), http.StatusForbidden)
		onSpot := w.point(t, w.road, "起点", w.photo1Lat, w.photo1Lon)
		// 0.01° of latitude north of where photo 2 was taken: about 1.1 km.
		far := w.point(t, w.road, "终点", w.photo2Lat+0.01, w.photo2Lon)
		r := e.Post("/api/v1/projects/"+w.road+"/photo-points", w.office, pointBody("起点"))
		expectField(t, r, http.StatusConflict, "name", "duplicate")
		patch := func(tok string, b map[string]any) apitest.Response {
			return e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/photo-points/" + far, Token: tok, Body: b})
		}
		expectField(t, patch(w.office, map[string]any{"name": "起点"}), http.StatusConflict, "name", "duplicate")
		expectField(t, patch(w.office, map[string]any{"bearing": 360}), http.StatusUnprocessableEntity, "bearing", "out_of_range")
		apitest.Expect(t, patch(w.inspector, map[string]any{"note": "x"}), http.StatusForbidden) // not assigned
		apitest.Expect(t, patch(w.contractor, map[string]any{"note": "x"}), http.StatusForbidden)
		r = patch(w.office, map[string]any{"note": "朝北拍终点"})
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["note"] != "朝北拍终点" || m["name"] != "终点" || m["bearing"] != 270.0 {
			t.Errorf("patched point %v", m)
		}

		inds := w.indicators(t, w.road)
		p1, p2 := uuid.NewString(), uuid.NewString()
		body := map[string]any{"id": uuid.NewString(), "project_id": w.road, "period": w.period,
			"values":    []any{map[string]any{"indicator_id": inds[0], "value": 12.5}},
			"narrative": "完成路基 1.2 公里", "problems": "雨季影响", "help_requested": "协调占地",
			"photos": []any{map[string]any{"point_id": onSpot, "photo_id": p1, "caption": "起点路基"},
				map[string]any{"point_id": far, "photo_id": p2, "caption": "终点"}}}
		// Volunteers, inspectors and the office do not report.
		for _, tok := range []string{w.volunteer, w.inspector, w.office} {
			apitest.Expect(t, e.Post("/api/v1/monthly-reports", tok, body), http.StatusForbidden)
		}
		// Another unit's contractor does not even see the road.
		expectField(t, e.Post("/api/v1/monthly-reports", w.contractorB, body), http.StatusUnprocessableEntity, "project_id", "not_found")

		r = e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports", Token: w.contractor, Body: body,
			Header: map[string]string{"Idempotency-Key": "month-1"}})
		apitest.Expect(t, r, http.StatusCreated)
		rep := r.Map(t)
		id := rep["id"].(string)
		if rep["state"] != "draft" {
			t.Fatalf("state %v", rep["state"])
		}
		// The same key again: the stored answer, replayed.
		r = e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports", Token: w.contractor, Body: body,
			Header: map[string]string{"Idempotency-Key": "month-1"}})
		apitest.Expect(t, r, http.StatusCreated)
		if r.Header.Get("Idempotent-Replayed") != "true" {
			t.Error("the retry with the same key was not a replay")
		}
		// The same id without a key: the stored report (200); another body: id_reused.
		apitest.Expect(t, e.Post("/api/v1/monthly-reports", w.contractor, body), http.StatusOK)
		changed := map[string]any{}
		for k, v := range body {
			changed[k] = v
		}
		changed["narrative"] = "另一份"
		expectField(t, e.Post("/api/v1/monthly-reports", w.contractor, changed), http.StatusConflict, "id", "id_reused")
		changed["id"] = uuid.NewString()
		expectField(t, e.Post("/api/v1/monthly-reports", w.contractor, changed), http.StatusConflict, "period", "report_exists")

		// Not submittable before its photos are uploaded.
		r = e.Post("/api/v1/monthly-reports/"+id+"/submit", w.contractor, nil)
		expectField(t, r, http.StatusUnprocessableEntity, "photos[0].photo_id", "not_uploaded")
		// A photo the report does not name for a point is refused.
		expectField(t, w.upload(t, w.contractor, id, uuid.NewString(), w.photo1), http.StatusUnprocessableEntity, "photo_id", "not_announced")
		// Only the unit's contractors upload.
		apitest.Expect(t, w.upload(t, w.office, id, p1, w.photo1), http.StatusForbidden)
		apitest.Expect(t, w.upload(t, w.contractor, id, p1, w.photo1), http.StatusCreated)
		apitest.Expect(t, w.upload(t, w.contractor, id, p1, w.photo1), http.StatusOK) // a retry
		apitest.Expect(t, w.upload(t, w.contractor, id, p2, w.photo2), http.StatusCreated)

		r = e.Post("/api/v1/monthly-reports/"+id+"/submit", w.contractor, nil)
		apitest.Expect(t, r, http.StatusOK)
		first := r.Map(t)["submitted_at"]
		apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+id+"/submit", w.contractor, nil), http.StatusOK) // retry-safe
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPut, Path: "/api/v1/monthly-reports/" + id, Token: w.contractor,
			Body: map[string]any{"narrative": "x"}}), http.StatusConflict)

		// The photos' flags, from their own EXIF: photo 1 on its point,
		// photo 2 a kilometre off; both taken years before this month.
		r = e.Get("/api/v1/monthly-reports/"+id, w.volunteer) // the road's volunteer reads it
		apitest.Expect(t, r, http.StatusOK)
		var got struct {
			Photos []struct {
				PhotoID string   `json:"photo_id"`
				Flags   []string `json:"flags"`
				Stored  *struct {
					URLs map[string]string `json:"urls"`
				} `json:"stored"`
			} `json:"photos"`
		}
		r.JSON(t, &got)
		if len(got.Photos) != 2 || got.Photos[0].Stored == nil || got.Photos[1].Stored == nil {
			t.Fatalf("photos %s", r.Body)
		}
		if f := strings.Join(got.Photos[0].Flags, ","); f != "outside_period" {
			t.Errorf("photo on its point flagged %q, want outside_period", f)
		}
		if f := strings.Join(got.Photos[1].Flags, ","); f != "off_point,outside_period" {
			t.Errorf("photo off its point flagged %q", f)
		}
		if u := got.Photos[0].Stored.URLs["preview"]; u != "/api/v1/photos/"+p1+"/preview" {
			t.Errorf("preview url %q", u)
		}
		// The list shows each report exactly as its single read does.
		list := e.Get("/api/v1/monthly-reports?project_id="+w.road, w.office)
		apitest.Expect(t, list, http.StatusOK)
		var items struct {
			Items []map[string]any `json:"items"`
		}
		list.JSON(t, &items)
		if single := e.Get("/api/v1/monthly-reports/"+id, w.office).Map(t); len(items.Items) != 1 ||
			!reflect.DeepEqual(items.Items[0], single) {
			t.Errorf("list %v\nsingle %v", items.Items, single)
		}
		// Another unit's contractor: no such report.
		r = e.Get("/api/v1/monthly-reports/"+id, w.contractorB)
		if r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), "report_not_found") {
			t.Errorf("Unit B's contractor read Unit A's report: %d %s", r.Status, r.Body)
		}

		// The office returns it; the unit amends and submits again.
		apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+id+"/accept", w.contractor, nil), http.StatusForbidden)
		expectField(t, e.Post("/api/v1/monthly-reports/"+id+"/return", w.office, map[string]any{"reason": ""}),
			http.StatusUnprocessableEntity, "reason", "required")
		r = e.Post("/api/v1/monthly-reports/"+id+"/return", w.office, map[string]any{"reason": "终点照片不在点位"})
		apitest.Expect(t, r, http.StatusOK)
		if r.Map(t)["state"] != "returned" {
			t.Fatalf("not returned: %s", r.Body)
		}
		edit := map[string]any{"values": []any{map[string]any{"indicator_id": inds[0], "value": 13}},
			"narrative": "完成路基 1.3 公里", "photos": body["photos"]}
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPut, Path: "/api/v1/monthly-reports/" + id,
			Token: w.contractor, Body: edit}), http.StatusOK)
		r = e.Post("/api/v1/monthly-reports/"+id+"/submit", w.contractor, nil)
		apitest.Expect(t, r, http.StatusOK)
		m := r.Map(t)
		if m["submitted_at"] != first || m["resubmitted_at"] == nil {
			t.Errorf("resubmission: submitted_at %v (first %v), resubmitted_at %v", m["submitted_at"], first, m["resubmitted_at"])
		}

		// Acceptance records the figure as the indicator's value.
		r = e.Post("/api/v1/monthly-reports/"+id+"/accept", w.office, nil)
		apitest.Expect(t, r, http.StatusOK)
		if r.Map(t)["state"] != "accepted" {
			t.Fatalf("not accepted: %s", r.Body)
		}
		vals, err := e.Server.Projects.IndicatorsOf(context.Background(), []string{w.road}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v := vals[w.road][0].Value; v != 13 {
			t.Errorf("indicator value %v after acceptance, want 13", v)
		}
		apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+id+"/accept", w.office, nil), http.StatusConflict)

		// The point's series: this month's photo, with its renditions.
		r = e.Get("/api/v1/photo-points/"+far+"/series", w.volunteer)
		apitest.Expect(t, r, http.StatusOK)
		var series struct {
			Entries []struct {
				Period string   `json:"period"`
				Flags  []string `json:"flags"`
				Photo  struct {
					ID string `json:"id"`
				} `json:"photo"`
			} `json:"entries"`
		}
		r.JSON(t, &series)
		if len(series.Entries) != 1 || series.Entries[0].Photo.ID != p2 || series.Entries[0].Period != w.period {
			t.Errorf("series %s", r.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/photo-points/"+far+"/series", w.contractorB), http.StatusNotFound)

		// The period's status: the road reported on time, Unit B's missing.
		r = e.Get("/api/v1/periods/"+w.period+"/status", w.inspector)
		apitest.Expect(t, r, http.StatusOK)
		var st struct {
			Projects []struct {
				ProjectID string   `json:"project_id"`
				State     string   `json:"state"`
				Standing  string   `json:"standing"`
				Flags     []string `json:"flags"`
			} `json:"projects"`
		}
		r.JSON(t, &st)
		states := map[string]string{}
		for _, p := range st.Projects {
			states[p.ProjectID] = p.State + "/" + p.Standing
			// The figure (12.5 → 13 of the target) and the photos' flags, once each.
			if p.ProjectID == w.road && !(containsStr(p.Flags, "off_point") && containsStr(p.Flags, "outside_period")) {
				t.Errorf("the road's flags in the status: %v", p.Flags)
			}
		}
		if states[w.road] != "accepted/on_time" || states[w.roadB] != "missing/missing" {
			t.Errorf("status %v", states)
		}
		apitest.Expect(t, e.Get("/api/v1/periods/"+w.period+"/status", w.contractor), http.StatusForbidden)
		expectField(t, e.Get("/api/v1/periods/2026-13/status", w.office), http.StatusUnprocessableEntity, "period", "invalid")
	})
}
