package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/jobs"
)

// TestMonthlyReuseIsOrderedByPeriod: a report photo is reused when the
// same picture is in a report of an earlier period; the first use is never
// flagged, whatever order the rendition jobs ran in and whichever report
// was filed first.
//
// Perceptual: October's report has DSCN0010, November's a copy whose EXIF
// dates say November (other bytes, the same picture); November's rendition
// job runs first, so October's job finds November's hash and points at it.
// Exact: on the other road November's report is filed first and October's
// after it with the very same file, so October's upload is the duplicate
// pointing at November's.
func TestMonthlyReuseIsOrderedByPeriod(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newMonthWorld(t, e)
		nov := w.period
		oct := string(mustPeriod(t, nov).Prev())
		copyNov := bytes.ReplaceAll(w.photo1, []byte("2008:10:22"), []byte("2008:11:22"))
		if bytes.Equal(copyNov, w.photo1) {
			t.Fatal("DSCN0010 holds no 2008:10:22 date to change")
		}
		type filed struct{ report, photo string }
		file := func(tok, project, point, period string, b []byte) filed {
			t.Helper()
			inds := w.indicators(t, project)
			f := filed{photo: uuid.NewString()}
			r := e.Post("/api/v1/monthly-reports", tok, map[string]any{"id": uuid.NewString(), "project_id": project,
				"period": period, "values": []any{map[string]any{"indicator_id": inds[0], "value": 1}},
				"photos": []any{map[string]any{"point_id": point, "photo_id": f.photo, "caption": "起点"}}})
			apitest.Expect(t, r, http.StatusCreated)
			f.report = r.Map(t)["id"].(string)
			apitest.Expect(t, w.upload(t, tok, f.report, f.photo, b), http.StatusCreated)
			apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+f.report+"/submit", tok, nil), http.StatusOK)
			return f
		}
		render := func(photoID string) {
			t.Helper()
			pl, _ := json.Marshal(map[string]string{"photo_id": photoID})
			if err := e.Server.Photos.RenditionHandler(context.Background(), jobs.Job{Payload: pl, Attempts: 1, MaxAttempts: 3}); err != nil {
				t.Fatal(err)
			}
		}
		flags := func(f filed, tok string) string {
			t.Helper()
			r := e.Get("/api/v1/monthly-reports/"+f.report, tok)
			apitest.Expect(t, r, http.StatusOK)
			return strings.Join(reuseOf(photoFlags(r.Map(t))), ",")
		}

		pt := w.point(t, w.road, "起点", w.photo1Lat, w.photo1Lon)
		octA := file(w.contractor, w.road, pt, oct, w.photo1)
		novA := file(w.contractor, w.road, pt, nov, copyNov)
		render(novA.photo)
		render(octA.photo)
		if got := flags(octA, w.office); got != "" {
			t.Errorf("October's photo, first use, rendered last: %q, want not reused", got)
		}
		if got := flags(novA, w.office); got != "reused" {
			t.Errorf("November's copy, rendered first: %q, want reused", got)
		}

		ptB := w.point(t, w.roadB, "起点", w.photo1Lat, w.photo1Lon)
		novB := file(w.contractorB, w.roadB, ptB, nov, w.photo2)
		octB := file(w.contractorB, w.roadB, ptB, oct, w.photo2)
		if got := flags(octB, w.office); got != "" {
			t.Errorf("October's photo, filed after November's: %q, want not reused", got)
		}
		if got := flags(novB, w.office); got != "reused" {
			t.Errorf("November's photo, filed first: %q, want reused", got)
		}
		// The period status says the same.
		r := e.Get("/api/v1/periods/"+oct+"/status", w.office)
		apitest.Expect(t, r, http.StatusOK)
		if strings.Count(string(r.Body), `"state":"submitted"`) != 2 || strings.Contains(string(r.Body), `"reused"`) {
			t.Errorf("October's status flags a reuse: %s", r.Body)
		}
		r = e.Get("/api/v1/periods/"+nov+"/status", w.office)
		apitest.Expect(t, r, http.StatusOK)
		if strings.Count(string(r.Body), `"reused"`) != 2 {
			t.Errorf("November's status: want both roads reused: %s", r.Body)
		}
	})
}

// reuseOf keeps the reused flag of each photo's flags.
func reuseOf(perPhoto []string) []string {
	var out []string
	for _, fs := range perPhoto {
		for _, f := range strings.Split(fs, ",") {
			if f == "reused" {
				out = append(out, f)
			}
		}
	}
	return out
}
