package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// No existence oracles: for every route that names an object, an object the
// caller may not see must answer exactly like an id that names nothing —
// same status, same code, same body apart from the request id. The table is
// checked against the router like the access table, so a new route taking
// an id cannot ship without its comparison.

// hidden holds objects a volunteer and a contractor of Unit A may not see:
// all on a Unit B project nobody of theirs is assigned to.
type hidden struct {
	project, check, photo, order, response, responsePhoto string
	// own: a Unit A road the fixture's volunteer watches, to amend on.
	own string
	// former: a check the caller saw until the world changed — for the
	// volunteer their own check on a road they were taken off, for the
	// contractor a check on a project handed to Unit B. formerBy holds
	// them by role; the loop sets former for the role it runs as.
	former   string
	formerBy map[auth.Role]string
	// notification: another user's (Unit B's contractor's).
	notification string
	campaign     string
	// The monthly cycle's (monthly_test.go): Unit B's report and photo point.
	monthlyReport, photoPoint string
}

// oracle builds the pair of requests for one route: on the hidden object,
// and the same on an unknown id. skip says why a route has nothing hidden
// to compare.
type oracle struct {
	skip  string
	pairs func(f *fixture, h hidden) [][2]apitest.Request
	// everyone: compared for every role, not only the two that see a
	// slice of the county (another user's notification is hidden from all).
	everyone bool
}

func same(method, path string, body func(id string) any, hiddenID func(hidden) string, more ...string) oracle {
	return oracle{pairs: func(f *fixture, h hidden) [][2]apitest.Request {
		build := func(id string, rest []string) apitest.Request {
			p := strings.Replace(path, ":id", id, 1)
			for _, r := range rest {
				p = strings.Replace(p, ":"+strings.SplitN(r, "=", 2)[0], strings.SplitN(r, "=", 2)[1], 1)
			}
			r := apitest.Request{Method: method, Path: p}
			if body != nil {
				r.Body = body(id)
			}
			return r
		}
		return [][2]apitest.Request{{build(hiddenID(h), more), build(uuid.NewString(), more)}}
	}}
}

func jsonBody(b map[string]any) func(string) any { return func(string) any { return b } }

func hProject(h hidden) string  { return h.project }
func hCheck(h hidden) string    { return h.check }
func hPhoto(h hidden) string    { return h.photo }
func hOrder(h hidden) string    { return h.order }
func hCampaign(h hidden) string { return h.campaign }
func hNote(h hidden) string     { return h.notification }

func oracles() map[string]oracle {
	out := baseOracles()
	for k, v := range monthlyOracles() {
		out[k] = v
	}
	return out
}

func baseOracles() map[string]oracle {
	none := func(why string) oracle { return oracle{skip: why} }
	out := map[string]oracle{
		"GET /api/v1/projects/:id":             same(http.MethodGet, "/api/v1/projects/:id", nil, hProject),
		"PATCH /api/v1/projects/:id":           same(http.MethodPatch, "/api/v1/projects/:id", jsonBody(map[string]any{"name": "Renamed"}), hProject),
		"POST /api/v1/projects/:id/status":     same(http.MethodPost, "/api/v1/projects/:id/status", jsonBody(map[string]any{"status": "under_construction"}), hProject),
		"POST /api/v1/projects/:id/progress":   same(http.MethodPost, "/api/v1/projects/:id/progress", jsonBody(map[string]any{"date": "2026-06-01", "percent": 40}), hProject),
		"GET /api/v1/projects/:id/progress":    same(http.MethodGet, "/api/v1/projects/:id/progress", nil, hProject),
		"GET /api/v1/projects/:id/assignments": same(http.MethodGet, "/api/v1/projects/:id/assignments", nil, hProject),
		"POST /api/v1/projects/:id/assignments": same(http.MethodPost, "/api/v1/projects/:id/assignments",
			jsonBody(map[string]any{"user_id": uuid.NewString()}), hProject),
		"DELETE /api/v1/projects/:id/assignments/:user_id": same(http.MethodDelete, "/api/v1/projects/:id/assignments/:user_id", nil, hProject,
			"user_id="+uuid.NewString()),
		"GET /api/v1/projects/:id/checks":     same(http.MethodGet, "/api/v1/projects/:id/checks", nil, hProject),
		"GET /api/v1/projects/:id/report.pdf": same(http.MethodGet, "/api/v1/projects/:id/report.pdf", nil, hProject),
		// The project a check is filed on is named in the body.
		"POST /api/v1/checks": {pairs: func(_ *fixture, h hidden) [][2]apitest.Request {
			mk := func(id string) apitest.Request {
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Body: progressCheck(id)}
			}
			amend := func(id string) apitest.Request {
				b := progressCheck(h.own)
				b["supersedes"] = id
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Body: b}
			}
			return [][2]apitest.Request{{mk(h.project), mk(uuid.NewString())}, {amend(h.check), amend(uuid.NewString())}}
		}},
		"GET /api/v1/checks/:id": {pairs: func(_ *fixture, h hidden) [][2]apitest.Request {
			g := func(id string) apitest.Request {
				return apitest.Request{Method: http.MethodGet, Path: "/api/v1/checks/" + id}
			}
			return [][2]apitest.Request{{g(h.check), g(uuid.NewString())}, {g(h.former), g(uuid.NewString())}}
		}},
		"POST /api/v1/checks/:id/return":        same(http.MethodPost, "/api/v1/checks/:id/return", jsonBody(map[string]any{"note": "measure the slump"}), hCheck),
		"POST /api/v1/checks/:id/flag-decision": same(http.MethodPost, "/api/v1/checks/:id/flag-decision", jsonBody(map[string]any{"decision": "accepted", "reason": "drift"}), hCheck),
		// A response id is a photo parent too: another unit's response must
		// look like no parent at all (it used to answer order_not_found).
		"GET /api/v1/checks/:id/photos": {pairs: func(_ *fixture, h hidden) [][2]apitest.Request {
			g := func(id string) apitest.Request {
				return apitest.Request{Method: http.MethodGet, Path: "/api/v1/checks/" + id + "/photos"}
			}
			return [][2]apitest.Request{{g(h.check), g(uuid.NewString())}, {g(h.response), g(uuid.NewString())},
				{g(h.former), g(uuid.NewString())}}
		}},
		"POST /api/v1/checks/:id/photos": {pairs: func(f *fixture, h hidden) [][2]apitest.Request {
			p := func(id string) apitest.Request {
				b, ct := photoForm(f, uuid.NewString())
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + id + "/photos", Body: b, Content: ct}
			}
			return [][2]apitest.Request{{p(h.check), p(uuid.NewString())}, {p(h.response), p(uuid.NewString())}}
		}},
		// The raw PUT: the same parents, the photo's own UUID in the path.
		"PUT /api/v1/checks/:id/photos/:photo_id": {pairs: func(f *fixture, h hidden) [][2]apitest.Request {
			p := func(id string) apitest.Request {
				return apitest.Request{Method: http.MethodPut, Path: "/api/v1/checks/" + id + "/photos/" + uuid.NewString(),
					Body: testPhoto(f), Content: "image/jpeg"}
			}
			return [][2]apitest.Request{{p(h.check), p(uuid.NewString())}, {p(h.response), p(uuid.NewString())}}
		}},
		"POST /api/v1/checks/:id/photos/uploads": {pairs: func(f *fixture, h hidden) [][2]apitest.Request {
			p := func(id string) apitest.Request {
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + id + "/photos/uploads",
					Body: declaration(testPhoto(f), uuid.NewString())}
			}
			return [][2]apitest.Request{{p(h.check), p(uuid.NewString())}, {p(h.response), p(uuid.NewString())}}
		}},
		"POST /api/v1/checks/:id/photos/uploads/:upload_id/complete": same(http.MethodPost,
			"/api/v1/checks/:id/photos/uploads/:upload_id/complete", nil, hCheck, "upload_id="+uuid.NewString()),
		"GET /api/v1/photos/:id":          same(http.MethodGet, "/api/v1/photos/:id", nil, hPhoto),
		"GET /api/v1/photos/:id/:variant": same(http.MethodGet, "/api/v1/photos/:id/:variant", nil, hPhoto, "variant=original"),
		"POST /api/v1/photos/:id/flag-decision": same(http.MethodPost, "/api/v1/photos/:id/flag-decision",
			jsonBody(map[string]any{"decision": "rejected", "reason": "taken elsewhere"}), hPhoto),
		"GET /api/v1/orders/:id":              same(http.MethodGet, "/api/v1/orders/:id", nil, hOrder),
		"GET /api/v1/orders/:id/report.pdf":   same(http.MethodGet, "/api/v1/orders/:id/report.pdf", nil, hOrder),
		"POST /api/v1/orders/:id/acknowledge": same(http.MethodPost, "/api/v1/orders/:id/acknowledge", jsonBody(map[string]any{"note": "received"}), hOrder),
		"POST /api/v1/orders/:id/responses": same(http.MethodPost, "/api/v1/orders/:id/responses",
			jsonBody(map[string]any{"text": "Joints cut", "photo_ids": []string{uuid.NewString()}}), hOrder),
		"POST /api/v1/orders/:id/verify": same(http.MethodPost, "/api/v1/orders/:id/verify", jsonBody(map[string]any{"check_id": uuid.NewString()}), hOrder),
		"POST /api/v1/orders/:id/reject": same(http.MethodPost, "/api/v1/orders/:id/reject", jsonBody(map[string]any{"reason": "no joints"}), hOrder),
		"POST /api/v1/orders/:id/cancel": same(http.MethodPost, "/api/v1/orders/:id/cancel", jsonBody(map[string]any{"reason": "twice"}), hOrder),
		// Another unit's order with its real response, against unknown ids
		// for both: it used to answer order_not_found where unknown ids
		// answered response_not_found.
		"POST /api/v1/orders/:id/responses/:rid/photos": {pairs: func(f *fixture, h hidden) [][2]apitest.Request {
			p := func(id, rid string) apitest.Request {
				b, ct := photoForm(f, uuid.NewString())
				return apitest.Request{Method: http.MethodPost, Path: "/api/v1/orders/" + id + "/responses/" + rid + "/photos", Body: b, Content: ct}
			}
			return [][2]apitest.Request{{p(h.order, h.response), p(uuid.NewString(), uuid.NewString())},
				{p(h.order, h.response), p(h.order, uuid.NewString())}}
		}},
		"POST /api/v1/triage/:id/issue": same(http.MethodPost, "/api/v1/triage/:id/issue",
			jsonBody(map[string]any{"defect": "No fence", "severity": "major", "required_action": "Fence it"}), hCheck),
		"POST /api/v1/triage/:id/dismiss": same(http.MethodPost, "/api/v1/triage/:id/dismiss", jsonBody(map[string]any{"reason": "fenced"}), hCheck),
		"POST /api/v1/notifications/:id/read": func() oracle {
			o := same(http.MethodPost, "/api/v1/notifications/:id/read", nil, hNote)
			o.everyone = true
			return o
		}(),
		"GET /api/v1/campaigns/:id":       same(http.MethodGet, "/api/v1/campaigns/:id", nil, hCampaign),
		"GET /api/v1/campaigns/:id/tasks": same(http.MethodGet, "/api/v1/campaigns/:id/tasks", nil, hCampaign),
		"POST /api/v1/campaigns/:id/tasks/:task_id/assign": same(http.MethodPost, "/api/v1/campaigns/:id/tasks/:task_id/assign",
			jsonBody(map[string]any{"assignee_id": uuid.NewString()}), hCampaign, "task_id="+uuid.NewString()),

		"GET /api/v1/users/:id":                          none("admin only: every other role is refused 403 before any lookup"),
		"PATCH /api/v1/users/:id":                        none("admin only: every other role is refused 403 before any lookup"),
		"POST /api/v1/users/:id/password":                none("admin only: every other role is refused 403 before any lookup"),
		"GET /api/v1/webhooks/:id/deliveries":            none("admin only: every other role is refused 403 before any lookup"),
		"DELETE /api/v1/webhooks/:id":                    none("admin only: every other role is refused 403 before any lookup"),
		"GET /api/v1/checklists/:type/versions/:version": none("checklist versions are public to every role"),
		"POST /api/v1/checklists/:type":                  none("the type is a fixed vocabulary, not an object; office only"),
		"PUT /api/v1/uploads/:token":                     none("the signed token is the credential; there is no caller to hide from"),
		"GET /api/v1/audit/entries/:seq/proof":           none("office and admin only, refused 403 before any lookup; a seq is a place in the log, not an object"),

		// The monthly circular and the leader it names (access_circulars_test.go).
		"GET /api/v1/periods/:period/circular":   none("a period is a month, not an object; office only, refused 403 before any lookup"),
		"POST /api/v1/periods/:period/circulars": none("a period is a month, not an object; office only, refused 403 before any lookup"),
		"GET /api/v1/circulars/:id":              none("every reader of circulars reads every one; volunteers are refused 403 before any lookup"),
		"GET /api/v1/circulars/:id/download":     none("every reader of circulars reads every one; volunteers are refused 403 before any lookup"),
		"PATCH /api/v1/units/:id":                none("office only: every other role is refused 403 before any lookup"),
	}
	// Each domain's further entries, from its own file.
	for _, set := range []map[string]oracle{indicatorOracles()} {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}

// TestEveryIDRouteHasAnOracleEntry: a route naming an object in its path
// must be in oracles(), compared or skipped for a stated reason.
func TestEveryIDRouteHasAnOracleEntry(t *testing.T) {
	e := apitest.New(t, storetestSQLite(t), localObjects(t), "embedded", nil)
	table := oracles()
	seen := map[string]bool{}
	for _, r := range apiRoutes(e.Server.Routes) {
		key := r.Method + " " + r.Path
		seen[key] = true
		if _, ok := table[key]; !ok && strings.Contains(r.Path, ":") {
			t.Errorf("route %s takes an id but has no entry in oracles() (internal/server/oracle_test.go)", key)
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("oracles() names %s, which the router does not serve", key)
		}
	}
}

// problemShape is a response with what identifies one request removed.
func problemShape(t *testing.T, r apitest.Response) (int, any) {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return r.Status, string(r.Body)
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "request_id")
		delete(m, "instance")
	}
	return r.Status, v
}

func TestHiddenObjectsAnswerLikeUnknownOnes(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		f := &fixture{e: e, users: map[auth.Role]auth.User{}}
		for _, r := range all {
			f.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
				map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		}
		h := hideOnUnitB(t, f)
		for key, o := range oracles() {
			if o.skip != "" {
				continue
			}
			t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
				roles := []auth.Role{auth.RoleVolunteer, auth.RoleContractor}
				if o.everyone {
					roles = all
				}
				for _, role := range roles {
					tok := e.Login(f.users[role].Username)
					h := h
					h.former = h.formerBy[role]
					if h.former == "" {
						h.former = h.check
					}
					for i, pair := range o.pairs(f, h) {
						pair[0].Token, pair[1].Token = tok, tok
						hs, hb := problemShape(t, e.Do(pair[0]))
						us, ub := problemShape(t, e.Do(pair[1]))
						if hs != us || !reflect.DeepEqual(hb, ub) {
							t.Errorf("%s, pair %d: hidden answers %d %v; unknown answers %d %v", role, i, hs, hb, us, ub)
						}
						if hs < 400 {
							t.Errorf("%s, pair %d: the hidden object was served: %d %v", role, i, hs, hb)
						}
					}
				}
			})
		}
	})
}

// hideOnUnitB makes, on a Unit B project nobody of Unit A's fixture is
// assigned to, a check with a photo, an order answered by Unit B's
// contractor with a response photo, that contractor's notification, and a
// campaign.
func hideOnUnitB(t *testing.T, f *fixture) hidden {
	t.Helper()
	e := f.e
	ctx := context.Background()
	var h hidden
	h.project = f.newProject(t, "Unit B", false)
	h.own = f.newProject(t, "Unit A", true)
	office := f.users[auth.RoleOffice]
	h.check = f.fileCheck(h.project).ID
	ph, _, err := e.Server.Photos.Upload(ctx, office.Principal(),
		photos.UploadInput{ParentID: h.check, PhotoID: uuid.NewString(), Body: bytes.NewReader(testPhoto(f))})
	if err != nil {
		t.Fatal(err)
	}
	h.photo = ph.ID
	conB := e.CreateUser("contractorb", auth.RoleContractor, "Unit B", "")
	otok, btok := e.Login(office.Username), e.Login(conB.Username)
	r := e.Post("/api/v1/orders", otok, directOrder(h.project))
	apitest.Expect(t, r, http.StatusCreated)
	h.order = r.Map(t)["id"].(string)
	apitest.Expect(t, e.Post("/api/v1/orders/"+h.order+"/acknowledge", btok, map[string]any{}), http.StatusOK)
	b := responseBody()
	r = e.Post("/api/v1/orders/"+h.order+"/responses", btok, b)
	apitest.Expect(t, r, http.StatusCreated)
	h.response = r.Map(t)["responses"].([]any)[0].(map[string]any)["id"].(string)
	body, ct := photoForm(f, b["photo_ids"].([]string)[0])
	apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPost, Token: btok, Body: body, Content: ct,
		Path: "/api/v1/orders/" + h.order + "/responses/" + h.response + "/photos"}), http.StatusCreated)
	h.responsePhoto = b["photo_ids"].([]string)[0]
	r = e.Get("/api/v1/notifications", btok)
	apitest.Expect(t, r, http.StatusOK)
	items := r.Map(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("Unit B's contractor has no notification")
	}
	h.notification = items[0].(map[string]any)["id"].(string)
	h.campaign, _ = f.newCampaign()

	h.formerBy = map[auth.Role]string{}
	watched := f.newProject(t, "Unit A", true)
	h.formerBy[auth.RoleVolunteer] = f.fileCheck(watched).ID
	apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Token: otok,
		Path: "/api/v1/projects/" + watched + "/assignments/" + f.users[auth.RoleVolunteer].ID}), http.StatusNoContent)
	moved := f.newProject(t, "Unit A", false)
	h.formerBy[auth.RoleContractor] = f.fileCheck(moved).ID
	apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Token: otok, Path: "/api/v1/projects/" + moved,
		Body: map[string]any{"responsible_unit": "Unit B"}}), http.StatusOK)
	hideMonthly(t, f, &h, otok, btok)
	return h
}
