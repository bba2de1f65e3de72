package server_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
)

// monthlyOracles: Unit B's report and photo point answer Unit A's
// contractor and the road's volunteer exactly as unknown ids do.
func monthlyOracles() map[string]oracle {
	none := func(why string) oracle { return oracle{skip: why} }
	hReport := func(h hidden) string { return h.monthlyReport }
	hPoint := func(h hidden) string { return h.photoPoint }
	content := jsonBody(map[string]any{"narrative": "x", "values": []any{}, "photos": []any{}})
	return map[string]oracle{
		"GET /api/v1/projects/:id/photo-points":  same(http.MethodGet, "/api/v1/projects/:id/photo-points", nil, hProject),
		"POST /api/v1/projects/:id/photo-points": same(http.MethodPost, "/api/v1/projects/:id/photo-points", jsonBody(pointBody("桥头")), hProject),
		"GET /api/v1/photo-points/:id/series":    same(http.MethodGet, "/api/v1/photo-points/:id/series", nil, hPoint),
		"PATCH /api/v1/photo-points/:id": same(http.MethodPatch, "/api/v1/photo-points/:id",
			jsonBody(map[string]any{"note": "x"}), hPoint),
		"GET /api/v1/monthly-reports/:id":         same(http.MethodGet, "/api/v1/monthly-reports/:id", nil, hReport),
		"PUT /api/v1/monthly-reports/:id":         same(http.MethodPut, "/api/v1/monthly-reports/:id", content, hReport),
		"POST /api/v1/monthly-reports/:id/submit": same(http.MethodPost, "/api/v1/monthly-reports/:id/submit", nil, hReport),
		"POST /api/v1/monthly-reports/:id/accept": same(http.MethodPost, "/api/v1/monthly-reports/:id/accept", nil, hReport),
		"POST /api/v1/monthly-reports/:id/return": same(http.MethodPost, "/api/v1/monthly-reports/:id/return",
			jsonBody(map[string]any{"reason": "重拍"}), hReport),
		"POST /api/v1/monthly-reports/:id/photos": {pairs: func(f *fixture, h hidden) [][2]apitest.Request {
			p := func(id string) apitest.Request {
				b, ct := photoForm(f, uuid.NewString())
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports/" + id + "/photos", Body: b, Content: ct}
			}
			return [][2]apitest.Request{{p(h.monthlyReport), p(uuid.NewString())}}
		}},
		"GET /api/v1/periods/:period/status": none("a period is a month, not an object; staff only, who see every project"),
		"POST /api/v1/periods/:period/close": none("a period is a month, not an object; office only"),
	}
}

// hideMonthly puts Unit B's project under construction, with a photo point
// and Unit B's report for the current month.
func hideMonthly(t *testing.T, f *fixture, h *hidden, officeTok, unitBTok string) {
	t.Helper()
	e := f.e
	apitest.Expect(t, e.Post("/api/v1/projects/"+h.project+"/status", officeTok,
		map[string]any{"status": "under_construction"}), http.StatusOK)
	r := e.Post("/api/v1/projects/"+h.project+"/photo-points", officeTok, pointBody("B 桥头"))
	apitest.Expect(t, r, http.StatusCreated)
	h.photoPoint = r.Map(t)["id"].(string)
	r = e.Post("/api/v1/monthly-reports", unitBTok, f.reportBody(h.project))
	apitest.Expect(t, r, http.StatusCreated)
	h.monthlyReport = r.Map(t)["id"].(string)
}
