package projectapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/httpapi/projectapi"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/org/orgdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

var now = time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC)

type api struct {
	t      *testing.T
	db     *store.DB
	engine *gin.Engine
	users  map[string]auth.Principal
}

// newAPI mounts the routes on a bare engine over SQLite. The caller is
// chosen per request by the X-Test-User header, standing in for the auth
// middleware.
func newAPI(t *testing.T) *api {
	t.Helper()
	gin.SetMode(gin.TestMode)
	db := storetest.SQLite(t)
	orgs := org.NewService(orgdb.New(db))
	svc := projects.NewService(projectsdb.New(db), orgs, func() time.Time { return now },
		projects.Options{DefaultGeofenceM: 300, MaxVolunteersPerProject: 4})
	a := &api{t: t, db: db, engine: gin.New(), users: map[string]auth.Principal{}}
	g := a.engine.Group("/api/v1", func(c *gin.Context) {
		p, ok := a.users[c.GetHeader("X-Test-User")]
		if !ok {
			respond.Status(c, http.StatusUnauthorized, "missing_token", "no test user")
			return
		}
		c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
	})
	projectapi.Register(g, svc, orgs)
	a.user("office", auth.RoleOffice, "", "")
	return a
}

func (a *api) user(username string, role auth.Role, unitID, badge string) auth.Principal {
	a.t.Helper()
	u := auth.User{ID: uuid.Must(uuid.NewV7()).String(), Username: username, DisplayName: strings.ToUpper(username),
		Role: role, UnitID: unitID, BadgeNo: badge, Phone: "13912345678", PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if err := authdb.New(a.db).CreateUser(context.Background(), u); err != nil {
		a.t.Fatal(err)
	}
	a.users[username] = u.Principal()
	return u.Principal()
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) m(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

func (a *api) do(method, path, user, ct string, body any) resp {
	a.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("X-Test-User", user)
	rec := httptest.NewRecorder()
	a.engine.ServeHTTP(rec, req)
	return resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func expect(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

func expectProblem(t *testing.T, r resp, status int, code string) map[string]any {
	t.Helper()
	expect(t, r, status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, respond.ProblemContentType) {
		t.Fatalf("content type %q", ct)
	}
	body := r.m(t)
	if body["code"] != code {
		t.Fatalf("code %v, want %s: %s", body["code"], code, r.body)
	}
	return body
}

func fieldNames(body map[string]any) map[string]bool {
	out := map[string]bool{}
	list, _ := body["errors"].([]any)
	for _, e := range list {
		out[e.(map[string]any)["field"].(string)] = true
	}
	return out
}

const roadJSON = `{"code":"2026-RD-001","name":"Zhangjia road","category":"road","township":"Chengguan",
 "responsible_unit":"County Transport Bureau","responsible_leader":"Wang","contractor":{"name":"Hengda","contact":"0931"},
 "budget":1234567.89,"funding_source":"provincial","planned_start":"2026-01-01","planned_end":"2026-12-31",
 "target_quantity":22.5,"target_unit":"km",
 "route":{"type":"LineString","coordinates":[[104.1,35.1],[104.2,35.2]]}}`

func TestCreate201(t *testing.T) {
	a := newAPI(t)
	r := a.do("POST", "/api/v1/projects", "office", "application/json", roadJSON)
	expect(t, r, http.StatusCreated)
	body := r.m(t)
	if loc := r.header.Get("Location"); loc != "/api/v1/projects/"+body["id"].(string) {
		t.Fatalf("Location %q", loc)
	}
	if !bytes.Contains(r.body, []byte(`"budget":1234567.89`)) {
		t.Fatalf("budget must be an exact decimal number: %s", r.body)
	}
	checks := map[string]any{"code": "2026-RD-001", "township": "Chengguan", "responsible_unit": "County Transport Bureau",
		"planned_start": "2026-01-01", "status": "planned", "geofence_m": 300.0, "elapsed_percent": 50.0,
		"behind_schedule": true, "has_route": true, "created_at": "2026-07-02T12:00:00Z"}
	for k, want := range checks {
		if body[k] != want {
			t.Errorf("%s = %v, want %v", k, body[k], want)
		}
	}
	prog := body["progress"].(map[string]any)
	if prog["percent"] != 0.0 || prog["quantity"] != nil || prog["date"] != nil {
		t.Errorf("progress %v", prog)
	}
	loc := body["location"].(map[string]any)
	if loc["lat"] != 35.1 || loc["lon"] != 104.1 {
		t.Errorf("location %v", loc)
	}
	if body["route"].(map[string]any)["type"] != "LineString" {
		t.Errorf("route %v", body["route"])
	}
	expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json", roadJSON), http.StatusConflict, "duplicate_code")
}

func TestCreateBadBodies(t *testing.T) {
	a := newAPI(t)
	body := expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json",
		`{"code":"","name":"x","category":"bridge","township":"T","responsible_unit":"U","planned_start":"2026-02-30",
		  "location":{"lat":95,"lon":104}}`), http.StatusUnprocessableEntity, "validation_failed")
	got := fieldNames(body)
	for _, f := range []string{"code", "category", "planned_start", "location.lat"} {
		if !got[f] {
			t.Errorf("field %s not reported: %v", f, got)
		}
	}
	body = expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json",
		`{"code":"A","name":"x","category":"road","township":"T","responsible_unit":"U","colour":"red"}`),
		http.StatusBadRequest, "unknown_field")
	if !fieldNames(body)["colour"] {
		t.Errorf("unknown field not named: %v", body)
	}
	expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json", `{"code":`), http.StatusBadRequest, "invalid_json")
	expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json", `{"budget":"lots"}`), http.StatusBadRequest, "invalid_json")
	body = expectProblem(t, a.do("POST", "/api/v1/projects", "office", "application/json",
		`{"code":"A","name":"x","category":"road","township":"T","responsible_unit":"U","location":{"lat":35}}`),
		http.StatusBadRequest, "validation_failed")
	if !fieldNames(body)["location.lon"] {
		t.Errorf("missing lon not named: %v", body)
	}
	expectProblem(t, a.do("POST", "/api/v1/projects", "office", "text/plain", `{}`), http.StatusUnsupportedMediaType, "unsupported_media_type")
	a.user("insp", auth.RoleInspector, "", "")
	expectProblem(t, a.do("POST", "/api/v1/projects", "insp", "application/json", roadJSON), http.StatusForbidden, "forbidden")
}

func TestGetNotFound(t *testing.T) {
	a := newAPI(t)
	for _, path := range []string{"/api/v1/projects/not-a-uuid", "/api/v1/projects/" + uuid.NewString(),
		"/api/v1/projects/1' OR '1'='1/progress"} {
		expectProblem(t, a.do("GET", strings.ReplaceAll(path, " ", "%20"), "office", "", nil), http.StatusNotFound, "project_not_found")
	}
	expectProblem(t, a.do("PATCH", "/api/v1/projects/xyz", "office", "application/json", `{}`), http.StatusNotFound, "project_not_found")
}

func TestPatch(t *testing.T) {
	a := newAPI(t)
	id := a.do("POST", "/api/v1/projects", "office", "application/json", roadJSON).m(t)["id"].(string)
	path := "/api/v1/projects/" + id
	r := a.do("PATCH", path, "office", "application/json", `{"budget":null,"contractor":{"contact":"139"},"geofence_m":800}`)
	expect(t, r, http.StatusOK)
	body := r.m(t)
	if body["budget"] != nil || body["geofence_m"] != 800.0 || body["contractor"].(map[string]any)["name"] != "Hengda" ||
		body["contractor"].(map[string]any)["contact"] != "139" || body["funding_source"] != "provincial" {
		t.Fatalf("patched: %s", r.body)
	}
	// The code never changes, and status has its own endpoint.
	expectProblem(t, a.do("PATCH", path, "office", "application/json", `{"code":"NEW"}`), http.StatusBadRequest, "unknown_field")
	expectProblem(t, a.do("PATCH", path, "office", "application/json", `{"status":"completed"}`), http.StatusBadRequest, "unknown_field")
	expectProblem(t, a.do("PATCH", path, "office", "application/json", `{"location":{"lat":1,"lon":2,"alt":3}}`), http.StatusBadRequest, "unknown_field")
	expectProblem(t, a.do("PATCH", path, "office", "application/json", `{"planned_end":"2025-01-01"}`),
		http.StatusUnprocessableEntity, "validation_failed")
}

func TestStatusAndProgress(t *testing.T) {
	a := newAPI(t)
	id := a.do("POST", "/api/v1/projects", "office", "application/json", roadJSON).m(t)["id"].(string)
	base := "/api/v1/projects/" + id
	body := expectProblem(t, a.do("POST", base+"/status", "office", "application/json", `{"status":"accepted"}`),
		http.StatusConflict, "invalid_transition")
	if allowed, _ := body["allowed"].([]any); len(allowed) != 2 || allowed[0] != "under_construction" {
		t.Fatalf("allowed %v", body["allowed"])
	}
	r := a.do("POST", base+"/status", "office", "application/json", `{"status":"under_construction"}`)
	expect(t, r, http.StatusOK)
	r = a.do("POST", base+"/progress", "office", "application/json", `{"date":"2026-06-30","quantity":13.5,"note":"June"}`)
	expect(t, r, http.StatusCreated)
	if rep := r.m(t); rep["percent"] != 60.0 || rep["date"] != "2026-06-30" {
		t.Fatalf("report %s", r.body)
	}
	got := a.do("GET", base, "office", "", nil).m(t)
	if got["behind_schedule"] != false || got["progress"].(map[string]any)["percent"] != 60.0 {
		t.Fatalf("after report: %v", got)
	}
	hist := a.do("GET", base+"/progress", "office", "", nil).m(t)
	if items := hist["items"].([]any); len(items) != 1 {
		t.Fatalf("history %v", hist)
	}
}

func TestListWithCursor(t *testing.T) {
	a := newAPI(t)
	for _, code := range []string{"C-3", "C-1", "C-2"} {
		expect(t, a.do("POST", "/api/v1/projects", "office", "application/json",
			strings.Replace(roadJSON, "2026-RD-001", code, 1)), http.StatusCreated)
	}
	r := a.do("GET", "/api/v1/projects?limit=2", "office", "", nil)
	expect(t, r, http.StatusOK)
	page := r.m(t)
	items := page["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["code"] != "C-1" || items[0].(map[string]any)["route"] != nil {
		t.Fatalf("page 1: %s", r.body)
	}
	cursor, ok := page["next_cursor"].(string)
	if !ok || cursor == "" {
		t.Fatalf("no cursor: %s", r.body)
	}
	page = a.do("GET", "/api/v1/projects?limit=2&cursor="+cursor, "office", "", nil).m(t)
	items = page["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["code"] != "C-3" || page["next_cursor"] != nil {
		t.Fatalf("page 2: %v", page)
	}
	page = a.do("GET", "/api/v1/projects?q=c-2&behind_schedule=true&bbox=104,35,105,36", "office", "", nil).m(t)
	if items := page["items"].([]any); len(items) != 1 {
		t.Fatalf("filtered: %v", page)
	}
	for q, field := range map[string]string{"limit=500": "limit", "limit=ten": "limit", "colour=red": "colour",
		"behind_schedule=yes": "behind_schedule", "bbox=1,2,3": "bbox", "status=open": "status",
		"cursor=%21%21": "cursor", "status=planned&status=completed": "status"} {
		body := expectProblem(t, a.do("GET", "/api/v1/projects?"+q, "office", "", nil), http.StatusBadRequest, "validation_failed")
		if !fieldNames(body)[field] {
			t.Errorf("%s: field %s not named: %v", q, field, body)
		}
	}
}

func TestImportAndAssignments(t *testing.T) {
	a := newAPI(t)
	csv := "code,name,category,township,responsible_unit\nR-1,Road one,road,Chengguan,Transport\nR-2,Road two,road,Lijia,Transport\n"
	r := a.do("POST", "/api/v1/projects/import", "office", "text/csv; charset=utf-8", csv)
	expect(t, r, http.StatusCreated)
	res := r.m(t)
	if res["created"] != 2.0 {
		t.Fatalf("import: %s", r.body)
	}
	expectProblem(t, a.do("POST", "/api/v1/projects/import", "office", "text/csv; charset=gbk", csv),
		http.StatusUnsupportedMediaType, "unsupported_media_type")
	expectProblem(t, a.do("POST", "/api/v1/projects/import", "office", "application/vnd.ms-excel", csv),
		http.StatusUnsupportedMediaType, "unsupported_media_type")

	id := res["items"].([]any)[0].(map[string]any)["id"].(string)
	vol := a.user("vol", auth.RoleVolunteer, "", "B-7")
	r = a.do("POST", "/api/v1/projects/"+id+"/assignments", "office", "application/json", map[string]string{"user_id": vol.UserID})
	expect(t, r, http.StatusCreated)
	r = a.do("POST", "/api/v1/projects/"+id+"/assignments", "office", "application/json", map[string]string{"user_id": vol.UserID})
	expect(t, r, http.StatusOK)
	r = a.do("GET", "/api/v1/projects/"+id+"/assignments", "vol", "", nil)
	expect(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte("13912345678")) || !bytes.Contains(r.body, []byte(`"badge_no":"B-7"`)) {
		t.Fatalf("assignment list leaks or lacks fields: %s", r.body)
	}
	expect(t, a.do("DELETE", "/api/v1/projects/"+id+"/assignments/"+vol.UserID, "office", "", nil), http.StatusNoContent)
	expectProblem(t, a.do("DELETE", "/api/v1/projects/"+id+"/assignments/nobody", "office", "", nil),
		http.StatusNotFound, "assignment_not_found")
	// Unassigned, the volunteer no longer sees the project at all.
	expectProblem(t, a.do("GET", "/api/v1/projects/"+id, "vol", "", nil), http.StatusNotFound, "project_not_found")
}

func TestOrgLists(t *testing.T) {
	a := newAPI(t)
	expect(t, a.do("POST", "/api/v1/townships", "office", "application/json", `{"name":"Chengguan"}`), http.StatusCreated)
	expectProblem(t, a.do("POST", "/api/v1/townships", "office", "application/json", `{"name":"Chengguan"}`),
		http.StatusConflict, "township_exists")
	r := a.do("POST", "/api/v1/units", "office", "application/json", `{"name":"Hengda","kind":"contractor"}`)
	expect(t, r, http.StatusCreated)
	if r.m(t)["kind"] != "contractor" {
		t.Fatalf("unit %s", r.body)
	}
	a.user("vol", auth.RoleVolunteer, "", "B-1")
	expectProblem(t, a.do("POST", "/api/v1/units", "vol", "application/json", `{"name":"X"}`), http.StatusForbidden, "forbidden")
	list := a.do("GET", "/api/v1/townships", "vol", "", nil).m(t)
	if items := list["items"].([]any); len(items) != 1 {
		t.Fatalf("townships %v", list)
	}
}
