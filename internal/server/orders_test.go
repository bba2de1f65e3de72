package server_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/orders/ordersdb"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
)

// orderWorld: a road of Unit A (its volunteer and inspector assigned), one
// user of each role (the contractor of Unit A), a contractor of Unit B and
// a volunteer of another road.
type orderWorld struct {
	e     *apitest.Env
	road  string
	tok   map[auth.Role]string
	users map[auth.Role]auth.User
	// otherContractor is Unit B's; otherVolunteer watches another road.
	otherContractor, otherVolunteer string
}

func newOrderWorld(t *testing.T, e *apitest.Env) *orderWorld {
	t.Helper()
	w := &orderWorld{e: e, tok: map[auth.Role]string{}, users: map[auth.Role]auth.User{}}
	for _, r := range all {
		w.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
			map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		w.tok[r] = e.Login(w.users[r].Username)
	}
	e.CreateUser("contractor2", auth.RoleContractor, "Unit B", "")
	e.CreateUser("volunteer2", auth.RoleVolunteer, "", "JT-0002")
	w.otherContractor, w.otherVolunteer = e.Login("contractor2"), e.Login("volunteer2")
	admin := w.users[auth.RoleAdmin].Principal()
	road, err := e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
		Code: "R-1", Name: "Shizi village road", Category: projects.CatRoad, Township: "Qingshan", Unit: "Unit A",
		Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []auth.Role{auth.RoleVolunteer, auth.RoleInspector} {
		if _, _, err := e.Server.Projects.Assign(context.Background(), admin, road.ID,
			projects.NewAssignment{UserID: w.users[r].ID}); err != nil {
			t.Fatal(err)
		}
	}
	w.road = road.ID
	return w
}

// fileCheck files a check through the API and returns its id.
func (w *orderWorld) fileCheck(t *testing.T, role auth.Role, typ string, answers map[string]any, photoIDs []string, at time.Time) string {
	t.Helper()
	id := uuid.NewString()
	b := map[string]any{"id": id, "project_id": w.road, "type": typ, "template_version": 1, "answers": answers,
		"location":    map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 5},
		"captured_at": at.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)}
	if photoIDs != nil {
		b["photo_ids"] = photoIDs
	}
	apitest.Expect(t, w.e.Post("/api/v1/checks", w.tok[role], b), http.StatusCreated)
	return id
}

func failedSafetyAnswers() map[string]any {
	return map[string]any{"fenced": false, "warning_signs": true, "protective_gear": false, "safe_storage": true,
		"night_lighting": true}
}

func (w *orderWorld) act(t *testing.T, role auth.Role, orderID, action string, body any, want int) map[string]any {
	t.Helper()
	r := w.e.Post("/api/v1/orders/"+orderID+"/"+action, w.tok[role], body)
	apitest.Expect(t, r, want)
	return r.Map(t)
}

func uploadResponsePhoto(t *testing.T, e *apitest.Env, tok, orderID, rid, photoID string, data []byte) apitest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("photo_id", photoID)
	fw, _ := mw.CreateFormFile("file", "IMG_0002.jpg")
	_, _ = fw.Write(data)
	_ = mw.Close()
	return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/orders/" + orderID + "/responses/" + rid + "/photos",
		Token: tok, Body: b.Bytes(), Content: mw.FormDataContentType()})
}

func notifications(t *testing.T, e *apitest.Env, tok string) []map[string]any {
	t.Helper()
	r := e.Get("/api/v1/notifications", tok)
	apitest.Expect(t, r, http.StatusOK)
	var out []map[string]any
	for _, it := range r.Map(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func countEvent(ns []map[string]any, orderID, event string) int {
	n := 0
	for _, x := range ns {
		if x["order_id"] == orderID && x["event"] == event {
			n++
		}
	}
	return n
}

func refused(t *testing.T, m map[string]any, allowed ...string) {
	t.Helper()
	if m["code"] != "transition_not_allowed" {
		t.Fatalf("code %v", m)
	}
	got := fmt.Sprint(m["allowed_actions"])
	if want := fmt.Sprint(toAny(allowed)); got != want {
		t.Errorf("allowed_actions %s, want %s", got, want)
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func timelineActions(m map[string]any) []string {
	var out []string
	for _, e := range m["timeline"].([]any) {
		out = append(out, e.(map[string]any)["action"].(string))
	}
	return out
}

func TestOrderLifecycle(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		// An inspector finds the site unfenced and issues an order from the
		// failed check; the failed items come with it.
		chk := w.fileCheck(t, auth.RoleInspector, "safety", failedSafetyAnswers(), nil, time.Now().Add(-2*time.Hour))
		r := e.Post("/api/v1/orders", w.tok[auth.RoleInspector], map[string]any{"check_id": chk, "severity": "critical",
			"defect": "No fence on the school side", "required_action": "Fence the site", "notes": "third time this year"})
		apitest.Expect(t, r, http.StatusCreated)
		o := r.Map(t)
		id := o["id"].(string)
		// The year is the order's own (its creation in the numbering zone),
		// not a second reading of the wall clock, which may already be in
		// the next year.
		year := orderYear(t, e, o)
		if o["number"] != fmt.Sprintf("ZG-%d-0001", year) || o["status"] != "issued" || o["project_id"] != w.road ||
			fmt.Sprint(o["items"]) != "[fenced protective_gear]" || o["source_check_id"] != chk || o["notes"] != "third time this year" {
			t.Fatalf("issued %v", o)
		}
		deadline, _ := time.Parse(time.RFC3339, o["deadline"].(string))
		if d := time.Until(deadline); d < 71*time.Hour || d > 73*time.Hour {
			t.Errorf("critical default deadline in %v, want 3 days", d)
		}
		// Items that did not fail, and passing checks, are refused.
		bad := e.Post("/api/v1/orders", w.tok[auth.RoleInspector], map[string]any{"check_id": chk, "items": []string{"night_lighting"},
			"severity": "minor", "defect": "x", "required_action": "y"})
		apitest.Expect(t, bad, http.StatusUnprocessableEntity)

		// The unit's contractor is told; nobody else in the unit's stead.
		ns := notifications(t, e, w.tok[auth.RoleContractor])
		if countEvent(ns, id, orders.EventIssued) != 1 || countEvent(notifications(t, e, w.otherContractor), id, orders.EventIssued) != 0 {
			t.Fatalf("notifications %v", ns)
		}
		nid := ns[0]["id"].(string)
		read := e.Post("/api/v1/notifications/"+nid+"/read", w.tok[auth.RoleContractor], nil)
		apitest.Expect(t, read, http.StatusOK)
		if read.Map(t)["read_at"] == nil || len(e.Get("/api/v1/notifications?unread=true", w.tok[auth.RoleContractor]).Map(t)["items"].([]any)) != 0 {
			t.Errorf("read %s", read.Body)
		}
		apitest.Expect(t, e.Post("/api/v1/notifications/"+nid+"/read", w.tok[auth.RoleOffice], nil), http.StatusNotFound)

		// The contractor sees the order without the internal notes; the
		// volunteer the status and steps, not who or why.
		co := e.Get("/api/v1/orders/"+id, w.tok[auth.RoleContractor]).Map(t)
		if _, ok := co["notes"]; ok {
			t.Errorf("contractor sees notes: %v", co)
		}
		vo := e.Get("/api/v1/orders/"+id, w.tok[auth.RoleVolunteer]).Map(t)
		if _, ok := vo["notes"]; ok || vo["status"] != "issued" {
			t.Errorf("volunteer view %v", vo)
		}
		if _, ok := vo["timeline"].([]any)[0].(map[string]any)["actor_id"]; ok {
			t.Errorf("volunteer sees the actor: %v", vo["timeline"])
		}

		// Refused transitions name what is allowed.
		refused(t, w.act(t, auth.RoleContractor, id, "responses", responseBody(), http.StatusConflict), "acknowledge", "cancel")
		refused(t, w.act(t, auth.RoleInspector, id, "verify", map[string]any{"check_id": chk}, http.StatusConflict), "acknowledge", "cancel")
		refused(t, w.act(t, auth.RoleOffice, id, "reject", map[string]any{"reason": "no"}, http.StatusConflict), "acknowledge", "cancel")
		// Roles are judged first: only the contractor acknowledges.
		w.act(t, auth.RoleInspector, id, "acknowledge", nil, http.StatusForbidden)
		w.act(t, auth.RoleContractor, id, "acknowledge", map[string]any{"note": "crew on site tomorrow"}, http.StatusOK)
		refused(t, w.act(t, auth.RoleContractor, id, "acknowledge", nil, http.StatusConflict), "respond", "cancel")

		// The response announces its photo; it is incomplete until stored.
		p1 := uuid.NewString()
		m := w.act(t, auth.RoleContractor, id, "responses", map[string]any{"text": "Fence put up", "photo_ids": []string{p1}},
			http.StatusCreated)
		resp := m["responses"].([]any)[0].(map[string]any)
		rid := resp["id"].(string)
		if m["status"] != "response_submitted" || resp["status"] != "incomplete" {
			t.Fatalf("responded %v", m)
		}
		if countEvent(notifications(t, e, w.tok[auth.RoleOffice]), id, orders.EventResponded) != 1 ||
			countEvent(notifications(t, e, w.tok[auth.RoleInspector]), id, orders.EventResponded) != 1 {
			t.Error("office and inspector not told of the response")
		}
		// Only the response's author (or the office) attaches its photos.
		photo := readPhoto(t, "gps/DSCN0010.jpg")
		apitest.Expect(t, uploadResponsePhoto(t, e, w.tok[auth.RoleInspector], id, rid, p1, photo), http.StatusForbidden)
		apitest.Expect(t, uploadResponsePhoto(t, e, w.otherContractor, id, rid, p1, photo), http.StatusNotFound)
		apitest.Expect(t, uploadResponsePhoto(t, e, w.tok[auth.RoleContractor], id, rid, p1, photo), http.StatusCreated)
		apitest.Expect(t, uploadResponsePhoto(t, e, w.tok[auth.RoleContractor], id, rid, p1, photo), http.StatusOK)
		// The photo pipeline's rules apply: not an image is 415.
		apitest.Expect(t, uploadResponsePhoto(t, e, w.tok[auth.RoleContractor], id, rid, uuid.NewString(), []byte("not an image at all")),
			http.StatusUnsupportedMediaType)
		got := e.Get("/api/v1/orders/"+id, w.tok[auth.RoleContractor]).Map(t)
		resp = got["responses"].([]any)[0].(map[string]any)
		if resp["status"] != "complete" || len(resp["photos"].([]any)) != 1 {
			t.Fatalf("response %v", resp)
		}
		// The photo is the unit's and the county's, not another unit's nor
		// the volunteer's.
		apitest.Expect(t, e.Get("/api/v1/photos/"+p1, w.tok[auth.RoleContractor]), http.StatusOK)
		apitest.Expect(t, e.Get("/api/v1/photos/"+p1, w.tok[auth.RoleInspector]), http.StatusOK)
		apitest.Expect(t, e.Get("/api/v1/photos/"+p1, w.otherContractor), http.StatusNotFound)
		apitest.Expect(t, e.Get("/api/v1/photos/"+p1+"/original", w.otherContractor), http.StatusNotFound)
		apitest.Expect(t, e.Get("/api/v1/photos/"+p1, w.tok[auth.RoleVolunteer]), http.StatusNotFound)
		if len(e.Get("/api/v1/orders/"+id, w.tok[auth.RoleVolunteer]).Map(t)["responses"].([]any)) != 0 {
			t.Error("volunteer sees responses")
		}

		// The contractor never verifies its own order.
		w.act(t, auth.RoleContractor, id, "verify", map[string]any{"check_id": chk}, http.StatusForbidden)
		// A check from before the response, or not a verification, or
		// without photos, does not verify.
		before := w.fileCheck(t, auth.RoleInspector, "verification", map[string]any{"defect_fixed": true,
			"fixed_photo": []string{uuid.NewString()}}, nil, time.Now().Add(-time.Hour))
		for _, c := range []struct{ check, code string }{{chk, "not_verification"}, {before, "before_response"}} {
			m := w.act(t, auth.RoleInspector, id, "verify", map[string]any{"check_id": c.check}, http.StatusUnprocessableEntity)
			if !strings.Contains(fmt.Sprint(m["errors"]), c.code) {
				t.Errorf("verify with %s: %v", c.code, m)
			}
		}
		// A failing verification sends it back with the failed items.
		vp := uuid.NewString()
		failing := w.fileCheck(t, auth.RoleInspector, "verification", map[string]any{"defect_fixed": false,
			"fixed_photo": []string{vp}}, nil, time.Now().Add(time.Minute))
		m = w.act(t, auth.RoleInspector, id, "verify", map[string]any{"check_id": failing}, http.StatusUnprocessableEntity)
		if !strings.Contains(fmt.Sprint(m["errors"]), "no_photos") {
			t.Errorf("no photos: %v", m)
		}
		apitest.Expect(t, uploadPhoto(t, e, w.tok[auth.RoleInspector], failing, vp, readPhoto(t, "gps/DSCN0021.jpg")), http.StatusCreated)
		m = w.act(t, auth.RoleInspector, id, "verify", map[string]any{"check_id": failing, "reason": "fence too low"}, http.StatusOK)
		if m["status"] != "acknowledged" {
			t.Fatalf("after failed verification %v", m)
		}
		tl := m["timeline"].([]any)
		last := tl[len(tl)-1].(map[string]any)
		if last["action"] != "reject" || !strings.Contains(last["reason"].(string), "defect_fixed") || last["check_id"] != failing {
			t.Errorf("reject event %v", last)
		}
		if countEvent(notifications(t, e, w.tok[auth.RoleContractor]), id, orders.EventRejected) != 1 {
			t.Error("contractor not told of the rejection")
		}

		// Second response; the office rejects it outright with a reason.
		w.act(t, auth.RoleContractor, id, "responses", map[string]any{"text": "Fence raised to 1.8 m",
			"photo_ids": []string{uuid.NewString()}}, http.StatusCreated)
		w.act(t, auth.RoleContractor, id, "reject", map[string]any{"reason": "mine"}, http.StatusForbidden)
		w.act(t, auth.RoleOffice, id, "reject", map[string]any{}, http.StatusUnprocessableEntity)
		w.act(t, auth.RoleOffice, id, "reject", map[string]any{"reason": "photo is of another site"}, http.StatusOK)

		// Third response, then a passing verification with a photo closes it.
		w.act(t, auth.RoleContractor, id, "responses", map[string]any{"text": "Fence complete", "photo_ids": []string{uuid.NewString()},
			"location":    map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 8},
			"captured_at": time.Now().Format(time.RFC3339)}, http.StatusCreated)
		vp2 := uuid.NewString()
		passing := w.fileCheck(t, auth.RoleInspector, "verification", map[string]any{"defect_fixed": true,
			"fixed_photo": []string{vp2}}, nil, time.Now().Add(2*time.Minute))
		apitest.Expect(t, uploadPhoto(t, e, w.tok[auth.RoleInspector], passing, vp2, readPhoto(t, "gps/DSCN0029.jpg")), http.StatusCreated)
		m = w.act(t, auth.RoleInspector, id, "verify", map[string]any{"check_id": passing}, http.StatusOK)
		if m["status"] != "closed" || m["verification_check_id"] != passing || m["closed_at"] == nil || m["overdue"] != false {
			t.Fatalf("closed %v", m)
		}
		want := "[issue acknowledge respond reject respond reject respond verify]"
		if got := fmt.Sprint(timelineActions(m)); got != want {
			t.Errorf("timeline %s, want %s", got, want)
		}
		if len(m["responses"].([]any)) != 3 {
			t.Errorf("responses %v", m["responses"])
		}
		// Its evidence report: the defect before, the fix after.
		rep := e.Get("/api/v1/orders/"+id+"/report.pdf?lang=en", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		for _, want := range []string{"%PDF-", m["number"].(string), "Before: the defect", "After: the rectification", passing, vp2} {
			if !pdfHas(rep.Body, want) {
				t.Errorf("order report lacks %q", want)
			}
		}
		apitest.Expect(t, e.Get("/api/v1/orders/"+id+"/report.pdf", w.tok[auth.RoleContractor]), http.StatusForbidden)
		// A closed order takes nothing more.
		refused(t, w.act(t, auth.RoleOffice, id, "cancel", map[string]any{"reason": "late"}, http.StatusConflict))
		refused(t, w.act(t, auth.RoleContractor, id, "acknowledge", nil, http.StatusConflict))

		// Cancelling: the office only, with a reason, then nothing more.
		r = e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		id2 := r.Map(t)["id"].(string)
		second := fmt.Sprintf("ZG-%d-0002", year)
		if y := orderYear(t, e, r.Map(t)); y != year {
			second = fmt.Sprintf("ZG-%d-0001", y) // New Year came between the two
		}
		if r.Map(t)["number"] != second {
			t.Errorf("second number %v", r.Map(t)["number"])
		}
		w.act(t, auth.RoleInspector, id2, "cancel", map[string]any{"reason": "dup"}, http.StatusForbidden)
		w.act(t, auth.RoleOffice, id2, "cancel", map[string]any{"reason": "  "}, http.StatusUnprocessableEntity)
		w.act(t, auth.RoleOffice, id2, "cancel", map[string]any{"reason": "issued twice"}, http.StatusOK)
		refused(t, w.act(t, auth.RoleContractor, id2, "acknowledge", nil, http.StatusConflict))
		// Contractors and volunteers issue none.
		apitest.Expect(t, e.Post("/api/v1/orders", w.tok[auth.RoleContractor], directOrder(w.road)), http.StatusForbidden)
		apitest.Expect(t, e.Post("/api/v1/orders", w.tok[auth.RoleVolunteer], directOrder(w.road)), http.StatusForbidden)

		// The office's dashboard: one closed (with its verification photo),
		// one cancelled; nothing closed without a photo.
		dash := e.Get("/api/v1/dashboard/orders", w.tok[auth.RoleOffice])
		apitest.Expect(t, dash, http.StatusOK)
		var db struct {
			Counts []struct {
				Status string
				Count  int
			}
			DaysToClose struct {
				Closed int
				Median *float64
			} `json:"days_to_close"`
			NoPhoto int `json:"closed_without_verification_photo"`
		}
		dash.JSON(t, &db)
		byStatus := map[string]int{}
		for _, c := range db.Counts {
			byStatus[c.Status] += c.Count
		}
		if byStatus["closed"] != 1 || byStatus["cancelled"] != 1 || db.DaysToClose.Closed != 1 || db.DaysToClose.Median == nil || db.NoPhoto != 0 {
			t.Errorf("dashboard %s", dash.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/dashboard/orders", w.tok[auth.RoleContractor]), http.StatusForbidden)

		// Every write is in the audit log.
		a := e.Get("/api/v1/audit?entity=order&entity_id="+id, w.tok[auth.RoleOffice])
		apitest.Expect(t, a, http.StatusOK)
		if n := len(a.Map(t)["items"].([]any)); n != 8 {
			t.Errorf("audit entries for the order: %d, want 8: %s", n, a.Body)
		}

		// Lists filter by status and severity, and page.
		lst := e.Get("/api/v1/orders?status=closed&severity=critical", w.tok[auth.RoleOffice]).Map(t)["items"].([]any)
		if len(lst) != 1 || lst[0].(map[string]any)["id"] != id {
			t.Errorf("closed critical %v", lst)
		}
		pg := e.Get("/api/v1/orders?limit=1", w.tok[auth.RoleOffice]).Map(t)
		if len(pg["items"].([]any)) != 1 || pg["next_cursor"] == nil {
			t.Fatalf("page %v", pg)
		}
		pg2 := e.Get("/api/v1/orders?limit=1&cursor="+pg["next_cursor"].(string), w.tok[auth.RoleOffice]).Map(t)
		if pg2["items"].([]any)[0].(map[string]any)["id"] != id || pg2["next_cursor"] != nil {
			t.Errorf("second page %v", pg2)
		}
		apitest.Expect(t, e.Get("/api/v1/orders?colour=red", w.tok[auth.RoleOffice]), http.StatusBadRequest)
	})
}

// TestOrderRoutesRefuseOtherUnits: a contractor of another unit and a
// volunteer of another road meet every order route as if the order did not
// exist, and their lists leave it out.
func TestOrderRoutesRefuseOtherUnits(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		r := e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		w.act(t, auth.RoleContractor, id, "acknowledge", nil, http.StatusOK)
		m := w.act(t, auth.RoleContractor, id, "responses", responseBody(), http.StatusCreated)
		rid := m["responses"].([]any)[0].(map[string]any)["id"].(string)
		for _, tok := range []string{w.otherContractor, w.otherVolunteer} {
			apitest.Expect(t, e.Get("/api/v1/orders/"+id, tok), http.StatusNotFound)
			for _, a := range []struct {
				path string
				body any
			}{
				{"acknowledge", nil}, {"responses", responseBody()}, {"verify", map[string]any{"check_id": "x"}},
				{"reject", map[string]any{"reason": "no"}}, {"cancel", map[string]any{"reason": "no"}},
			} {
				r := e.Post("/api/v1/orders/"+id+"/"+a.path, tok, a.body)
				apitest.Expect(t, r, http.StatusNotFound)
				if r.Map(t)["code"] != "order_not_found" {
					t.Errorf("%s: %s", a.path, r.Body)
				}
			}
			apitest.Expect(t, uploadResponsePhoto(t, e, tok, id, rid, uuid.NewString(), readPhoto(t, "gps/DSCN0010.jpg")), http.StatusNotFound)
			for _, q := range []string{"", "?project_id=" + w.road, "?unit_id=" + m["unit_id"].(string)} {
				if items := e.Get("/api/v1/orders"+q, tok).Map(t)["items"].([]any); len(items) != 0 {
					t.Errorf("list%s shows %v", q, items)
				}
			}
		}
		// The unit's own contractor and the road's volunteer do see it.
		for _, role := range []auth.Role{auth.RoleContractor, auth.RoleVolunteer} {
			if items := e.Get("/api/v1/orders", w.tok[role]).Map(t)["items"].([]any); len(items) != 1 {
				t.Errorf("%s list %v", role, items)
			}
		}
	})
}

// TestOrderNumbersUnderConcurrency: 50 orders created at once get 50
// distinct numbers, 0001 to 0050.
func TestOrderNumbersUnderConcurrency(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		const n = 50
		zone := e.Config.Orders.NumberZone
		firstYear := time.Now().In(zone).Year()
		numbers := make(chan string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
				if r.Status != http.StatusCreated {
					t.Errorf("create: %d %s", r.Status, r.Body)
					return
				}
				var o struct{ Number string }
				r.JSON(t, &o)
				numbers <- o.Number
			}()
		}
		wg.Wait()
		close(numbers)
		seen := map[string]bool{}
		for num := range numbers {
			if seen[num] {
				t.Errorf("number %s given twice", num)
			}
			seen[num] = true
		}
		// Each year's numbers run 1..k without a gap; the run may straddle
		// New Year in the numbering zone, so two years are allowed.
		perYear := map[int]int{}
		for num := range seen {
			var y, i int
			if _, err := fmt.Sscanf(num, "ZG-%d-%d", &y, &i); err != nil {
				t.Fatalf("number %q: %v", num, err)
			}
			perYear[y]++
		}
		lastYear := time.Now().In(zone).Year()
		for y, k := range perYear {
			if y != firstYear && y != lastYear {
				t.Errorf("numbers in %d, outside the run's years %d-%d", y, firstYear, lastYear)
			}
			for i := 1; i <= k; i++ {
				if want := fmt.Sprintf("ZG-%d-%04d", y, i); !seen[want] {
					t.Errorf("%s missing (got %d numbers)", want, len(seen))
				}
			}
		}
		if len(seen) != n {
			t.Errorf("%d distinct numbers, want %d", len(seen), n)
		}
	})
}

func TestTriageOfVolunteerReports(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		c1 := w.fileCheck(t, auth.RoleVolunteer, "safety", failedSafetyAnswers(), nil, time.Now().Add(-time.Hour))
		c2 := w.fileCheck(t, auth.RoleVolunteer, "safety", failedSafetyAnswers(), nil, time.Now().Add(-time.Hour))
		w.fileCheck(t, auth.RoleVolunteer, "progress", map[string]any{"percent_complete": 30}, nil, time.Now().Add(-time.Hour))
		queue := func() []string {
			r := e.Get("/api/v1/triage", w.tok[auth.RoleOffice])
			apitest.Expect(t, r, http.StatusOK)
			var ids []string
			for _, it := range r.Map(t)["items"].([]any) {
				ids = append(ids, it.(map[string]any)["check_id"].(string))
			}
			return ids
		}
		if q := fmt.Sprint(queue()); q != fmt.Sprint([]string{c2, c1}) {
			t.Fatalf("queue %s", q)
		}
		apitest.Expect(t, e.Get("/api/v1/triage", w.tok[auth.RoleInspector]), http.StatusForbidden)
		// A volunteer's report cannot skip the office.
		r := e.Post("/api/v1/orders", w.tok[auth.RoleInspector], map[string]any{"check_id": c1, "severity": "major",
			"defect": "no fence", "required_action": "fence"})
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.Body), "triage_required") {
			t.Errorf("%s", r.Body)
		}
		// Dismissed with a reason, once.
		apitest.Expect(t, e.Post("/api/v1/triage/"+c1+"/dismiss", w.tok[auth.RoleOffice], map[string]any{}), http.StatusUnprocessableEntity)
		d := e.Post("/api/v1/triage/"+c1+"/dismiss", w.tok[auth.RoleOffice], map[string]any{"reason": "fenced the next morning"})
		apitest.Expect(t, d, http.StatusOK)
		if m := d.Map(t); m["decision"] != "dismissed" || m["order_id"] != nil {
			t.Errorf("dismissal %v", m)
		}
		again := e.Post("/api/v1/triage/"+c1+"/issue", w.tok[auth.RoleOffice], map[string]any{"severity": "minor",
			"defect": "x", "required_action": "y"})
		apitest.Expect(t, again, http.StatusConflict)
		// Issued from the queue: the order cites the check.
		r = e.Post("/api/v1/triage/"+c2+"/issue", w.tok[auth.RoleOffice], map[string]any{"severity": "major",
			"defect": "No fence along the school side", "required_action": "Fence it", "items": []string{"fenced"}})
		apitest.Expect(t, r, http.StatusCreated)
		o := r.Map(t)
		if o["source_check_id"] != c2 || fmt.Sprint(o["items"]) != "[fenced]" {
			t.Errorf("issued %v", o)
		}
		apitest.Expect(t, e.Post("/api/v1/triage/"+c2+"/dismiss", w.tok[auth.RoleOffice], map[string]any{"reason": "late"}),
			http.StatusConflict)
		if q := queue(); len(q) != 0 {
			t.Errorf("queue after decisions %v", q)
		}
		// The volunteer who reported it follows its status.
		items := e.Get("/api/v1/orders", w.tok[auth.RoleVolunteer]).Map(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["status"] != "issued" {
			t.Errorf("volunteer's list %v", items)
		}
		if _, ok := items[0].(map[string]any)["notes"]; ok {
			t.Error("volunteer sees notes in the list")
		}
	})
}

// orderService is another replica's order service on the same database,
// as its background workers would use it.
func orderService(e *apitest.Env, client *http.Client) *orders.Service {
	return orders.NewService(orders.Deps{Store: ordersdb.New(e.DB), Projects: projectsdb.New(e.DB),
		Checks: e.Server.Checks, Photos: photosdb.NewPhotos(e.DB), Jobs: jobsdb.New(e.DB), Audit: e.Server.Audit, HTTP: client})
}

func TestOverdueEscalatedExactlyOnce(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		hook := e.Post("/api/v1/webhooks", w.tok[auth.RoleAdmin], map[string]any{"url": "http://127.0.0.1:9/never",
			"secret": "0123456789abcdef-secret", "events": []string{"order.overdue"}})
		apitest.Expect(t, hook, http.StatusCreated)
		r := e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		r = e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		notDue := r.Map(t)["id"].(string)

		// The deadline passes (moved back in the database): the office sees
		// it overdue at once, before any job has run.
		sqlDB, err := e.DB.SQL()
		if err != nil {
			t.Fatal(err)
		}
		q := "UPDATE orders SET deadline = $1 WHERE id = $2"
		if e.DB.Dialect() == store.SQLite {
			q = "UPDATE orders SET deadline = ? WHERE id = ?"
		}
		if _, err := sqlDB.Exec(q, time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond), id); err != nil {
			t.Fatal(err)
		}
		items := e.Get("/api/v1/orders?overdue=true", w.tok[auth.RoleOffice]).Map(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id || items[0].(map[string]any)["escalated_at"] != nil {
			t.Fatalf("overdue list %v", items)
		}
		if items := e.Get("/api/v1/orders?overdue=false", w.tok[auth.RoleOffice]).Map(t)["items"].([]any); len(items) != 1 ||
			items[0].(map[string]any)["id"] != notDue {
			t.Errorf("not overdue %v", items)
		}

		// Two replicas, four workers each, run the job at once.
		replicas := []*orders.Service{orderService(e, nil), orderService(e, nil)}
		var total atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := replicas[i%2].EscalateOverdue(context.Background(), time.Now())
				if err != nil {
					t.Errorf("escalate: %v", err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if total.Load() != 1 {
			t.Fatalf("escalated %d times, want once", total.Load())
		}
		// And again later: nothing more.
		if n, err := replicas[0].EscalateOverdue(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		o := e.Get("/api/v1/orders/"+id, w.tok[auth.RoleOffice]).Map(t)
		if o["escalated_at"] == nil || o["overdue"] != true || strings.Count(fmt.Sprint(timelineActions(o)), "escalate") != 1 {
			t.Errorf("escalated order %v", o)
		}
		for _, role := range []auth.Role{auth.RoleOffice, auth.RoleContractor} {
			if n := countEvent(notifications(t, e, w.tok[role]), id, orders.EventOverdue); n != 1 {
				t.Errorf("%s got %d overdue notifications", role, n)
			}
		}
		d := e.Get("/api/v1/webhooks/"+hook.Map(t)["id"].(string)+"/deliveries", w.tok[auth.RoleAdmin])
		apitest.Expect(t, d, http.StatusOK)
		if ds := d.Map(t)["items"].([]any); len(ds) != 1 || ds[0].(map[string]any)["event"] != "order.overdue" {
			t.Errorf("deliveries %v", ds)
		}
	})
}

func TestWebhookSignedAndRetried(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		const secret = "county-messaging-secret-0123"
		var calls atomic.Int64
		type got struct {
			sig, event string
			body       []byte
		}
		received := make(chan got, 10)
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if calls.Add(1) <= 2 {
				rw.WriteHeader(http.StatusBadGateway)
				return
			}
			received <- got{sig: r.Header.Get("X-Fieldproof-Signature"), event: r.Header.Get("X-Fieldproof-Event"), body: b}
			rw.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
			t.Fatalf("test server at %s", srv.URL)
		}
		apitest.Expect(t, e.Post("/api/v1/webhooks", w.tok[auth.RoleOffice], map[string]any{"url": srv.URL,
			"secret": secret}), http.StatusForbidden)
		apitest.Expect(t, e.Post("/api/v1/webhooks", w.tok[auth.RoleAdmin], map[string]any{"url": "ftp://x",
			"secret": secret}), http.StatusUnprocessableEntity)
		hook := e.Post("/api/v1/webhooks", w.tok[auth.RoleAdmin], map[string]any{"url": srv.URL, "secret": secret,
			"events": []string{"order.issued"}})
		apitest.Expect(t, hook, http.StatusCreated)
		if strings.Contains(string(hook.Body), secret) {
			t.Error("the secret is echoed")
		}
		hid := hook.Map(t)["id"].(string)
		r := e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road))
		apitest.Expect(t, r, http.StatusCreated)
		number := r.Map(t)["number"].(string)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		svc := orderService(e, &http.Client{Timeout: 5 * time.Second})
		worker := &jobs.Worker{Store: jobsdb.New(e.DB), Name: "test-webhooks", Handlers: svc.Handlers(),
			Poll: 10 * time.Millisecond, BackoffBase: 20 * time.Millisecond, BackoffMax: 50 * time.Millisecond}
		done := make(chan struct{})
		go func() { _ = worker.Run(ctx); close(done) }()
		var g got
		select {
		case g = <-received:
		case <-time.After(20 * time.Second):
			t.Fatalf("not delivered after %d calls", calls.Load())
		}
		// The endpoint has answered; wait for the worker to log it.
		deliveries := func() []any {
			d := e.Get("/api/v1/webhooks/"+hid+"/deliveries", w.tok[auth.RoleAdmin])
			apitest.Expect(t, d, http.StatusOK)
			return d.Map(t)["items"].([]any)
		}
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if ds := deliveries(); len(ds) == 1 && ds[0].(map[string]any)["status"] == "delivered" {
				break
			}
		}
		cancel()
		<-done
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(g.body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); g.sig != want {
			t.Errorf("signature %s, want %s", g.sig, want)
		}
		if g.event != "order.issued" || !bytes.Contains(g.body, []byte(number)) {
			t.Errorf("event %s body %s", g.event, g.body)
		}
		ds := deliveries()
		if len(ds) != 1 {
			t.Fatalf("deliveries %v", ds)
		}
		dl := ds[0].(map[string]any)
		var codes []any
		for _, a := range dl["log"].([]any) {
			codes = append(codes, a.(map[string]any)["status_code"])
		}
		if dl["status"] != "delivered" || dl["attempts"] != float64(3) || fmt.Sprint(codes) != "[502 502 204]" {
			t.Errorf("delivery %v", dl)
		}
		apitest.Expect(t, e.Get("/api/v1/webhooks", w.tok[auth.RoleAdmin]), http.StatusOK)
	})
}

// The office exports orders to its spreadsheet and its map: every order in
// the CSV, only the open ones on the map, no internal notes in either.
func TestOrderExports(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		office := w.tok[auth.RoleOffice]
		open := directOrder(w.road)
		open["notes"] = "=HYPERLINK(\"internal\")"
		apitest.Expect(t, e.Post("/api/v1/orders", office, open), http.StatusCreated)
		r := e.Post("/api/v1/orders", office, directOrder(w.school))
		apitest.Expect(t, r, http.StatusCreated)
		cancelled := r.Map(t)["id"].(string)
		apitest.Expect(t, e.Post("/api/v1/orders/"+cancelled+"/cancel", office, map[string]any{"reason": "issued twice"}), http.StatusOK)

		csv := e.Get("/api/v1/exports/orders.csv", office)
		apitest.Expect(t, csv, http.StatusOK)
		lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\r\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "\ufeffnumber,id,project_code") || strings.Contains(string(csv.Body), "HYPERLINK") {
			t.Fatalf("orders.csv:\n%s", csv.Body)
		}
		geo := e.Get("/api/v1/exports/orders.geojson", office)
		apitest.Expect(t, geo, http.StatusOK)
		var fc struct {
			Type     string
			Features []struct {
				Geometry   *struct{ Type string }
				Properties map[string]any
			}
		}
		geo.JSON(t, &fc)
		if fc.Type != "FeatureCollection" || len(fc.Features) != 1 || fc.Features[0].Properties["status"] != "issued" {
			t.Fatalf("orders.geojson %s", geo.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/exports/orders.csv?colour=red", office), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/exports/orders.csv", w.tok[auth.RoleContractor]), http.StatusForbidden)
	})
}

// orderYear is the year an order is numbered in: its creation time in the
// numbering zone.
func orderYear(t *testing.T, e *apitest.Env, o map[string]any) int {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(o["created_at"]))
	if err != nil {
		t.Fatalf("order created_at %v: %v", o["created_at"], err)
	}
	return at.In(e.Config.Orders.NumberZone).Year()
}
