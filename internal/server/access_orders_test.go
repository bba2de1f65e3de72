package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
)

// orderRules is the access table of the order, notification and webhook
// routes. Every request is built on a fresh project of Unit A with the
// fixture's volunteer and inspector assigned, so each role meets the order
// as what it is to it (the unit's contractor, the road's volunteer).
//
// The entries are not `scoped`: refusing another unit's order answers 404
// order_not_found (existence does not leak), which denied() in
// access_test.go does not yet count as a refusal. The cross-unit refusals
// are proven route by route in TestOrderRoutesRefuseOtherUnits
// (orders_test.go) instead.
func orderRules() map[string]rule {
	staff := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector}
	contractor := []auth.Role{auth.RoleContractor}
	return map[string]rule{
		"POST /api/v1/orders": {roles: staff, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/orders", Body: directOrder(f.ownProject())}
		}},
		"GET /api/v1/orders":     {roles: all, req: get("/api/v1/orders")},
		"GET /api/v1/orders/:id": {roles: all, req: onOrder(http.MethodGet, "/api/v1/orders/:id", "", nil)},
		"GET /api/v1/dashboard/orders": {roles: []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector},
			req: get("/api/v1/dashboard/orders")},
		"GET /api/v1/orders/:id/report.pdf": {roles: []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector},
			req: onOrder(http.MethodGet, "/api/v1/orders/:id/report.pdf", "", nil)},
		"POST /api/v1/orders/:id/acknowledge": {roles: contractor,
			req: onOrder(http.MethodPost, "/api/v1/orders/:id/acknowledge", "", map[string]any{"note": "received"})},
		"POST /api/v1/orders/:id/responses": {roles: contractor,
			req: onOrder(http.MethodPost, "/api/v1/orders/:id/responses", "acknowledged", responseBody())},
		// The response's author (the contractor) and the office attach its
		// photos; an inspector or the road's volunteer does not.
		"POST /api/v1/orders/:id/responses/:rid/photos": {roles: []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleContractor},
			req: func(f *fixture, _ string) apitest.Request {
				id, rid, pid := f.respondedOrder()
				b, ct := photoForm(f, pid)
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/orders/" + id + "/responses/" + rid + "/photos",
					Body: b, Content: ct}
			}},
		// Staff are judged before the state: on an issued order they get
		// 409 (allowed by the policy), the contractor and volunteer 403.
		"POST /api/v1/orders/:id/verify": {roles: staff,
			req: onOrder(http.MethodPost, "/api/v1/orders/:id/verify", "", map[string]any{"check_id": uuid.NewString()})},
		"POST /api/v1/orders/:id/reject": {roles: staff,
			req: onOrder(http.MethodPost, "/api/v1/orders/:id/reject", "", map[string]any{"reason": "photos do not show the joints"})},
		"POST /api/v1/orders/:id/cancel": {roles: officeOnly,
			req: onOrder(http.MethodPost, "/api/v1/orders/:id/cancel", "", map[string]any{"reason": "issued twice"})},
		"GET /api/v1/triage": {roles: officeOnly, req: get("/api/v1/triage")},
		"POST /api/v1/triage/:id/issue": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			c := f.volunteerFailedCheck()
			b := directOrder("")
			delete(b, "project_id")
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/triage/" + c.ID + "/issue", Body: b}
		}},
		"POST /api/v1/triage/:id/dismiss": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			c := f.volunteerFailedCheck()
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/triage/" + c.ID + "/dismiss",
				Body: map[string]any{"reason": "fenced the next morning"}}
		}},
		"GET /api/v1/notifications": {roles: all, req: get("/api/v1/notifications?unread=true")},
		// Anyone may mark their own; another's is simply not found.
		"POST /api/v1/notifications/:id/read": {roles: all, req: func(*fixture, string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/notifications/" + uuid.NewString() + "/read"}
		}},
		"POST /api/v1/webhooks": {roles: adminOnly, req: body(http.MethodPost, "/api/v1/webhooks", func(*fixture) any {
			return map[string]any{"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-secret"}
		})},
		"GET /api/v1/webhooks": {roles: adminOnly, req: get("/api/v1/webhooks")},
		"DELETE /api/v1/webhooks/:id": {roles: adminOnly, req: func(f *fixture, _ string) apitest.Request {
			r := f.e.Post("/api/v1/webhooks", f.e.Login(f.users[auth.RoleAdmin].Username),
				map[string]any{"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-secret"})
			apitest.Expect(f.e.T, r, http.StatusCreated)
			return apitest.Request{Method: http.MethodDelete, Path: "/api/v1/webhooks/" + r.Map(f.e.T)["id"].(string)}
		}},
		"GET /api/v1/webhooks/:id/deliveries": {roles: adminOnly, req: func(f *fixture, _ string) apitest.Request {
			r := f.e.Post("/api/v1/webhooks", f.e.Login(f.users[auth.RoleAdmin].Username),
				map[string]any{"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-secret"})
			apitest.Expect(f.e.T, r, http.StatusCreated)
			return apitest.Request{Method: http.MethodGet, Path: "/api/v1/webhooks/" + r.Map(f.e.T)["id"].(string) + "/deliveries"}
		}},
	}
}

// ownProject is a fresh Unit A project with the fixture's volunteer and
// inspector assigned.
func (f *fixture) ownProject() string {
	return f.newProject(f.e.T.(*testing.T), "Unit A", true)
}

// directOrder is a valid order issued directly on a project.
func directOrder(projectID string) map[string]any {
	return map[string]any{"project_id": projectID, "defect": "Pavement joints not cut at K0+200",
		"severity": "major", "required_action": "Cut the transverse joints to 1/4 of the slab depth"}
}

func responseBody() map[string]any {
	return map[string]any{"text": "Joints cut with a saw on 3 June", "photo_ids": []string{uuid.NewString()}}
}

// order issues an order on a fresh own project (as the office) and brings
// it to status ("" stays issued; acknowledged; response_submitted).
func (f *fixture) order(status string) (orderID, responseID, photoID string) {
	t := f.e.T
	r := f.e.Post("/api/v1/orders", f.e.Login(f.users[auth.RoleOffice].Username), directOrder(f.ownProject()))
	apitest.Expect(t, r, http.StatusCreated)
	orderID = r.Map(t)["id"].(string)
	if status == "" {
		return orderID, "", ""
	}
	ctok := f.e.Login(f.users[auth.RoleContractor].Username)
	apitest.Expect(t, f.e.Post("/api/v1/orders/"+orderID+"/acknowledge", ctok, map[string]any{}), http.StatusOK)
	if status == "acknowledged" {
		return orderID, "", ""
	}
	b := responseBody()
	r = f.e.Post("/api/v1/orders/"+orderID+"/responses", ctok, b)
	apitest.Expect(t, r, http.StatusCreated)
	resps := r.Map(t)["responses"].([]any)
	return orderID, resps[0].(map[string]any)["id"].(string), b["photo_ids"].([]string)[0]
}

func (f *fixture) respondedOrder() (orderID, responseID, photoID string) {
	return f.order("response_submitted")
}

// onOrder builds a request on a fresh order in status (":id" is its id).
func onOrder(method, path, status string, b any) func(*fixture, string) apitest.Request {
	return func(f *fixture, _ string) apitest.Request {
		id, _, _ := f.order(status)
		return apitest.Request{Method: method, Path: strings.ReplaceAll(path, ":id", id), Body: b}
	}
}

// volunteerFailedCheck is a failed safety check the fixture's volunteer
// filed on a fresh own road: it waits in the office's triage queue.
func (f *fixture) volunteerFailedCheck() checks.Check {
	f.e.T.Helper()
	c, _, err := f.e.Server.Checks.Create(context.Background(), f.users[auth.RoleVolunteer].Principal(), failedSafety(f.ownProject()))
	if err != nil {
		f.e.T.Fatal(err)
	}
	return c
}

func failedSafety(projectID string) checks.NewCheck {
	return checks.NewCheck{ID: uuid.NewString(), ProjectID: projectID, Type: "safety", TemplateVersion: 1,
		Answers: map[string]any{"fenced": false, "warning_signs": true, "protective_gear": false, "safe_storage": true,
			"night_lighting": true}, Location: checks.Location{Lat: 28.2, Lon: 112.9, AccuracyM: 5},
		CapturedAt: time.Now().Add(-time.Hour), Notes: "no fence along the school side"}
}
