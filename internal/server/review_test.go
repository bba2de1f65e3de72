package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review/reviewdb"
	"github.com/fieldproof/fieldproof/internal/store"
)

// reviewWorld is a county whose projects each land in a known dashboard
// list, relative to today (the server's clock is the real one):
//
//	A-ROAD   under construction, 10 % done, 55 % of its year gone: behind; an inspector's failed checks
//	B-SCHOOL under construction, 90 % done: on track; only a volunteer's check lately, an inspector's 40 days ago
//	C-CULT   planned, nothing done, 55 % gone: behind and zero progress; never inspected
//	D-POST   planned, started ten days ago, nothing done: behind, not yet at mid-schedule; never inspected
//	E-FUTURE planned to start in a month: nothing to say
//	F-LIB    completed: nothing to say (carries the bulk checks that make exports span batches)
type reviewWorld struct {
	e     *apitest.Env
	users map[auth.Role]auth.User
	tok   map[auth.Role]string
	p     map[string]projects.Project
	// failedA are A's failed checks: [0], [1] stand; [2] is cited by an
	// order and [3] dismissed in triage once orders exist.
	failedA  []checks.Check
	checkIDs []string
}

var reviewRoute = [][]float64{{112.900, 28.200}, {112.910, 28.200}, {112.910, 28.210}}

func day(t time.Time) string { return t.UTC().Format(projects.DateLayout) }

func newReviewWorld(t *testing.T, e *apitest.Env, bulk int) *reviewWorld {
	t.Helper()
	ctx := context.Background()
	w := &reviewWorld{e: e, users: map[auth.Role]auth.User{}, tok: map[auth.Role]string{}, p: map[string]projects.Project{}}
	for _, r := range all {
		w.users[r] = e.CreateUser(string(r)+"1", r, map[auth.Role]string{auth.RoleContractor: "Unit A"}[r],
			map[auth.Role]string{auth.RoleVolunteer: "JT-0001"}[r])
		w.tok[r] = e.Login(w.users[r].Username)
	}
	admin := w.users[auth.RoleAdmin].Principal()
	now := time.Now().UTC()
	yearStart, yearEnd := day(now.AddDate(0, 0, -200)), day(now.AddDate(0, 0, 165))
	type spec struct {
		code, name string
		cat        projects.Category
		status     projects.Status
		start, end string
		percent    float64
	}
	for _, s := range []spec{
		{"A-ROAD", "双溪村道路 =HYPERLINK(\"http://evil\")", projects.CatRoad, projects.StatusUnderConstruction, yearStart, yearEnd, 10},
		{"B-SCHOOL", "Qingshan school", projects.CatSchool, projects.StatusUnderConstruction, yearStart, yearEnd, 90},
		{"C-CULT", "=1+2 文化站", projects.CatCulturalStation, projects.StatusPlanned, yearStart, yearEnd, 0},
		{"D-POST", "Town post office", projects.CatPostOffice, projects.StatusPlanned, day(now.AddDate(0, 0, -10)), day(now.AddDate(0, 0, 355)), 0},
		{"E-FUTURE", "Future clinic", projects.CatClinic, projects.StatusPlanned, day(now.AddDate(0, 0, 30)), day(now.AddDate(0, 0, 300)), 0},
		{"F-LIB", "Farmhouse library", projects.CatLibrary, projects.StatusCompleted, day(now.AddDate(-1, 0, 0)), day(now.AddDate(0, 0, -30)), 0},
	} {
		np := projects.NewProject{Code: s.code, Name: s.name, Category: s.cat, Township: "Qingshan", Unit: "Unit A",
			ResponsibleLeader: "Li Ming", Contractor: projects.Contractor{Name: "Hengda Road Co.", Contact: "0731-5550101"},
			Budget: "1850000", FundingSource: "provincial grant", Status: s.status, PlannedStart: s.start, PlannedEnd: s.end,
			Location: &projects.Point{Lat: 28.3, Lon: 112.8}}
		if s.cat == projects.CatRoad {
			np.Location = nil
			np.Route = &projects.GeoLine{Type: "LineString", Coordinates: reviewRoute}
		}
		p, err := e.Server.Projects.Create(ctx, admin, np)
		if err != nil {
			t.Fatalf("create %s: %v", s.code, err)
		}
		if s.percent > 0 {
			pct := s.percent
			if _, err := e.Server.Projects.ReportProgress(ctx, admin, p.ID, projects.NewProgress{Date: day(now), Percent: &pct}); err != nil {
				t.Fatalf("progress %s: %v", s.code, err)
			}
		}
		w.p[s.code] = p
	}
	if _, _, err := e.Server.Projects.Assign(ctx, admin, w.p["B-SCHOOL"].ID, projects.NewAssignment{UserID: w.users[auth.RoleVolunteer].ID}); err != nil {
		t.Fatal(err)
	}
	file := func(role auth.Role, code string, percent float64, notes string, captured time.Time) checks.Check {
		t.Helper()
		c, _, err := e.Server.Checks.Create(ctx, w.users[role].Principal(), checks.NewCheck{ID: uuid.NewString(),
			ProjectID: w.p[code].ID, Type: "progress", TemplateVersion: 1, Answers: map[string]any{"percent_complete": percent},
			Notes: notes, Location: checks.Location{Lat: 28.2, Lon: 112.905, AccuracyM: 5},
			CapturedAt: captured.In(time.FixedZone("CST", 8*3600))})
		if err != nil {
			t.Fatalf("file check on %s: %v", code, err)
		}
		w.checkIDs = append(w.checkIDs, c.ID)
		return c
	}
	for i, role := range []auth.Role{auth.RoleInspector, auth.RoleOffice, auth.RoleInspector, auth.RoleOffice} {
		w.failedA = append(w.failedA, file(role, "A-ROAD", -1, []string{"@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0", "plain"}[i],
			now.Add(-time.Duration(i+1)*time.Hour)))
	}
	file(auth.RoleVolunteer, "B-SCHOOL", 50, "", now.Add(-time.Hour))
	file(auth.RoleInspector, "B-SCHOOL", 50, "", now.AddDate(0, 0, -40))
	for range bulk {
		file(auth.RoleOffice, "F-LIB", 100, "", now.Add(-3*time.Hour))
	}
	return w
}

// ordersLinked reports whether the orders table exists (migration 00007).
func ordersLinked(t *testing.T, db *store.DB) bool {
	t.Helper()
	orders, err := reviewdb.NewOrders(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return orders.Linked()
}

// execSQL runs a statement written with ? placeholders on either engine.
func execSQL(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if db.Dialect() == store.Postgres {
		n := 0
		var b strings.Builder
		for _, r := range q {
			if r == '?' {
				n++
				b.WriteString("$" + strconv.Itoa(n))
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// addOrders gives A four orders (issued citing failedA[2], answered,
// closed, cancelled) and dismisses failedA[3] in triage, straight into the
// orders tables: this suite tests the review, not the order lifecycle.
func (w *reviewWorld) addOrders(t *testing.T) {
	t.Helper()
	a := w.p["A-ROAD"]
	now := time.Now().UTC()
	for i, o := range []struct{ status, source string }{
		{"issued", w.failedA[2].ID}, {"response_submitted", ""}, {"closed", ""}, {"cancelled", ""},
	} {
		execSQL(t, w.e.DB, `INSERT INTO orders (id, number, project_id, unit_id, source_check_id, items, defect, severity,
			required_action, deadline, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '[]', 'defect', 'major',
			'fix it', ?, ?, ?, ?, ?)`, uuid.NewString(), fmt.Sprintf("ZG-T-%04d", i+1), a.ID, a.UnitID, o.source,
			now.Add(72*time.Hour), o.status, w.users[auth.RoleOffice].ID, now, now)
	}
	execSQL(t, w.e.DB, `INSERT INTO order_triage (check_id, decision, reason, order_id, decided_by, decided_at)
		VALUES (?, 'dismissed', 'not a defect', '', ?, ?)`, w.failedA[3].ID, w.users[auth.RoleOffice].ID, now)
}

// publicKeys is the allow-list of the public list: every key of every
// object in the body must be one of these.
var publicKeys = map[string]bool{
	"items": true, "code": true, "name": true, "category": true, "township": true, "responsible_unit": true,
	"status": true, "planned_start": true, "planned_end": true, "progress_percent": true, "progress_quantity": true,
	"target_quantity": true, "target_unit": true, "progress_date": true, "behind_schedule": true,
	"open_orders": true, "closed_orders": true,
	// The schedule status (序时进度), derived from the published progress
	// and dates; its gap is left out (it changes by the second).
	"schedule_status": true,
}

func walkKeys(v any, visit func(key string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			visit(k)
			walkKeys(vv, visit)
		}
	case []any:
		for _, vv := range x {
			walkKeys(vv, visit)
		}
	}
}

func TestPublicProjectsDiscloseNoPersonalData(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newReviewWorld(t, e, 0)
		linked := ordersLinked(t, e.DB)
		if linked {
			w.addOrders(t)
		}
		r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects"})
		apitest.Expect(t, r, http.StatusOK)

		var body any
		r.JSON(t, &body)
		walkKeys(body, func(k string) {
			if !publicKeys[k] {
				t.Errorf("public list carries %q, which is not on the allow-list", k)
			}
		})
		// Belt and braces: no personal value anywhere in the bytes.
		secrets := []string{"Li Ming", "Hengda", "0731-5550101", "1850000", "provincial grant", "JT-0001", "28.2", "112.9"}
		for _, u := range w.users {
			secrets = append(secrets, u.ID, u.Username)
		}
		secrets = append(secrets, w.checkIDs...)
		for _, p := range w.p {
			secrets = append(secrets, p.ID)
		}
		for _, s := range secrets {
			if bytes.Contains(r.Body, []byte(s)) {
				t.Errorf("public list contains %q", s)
			}
		}

		items := body.(map[string]any)["items"].([]any)
		if len(items) != len(w.p) {
			t.Fatalf("%d public projects, want %d", len(items), len(w.p))
		}
		byCode := map[string]map[string]any{}
		for _, it := range items {
			m := it.(map[string]any)
			byCode[m["code"].(string)] = m
		}
		a := byCode["A-ROAD"]
		if a["behind_schedule"] != true || a["progress_percent"] != 10.0 || a["responsible_unit"] != "Unit A" ||
			a["planned_start"] != w.p["A-ROAD"].PlannedStart.Format(projects.DateLayout) {
			t.Errorf("A-ROAD = %v", a)
		}
		if byCode["B-SCHOOL"]["behind_schedule"] != false {
			t.Errorf("B-SCHOOL = %v", byCode["B-SCHOOL"])
		}
		wantOpen, wantClosed := 0.0, 0.0
		if linked {
			wantOpen, wantClosed = 2, 1 // issued + response_submitted; closed; cancelled is neither
		}
		if a["open_orders"] != wantOpen || a["closed_orders"] != wantClosed {
			t.Errorf("A-ROAD orders open %v closed %v, want %v %v", a["open_orders"], a["closed_orders"], wantOpen, wantClosed)
		}
		if byCode["B-SCHOOL"]["open_orders"] != 0.0 || byCode["B-SCHOOL"]["closed_orders"] != 0.0 {
			t.Errorf("B-SCHOOL orders = %v", byCode["B-SCHOOL"])
		}

		// A strong ETag of the exact body; revalidation answers 304.
		sum := sha256.Sum256(r.Body)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:]) + `"`
		if got := r.Header.Get("ETag"); got != etag {
			t.Fatalf("ETag %q, want %q", got, etag)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
			t.Errorf("Cache-Control %q", cc)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			nm := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects", Header: map[string]string{"If-None-Match": inm}})
			if nm.Status != http.StatusNotModified || len(nm.Body) != 0 || nm.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match %s: %d %q etag %q", inm, nm.Status, nm.Body, nm.Header.Get("ETag"))
			}
		}
		stale := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects", Header: map[string]string{"If-None-Match": `"stale"`}})
		apitest.Expect(t, stale, http.StatusOK)
		if !bytes.Equal(stale.Body, r.Body) {
			t.Error("the same data gave another body")
		}

		// New data, new tag.
		pct := 20.0
		if _, err := e.Server.Projects.ReportProgress(context.Background(), w.users[auth.RoleAdmin].Principal(), w.p["A-ROAD"].ID,
			projects.NewProgress{Date: day(time.Now()), Percent: &pct}); err != nil {
			t.Fatal(err)
		}
		after := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects", Header: map[string]string{"If-None-Match": etag}})
		apitest.Expect(t, after, http.StatusOK)
		if after.Header.Get("ETag") == etag {
			t.Error("ETag did not change with the data")
		}
	})
}

func TestPublicProjectsRateLimited(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		// Fixed windows: a loop that straddles a window boundary is let
		// through once more, so allow up to two windows' worth.
		const limit = 60
		for i := 1; i <= 2*limit+1; i++ {
			r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/public/v1/projects"})
			if r.Status == http.StatusOK {
				continue
			}
			apitest.Expect(t, r, http.StatusTooManyRequests)
			if !bytes.Contains(r.Body, []byte(`"rate_limited"`)) || r.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without its code or Retry-After: %v %s", r.Header, r.Body)
			}
			if n, _ := strconv.Atoi(r.Header.Get("Retry-After")); n < 1 || n > 60 {
				t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			if i <= limit {
				t.Errorf("refused at request %d, before the limit of %d", i, limit)
			}
			return
		}
		t.Fatalf("no 429 after %d requests", 2*limit+1)
	})
}

type dashItem struct {
	Code            string     `json:"code"`
	ElapsedPercent  *float64   `json:"elapsed_percent"`
	FailedChecks    int        `json:"failed_checks"`
	LastFailedAt    time.Time  `json:"last_failed_at"`
	LastInspectedAt *time.Time `json:"last_inspected_at"`
}

type dashBody struct {
	Date         string     `json:"date"`
	AsOf         time.Time  `json:"as_of"`
	Days         int        `json:"days"`
	OrdersLinked bool       `json:"orders_linked"`
	Behind       []dashItem `json:"behind_schedule"`
	ZeroProgress []dashItem `json:"zero_progress"`
	Failed       []dashItem `json:"failed_checks_without_order"`
	NotInspected []dashItem `json:"not_inspected"`
}

func dashCodes(items []dashItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestDashboard(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newReviewWorld(t, e, 0)
		linked := ordersLinked(t, e.DB)
		if linked {
			w.addOrders(t)
		}
		dash := func(query string) dashBody {
			t.Helper()
			r := e.Get("/api/v1/dashboard/projects"+query, w.tok[auth.RoleOffice])
			apitest.Expect(t, r, http.StatusOK)
			var d dashBody
			r.JSON(t, &d)
			return d
		}

		// The server reads its clock during the request: its date is the
		// day before or after it, whichever side of midnight UTC it fell.
		dayBefore := day(time.Now())
		d := dash("")
		dayAfter := day(time.Now())
		if (d.Date != dayBefore && d.Date != dayAfter) || d.Days != 30 || d.OrdersLinked != linked || time.Since(d.AsOf) > time.Minute {
			t.Errorf("defaults: date %s as_of %s days %d linked %v", d.Date, d.AsOf, d.Days, d.OrdersLinked)
		}
		if got, want := dashCodes(d.Behind), []string{"A-ROAD", "C-CULT", "D-POST"}; !slices.Equal(got, want) {
			t.Errorf("behind %v, want %v", got, want)
		}
		if got, want := dashCodes(d.ZeroProgress), []string{"C-CULT"}; !slices.Equal(got, want) {
			t.Errorf("zero progress %v, want %v", got, want)
		} else if e := d.ZeroProgress[0].ElapsedPercent; e == nil || *e < 50 {
			t.Errorf("zero progress elapsed %v", e)
		}
		wantFailed := 4
		if linked {
			wantFailed = 2 // one cited by an order, one dismissed in triage
		}
		if got := dashCodes(d.Failed); !slices.Equal(got, []string{"A-ROAD"}) || d.Failed[0].FailedChecks != wantFailed {
			t.Errorf("failed %v (%+v), want A-ROAD with %d", got, d.Failed, wantFailed)
		} else if last := d.Failed[0].LastFailedAt; last.Sub(w.failedA[0].CapturedAt).Abs() > time.Millisecond {
			t.Errorf("last failed at %s, want %s", last, w.failedA[0].CapturedAt)
		}
		// B: a volunteer's check does not count, the inspector's is 40 days old.
		if got, want := dashCodes(d.NotInspected), []string{"B-SCHOOL", "C-CULT", "D-POST"}; !slices.Equal(got, want) {
			t.Errorf("not inspected %v, want %v", got, want)
		} else {
			if l := d.NotInspected[0].LastInspectedAt; l == nil || time.Since(*l) < 39*24*time.Hour || time.Since(*l) > 41*24*time.Hour {
				t.Errorf("B last inspected %v, want 40 days ago", l)
			}
			if d.NotInspected[1].LastInspectedAt != nil {
				t.Errorf("C last inspected %v, want never", d.NotInspected[1].LastInspectedAt)
			}
		}
		if got, want := dashCodes(dash("?days=60").NotInspected), []string{"C-CULT", "D-POST"}; !slices.Equal(got, want) {
			t.Errorf("not inspected in 60 days %v, want %v", got, want)
		}

		// A hundred days back: the checks had not been filed, D had not started.
		// One reading of the clock: a second one may fall on the next day.
		pastDay := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -100)
		past := dash("?date=" + day(pastDay))
		if !past.AsOf.Equal(pastDay.AddDate(0, 0, 1)) {
			t.Errorf("past as_of %s", past.AsOf)
		}
		if got, want := dashCodes(past.Behind), []string{"A-ROAD", "C-CULT"}; !slices.Equal(got, want) {
			t.Errorf("behind 100 days ago %v, want %v", got, want)
		}
		if len(past.ZeroProgress) != 0 || len(past.Failed) != 0 {
			t.Errorf("100 days ago: zero progress %v, failed %v", dashCodes(past.ZeroProgress), dashCodes(past.Failed))
		}
		if got, want := dashCodes(past.NotInspected), []string{"A-ROAD", "B-SCHOOL", "C-CULT"}; !slices.Equal(got, want) {
			t.Errorf("not inspected 100 days ago %v, want %v", got, want)
		}

		for _, q := range []string{"?days=0", "?days=x", "?date=2026-13-01", "?date=a&date=b", "?limit=5"} {
			apitest.Expect(t, e.Get("/api/v1/dashboard/projects"+q, w.tok[auth.RoleOffice]), http.StatusBadRequest)
		}
		apitest.Expect(t, e.Get("/api/v1/dashboard/projects", w.tok[auth.RoleInspector]), http.StatusOK)
		apitest.Expect(t, e.Get("/api/v1/dashboard/projects", w.tok[auth.RoleContractor]), http.StatusForbidden)
	})
}

// readCSV checks the BOM and parses the rest.
func readCSV(t *testing.T, r apitest.Response) [][]string {
	t.Helper()
	apitest.Expect(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(ct, "utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 BOM: %q", r.Body[:min(len(r.Body), 8)])
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	return rows
}

func TestExportChecksCSV(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		// More checks than one batch, so the stream crosses a keyset page.
		w := newReviewWorld(t, e, 200)
		tok := w.tok[auth.RoleOffice]
		rows := readCSV(t, e.Get("/api/v1/exports/checks.csv", tok))
		header, rows := rows[0], rows[1:]
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		if len(rows) != len(w.checkIDs) {
			t.Fatalf("%d rows, want %d", len(rows), len(w.checkIDs))
		}
		seen := map[string]bool{}
		for _, row := range rows {
			seen[row[col["id"]]] = true
		}
		if len(seen) != len(w.checkIDs) {
			t.Errorf("%d distinct checks, want %d", len(seen), len(w.checkIDs))
		}
		if rows[0][col["id"]] != w.checkIDs[len(w.checkIDs)-1] {
			t.Errorf("first row %s, want the newest check", rows[0][col["id"]])
		}

		// The same filters as GET /checks.
		failed := readCSV(t, e.Get("/api/v1/exports/checks.csv?result=fail&project_id="+w.p["A-ROAD"].ID, tok))[1:]
		if len(failed) != 4 {
			t.Fatalf("%d failed rows, want 4", len(failed))
		}
		byID := map[string][]string{}
		for _, row := range failed {
			byID[row[col["id"]]] = row
		}
		a := byID[w.failedA[0].ID]
		if a[col["project_code"]] != "A-ROAD" || a[col["result"]] != "fail" || a[col["failed_items"]] != "percent_complete" ||
			a[col["author_role"]] != "inspector" || a[col["chainage"]] == "" || a[col["lat"]] != "28.2" {
			t.Errorf("row %v", a)
		}
		// Chinese survives; formulas are defused with a leading quote.
		if got := a[col["project_name"]]; got != `双溪村道路 =HYPERLINK("http://evil")` {
			t.Errorf("project name %q", got)
		}
		for i, want := range []string{"'@SUM(A1)", "'-2+3", "'+cmd|' /C calc'!A0", "plain"} {
			if got := byID[w.failedA[i].ID][col["notes"]]; got != want {
				t.Errorf("notes %q, want %q", got, want)
			}
		}
		for _, row := range failed {
			for i, v := range row {
				if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
					t.Errorf("cell %s = %q would run as a formula", header[i], v)
				}
			}
		}
		since := time.Now().Add(-200 * time.Minute).UTC().Format(time.RFC3339)
		recent := readCSV(t, e.Get("/api/v1/exports/checks.csv?from="+since+"&author_id="+w.users[auth.RoleInspector].ID, tok))[1:]
		if len(recent) != 2 { // A's first and third; B's is 40 days old
			t.Errorf("%d recent inspector rows, want 2", len(recent))
		}
		empty := readCSV(t, e.Get("/api/v1/exports/checks.csv?project_id="+w.p["E-FUTURE"].ID, tok))
		if len(empty) != 1 {
			t.Errorf("export of nothing has %d lines, want the header", len(empty))
		}

		for _, q := range []string{"?result=maybe", "?limit=5", "?cursor=x", "?from=yesterday", "?type=a&type=b"} {
			apitest.Expect(t, e.Get("/api/v1/exports/checks.csv"+q, tok), http.StatusBadRequest)
		}
		apitest.Expect(t, e.Get("/api/v1/exports/checks.csv", w.tok[auth.RoleInspector]), http.StatusOK)
		for _, r := range []auth.Role{auth.RoleVolunteer, auth.RoleContractor} {
			apitest.Expect(t, e.Get("/api/v1/exports/checks.csv", w.tok[r]), http.StatusForbidden)
		}
	})
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func readGeoJSON(t *testing.T, r apitest.Response) featureCollection {
	t.Helper()
	apitest.Expect(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var fc featureCollection
	r.JSON(t, &fc)
	if fc.Type != "FeatureCollection" {
		t.Fatalf("type %q", fc.Type)
	}
	return fc
}

func TestExportGeoJSON(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newReviewWorld(t, e, 0)
		tok := w.tok[auth.RoleOffice]

		fc := readGeoJSON(t, e.Get("/api/v1/exports/projects.geojson", tok))
		if len(fc.Features) != len(w.p) {
			t.Fatalf("%d project features, want %d", len(fc.Features), len(w.p))
		}
		for _, f := range fc.Features {
			code := f.Properties["code"].(string)
			if f.Type != "Feature" || f.ID != w.p[code].ID || f.Geometry == nil {
				t.Errorf("feature %+v", f)
				continue
			}
			switch code {
			case "A-ROAD":
				var line [][]float64
				if err := json.Unmarshal(f.Geometry.Coordinates, &line); err != nil || f.Geometry.Type != "LineString" ||
					fmt.Sprint(line) != fmt.Sprint(reviewRoute) {
					t.Errorf("road geometry %s %s", f.Geometry.Type, f.Geometry.Coordinates)
				}
				if f.Properties["behind_schedule"] != true || f.Properties["progress"] != 10.0 || f.Properties["unit"] != "Unit A" ||
					f.Properties["category"] != "road" || f.Properties["township"] != "Qingshan" || f.Properties["status"] != "under_construction" {
					t.Errorf("road properties %v", f.Properties)
				}
			default:
				var pt []float64
				if err := json.Unmarshal(f.Geometry.Coordinates, &pt); err != nil || f.Geometry.Type != "Point" ||
					!slices.Equal(pt, []float64{112.8, 28.3}) {
					t.Errorf("%s geometry %s %s", code, f.Geometry.Type, f.Geometry.Coordinates)
				}
			}
		}

		cf := readGeoJSON(t, e.Get("/api/v1/exports/checks.geojson?project_id="+w.p["A-ROAD"].ID, tok))
		if len(cf.Features) != 4 {
			t.Fatalf("%d check features, want 4", len(cf.Features))
		}
		for _, f := range cf.Features {
			var pt []float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &pt); err != nil || f.Geometry.Type != "Point" ||
				!slices.Equal(pt, []float64{112.905, 28.2}) {
				t.Errorf("check geometry %s %s", f.Geometry.Type, f.Geometry.Coordinates)
			}
			if f.Properties["project_code"] != "A-ROAD" || f.Properties["result"] != "fail" || f.Properties["id"] != f.ID ||
				!strings.HasPrefix(fmt.Sprint(f.Properties["chainage"]), "K0+") || f.Properties["type"] != "progress" {
				t.Errorf("check properties %v", f.Properties)
			}
			if _, err := time.Parse(time.RFC3339, f.Properties["captured_at"].(string)); err != nil {
				t.Errorf("captured_at %v", f.Properties["captured_at"])
			}
		}
		none := readGeoJSON(t, e.Get("/api/v1/exports/checks.geojson?project_id="+w.p["E-FUTURE"].ID, tok))
		if len(none.Features) != 0 {
			t.Errorf("%d features for a project without checks", len(none.Features))
		}
		apitest.Expect(t, e.Get("/api/v1/exports/projects.geojson?bbox=1,2,3,4", tok), http.StatusBadRequest)
		apitest.Expect(t, e.Get("/api/v1/exports/checks.geojson?flag=nope", tok), http.StatusBadRequest)
	})
}
