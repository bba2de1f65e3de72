package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Bad input is a clear 4xx naming the field at fault, and nothing of the
// refused report is written.
func TestMonthlyBadInput(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newMonthWorld(t, e)
		inds := w.indicators(t, w.road)
		pointB := w.point(t, w.roadB, "B 起点", 28.2, 112.9)
		report := func(mut func(b map[string]any)) map[string]any {
			b := map[string]any{"id": uuid.NewString(), "project_id": w.road, "period": w.period,
				"values": []any{map[string]any{"indicator_id": inds[0], "value": 3}}}
			mut(b)
			return b
		}
		val := func(id string, v any) []any { return []any{map[string]any{"indicator_id": id, "value": v}} }
		cases := []struct {
			name        string
			body        map[string]any
			status      int
			field, code string
		}{
			{"negative value", report(func(b map[string]any) { b["values"] = val(inds[0], -1) }), 422, "values[0].value", "negative"},
			{"absurd value", report(func(b map[string]any) { b["values"] = val(inds[0], 1e15) }), 422, "values[0].value", "absurd"},
			{"missing value", report(func(b map[string]any) { b["values"] = []any{map[string]any{"indicator_id": inds[0]}} }), 422, "values[0].value", "required"},
			{"unknown indicator", report(func(b map[string]any) { b["values"] = val(uuid.NewString(), 1) }), 422, "values[0].indicator_id", "unknown"},
			{"another project's indicator", report(func(b map[string]any) { b["values"] = val(w.indicators(t, w.roadB)[0], 1) }), 422, "values[0].indicator_id", "unknown"},
			{"another project's point", report(func(b map[string]any) {
				b["photos"] = []any{map[string]any{"point_id": pointB, "photo_id": uuid.NewString(), "caption": "x"}}
			}), 422, "photos[0].point_id", "other_project"},
			{"unknown point", report(func(b map[string]any) {
				b["photos"] = []any{map[string]any{"point_id": uuid.NewString(), "photo_id": uuid.NewString()}}
			}), 422, "photos[0].point_id", "not_found"},
			{"bad period", report(func(b map[string]any) { b["period"] = "2026-6" }), 422, "period", "invalid"},
			{"a month not begun", report(func(b map[string]any) { b["period"] = "2099-01" }), 422, "period", "in_future"},
			{"not a UUID", report(func(b map[string]any) { b["id"] = "r-1" }), 422, "id", "invalid"},
		}
		for _, c := range cases {
			r := e.Post("/api/v1/monthly-reports", w.contractor, c.body)
			if r.Status != c.status || !fieldErr(r, c.field, c.code) {
				t.Errorf("%s: %d %s, want %d %s %s", c.name, r.Status, r.Body, c.status, c.field, c.code)
			}
		}
		// A value that is not a number is a 400 naming it.
		r := e.Post("/api/v1/monthly-reports", w.contractor, report(func(b map[string]any) { b["values"] = val(inds[0], "NaN") }))
		if r.Status != http.StatusBadRequest {
			t.Errorf("a string value: %d %s", r.Status, r.Body)
		}

		// A project not under construction does not report.
		ctx := context.Background()
		admin := w.users["admin1"].Principal()
		if _, err := e.Server.Projects.ChangeStatus(ctx, admin, w.road, projects.StatusSuspended); err != nil {
			t.Fatal(err)
		}
		expectField(t, e.Post("/api/v1/monthly-reports", w.contractor, report(func(map[string]any) {})),
			http.StatusUnprocessableEntity, "project_id", "not_under_construction")
		if _, err := e.Server.Projects.ChangeStatus(ctx, admin, w.road, projects.StatusUnderConstruction); err != nil {
			t.Fatal(err)
		}

		// A closed period: the office closes last month; a report for it is 409.
		prev := string(mustPeriod(t, w.period).Prev())
		apitest.Expect(t, e.Post("/api/v1/periods/"+prev+"/close", w.contractor, nil), http.StatusForbidden)
		expectField(t, e.Post("/api/v1/periods/"+w.period+"/close", w.office, nil), http.StatusUnprocessableEntity, "period", "not_due")
		r = e.Post("/api/v1/periods/"+prev+"/close", w.office, nil)
		apitest.Expect(t, r, http.StatusOK)
		if r.Map(t)["closed"] != true {
			t.Errorf("closed period answers %s", r.Body)
		}
		expectField(t, e.Post("/api/v1/periods/"+prev+"/close", w.office, nil), http.StatusConflict, "period", "closed")
		expectField(t, e.Post("/api/v1/monthly-reports", w.contractor, report(func(b map[string]any) { b["period"] = prev })),
			http.StatusConflict, "period", "closed")

		// Nothing of any refused report was written.
		r = e.Get("/api/v1/monthly-reports", w.office)
		apitest.Expect(t, r, http.StatusOK)
		if n := len(r.Map(t)["items"].([]any)); n != 0 {
			t.Errorf("%d reports stored after refusals", n)
		}
		// A bad filter is named too.
		expectField(t, e.Get("/api/v1/monthly-reports?state=late", w.office), http.StatusUnprocessableEntity, "state", "invalid")
	})
}

func mustPeriod(t *testing.T, s string) monthly.Period {
	t.Helper()
	p, err := monthly.ParsePeriod("period", s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMonthlyListScope: the report list follows the project rule — a
// contractor sees their unit's, a volunteer the roads they watch — and a
// contractor moved to another unit loses the old unit's reports at once,
// in the list and in single reads, and may not amend them.
func TestMonthlyListScope(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newMonthWorld(t, e)
		file := func(tok, project string) string {
			b := map[string]any{"id": uuid.NewString(), "project_id": project, "period": w.period,
				"values": []any{map[string]any{"indicator_id": w.indicators(t, project)[0], "value": 1}}}
			r := e.Post("/api/v1/monthly-reports", tok, b)
			apitest.Expect(t, r, http.StatusCreated)
			return r.Map(t)["id"].(string)
		}
		a, b := file(w.contractor, w.road), file(w.contractorB, w.roadB)
		ids := func(tok string) []string {
			r := e.Get("/api/v1/monthly-reports?period="+w.period, tok)
			apitest.Expect(t, r, http.StatusOK)
			var out []string
			for _, it := range r.Map(t)["items"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			return out
		}
		want := map[string]string{w.office: a + "," + b, w.inspector: a + "," + b, w.contractor: a, w.contractorB: b,
			w.volunteer: a}
		for tok, ws := range want {
			if got := fmt.Sprint(ids(tok)); got != "["+replaceComma(ws)+"]" {
				t.Errorf("list %s, want %s", got, ws)
			}
		}
		// The contractor moves to Unit B.
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: w.admin,
			Path: "/api/v1/users/" + w.users["contractor1"].ID, Body: map[string]any{"unit": "Unit B"}}), http.StatusOK)
		tok := e.Login("contractor1")
		if got := fmt.Sprint(ids(tok)); got != "["+b+"]" {
			t.Errorf("after the move the contractor lists %s, want Unit B's %s", got, b)
		}
		r := e.Get("/api/v1/monthly-reports/"+a, tok)
		if r.Status != http.StatusNotFound {
			t.Errorf("after the move the old unit's report answers %d", r.Status)
		}
		r = e.Post("/api/v1/monthly-reports/"+a+"/submit", tok, nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("after the move submitting the old unit's report answers %d", r.Status)
		}
		// The old token, issued for Unit A, is no longer honoured either.
		if r := e.Get("/api/v1/monthly-reports/"+a, w.contractor); r.Status != http.StatusNotFound && r.Status != http.StatusUnauthorized {
			t.Errorf("the old token still reads the old unit's report: %d", r.Status)
		}
	})
}

func replaceComma(s string) string {
	out := []byte(s)
	for i := range out {
		if out[i] == ',' {
			out[i] = ' '
		}
	}
	return string(out)
}

// A report takes only the photos it names for its points, whichever photo
// route the bytes come by: its own, the generic one or a direct upload.
func TestMonthlyPhotosOnlyForItsPoints(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newMonthWorld(t, e)
		pt := w.point(t, w.road, "起点", w.photo1Lat, w.photo1Lon)
		named := uuid.NewString()
		r := e.Post("/api/v1/monthly-reports", w.contractor, map[string]any{"id": uuid.NewString(), "project_id": w.road,
			"period": w.period, "values": []any{map[string]any{"indicator_id": w.indicators(t, w.road)[0], "value": 1}},
			"photos": []any{map[string]any{"point_id": pt, "photo_id": named, "caption": "起点"}}})
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		generic := func(photoID string) apitest.Response {
			b, ct := photoFormBytes(photoID, w.photo1)
			return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + id + "/photos", Token: w.contractor,
				Body: b, Content: ct})
		}
		expectField(t, generic(uuid.NewString()), http.StatusUnprocessableEntity, "photo_id", "not_announced")
		expectField(t, e.Post("/api/v1/checks/"+id+"/photos/uploads", w.contractor, declaration(w.photo1, uuid.NewString())),
			http.StatusUnprocessableEntity, "photo_id", "not_announced")
		apitest.Expect(t, generic(named), http.StatusCreated)
		r = e.Get("/api/v1/monthly-reports/"+id, w.contractor)
		apitest.Expect(t, r, http.StatusOK)
		if ph := r.Map(t)["photos"].([]any)[0].(map[string]any); ph["stored"] == nil {
			t.Errorf("the named photo sent by the generic route is not the point's: %v", ph)
		}
	})
}

func photoFormBytes(photoID string, file []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("photo_id", photoID)
	fw, _ := mw.CreateFormFile("file", "x.jpg")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}
