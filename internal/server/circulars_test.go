package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/storage"
)

// circularWorld is a small county this month, worked by hand. The month
// is the running one (the server's clock is the real one), so the
// circular is judged now; project windows are set around today so that
// every status holds whatever today is:
//
//	code  unit            window (days from today)  progress  status       gap ≈
//	CR-A  县交通运输局      −100 … +99               20 %      behind       20 − 50 = −30
//	CR-B  县交通运输局      −300 … +99               none      stalled      0 − 75 = −75
//	CR-C  县水利局          −100 … +99               100 %     completed
//	CR-D  县水利局          −100 … +99               80 %      ahead        +30
//	CR-E  县交通运输局      −100 … +99               55 %      on_schedule  +5
//	CR-F  县教育局          +10 … +200               none      not_started
//	CR-G  县教育局          2019, completed                    (not in the circular: an earlier year's)
//	CR-H  县教育局          2019, completed                    (not in the circular)
//	CR-I  县水利局          −100 … 0, completed                 completed    (in: its window meets this year)
//	CR-J  县水利局          +400 … +500, planned               (not in the circular: not begun by the month's end)
//
// All of A–F are under construction. Orders this month: four issued (on A,
// B, D, E); B's is past its deadline (overdue), D's was past its deadline
// but cancelled, E's closed (closed 1). Look-back: G and H inspected this
// month, G failed (inspected 2, findings 1). Reports: until the monthly
// reports are wired, the placeholder says every project under
// construction is missing (due 6, missing 6).
type circularWorld struct {
	e      *apitest.Env
	period string
	office string
	ids    map[string]string
	orders map[string]orders.Detail
}

func newCircularWorld(t *testing.T, e *apitest.Env) *circularWorld {
	t.Helper()
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w := &circularWorld{e: e, period: time.Now().In(sh).Format("2006-01"), ids: map[string]string{},
		orders: map[string]orders.Detail{}}
	admin := e.CreateUser("admin1", auth.RoleAdmin, "", "")
	office := e.CreateUser("office1", auth.RoleOffice, "", "")
	insp := e.CreateUser("inspector1", auth.RoleInspector, "", "")
	w.office = e.Login(office.Username)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(projects.DateLayout) }
	for _, p := range []struct {
		code, unit, start, end string
		status                 projects.Status
		cat                    projects.Category
		progress               float64
	}{
		{"CR-A", "县交通运输局", day(-100), day(99), projects.StatusUnderConstruction, projects.CatRoad, 20},
		{"CR-B", "县交通运输局", day(-300), day(99), projects.StatusUnderConstruction, projects.CatRoad, 0},
		{"CR-C", "县水利局", day(-100), day(99), projects.StatusUnderConstruction, projects.CatDrinkingWater, 100},
		{"CR-D", "县水利局", day(-100), day(99), projects.StatusUnderConstruction, projects.CatDrinkingWater, 80},
		{"CR-E", "县交通运输局", day(-100), day(99), projects.StatusUnderConstruction, projects.CatRoad, 55},
		{"CR-F", "县教育局", day(10), day(200), projects.StatusUnderConstruction, projects.CatSchool, 0},
		{"CR-G", "县教育局", "2019-01-01", "2019-06-30", projects.StatusCompleted, projects.CatDrinkingWater, 0},
		{"CR-I", "县水利局", day(-100), day(0), projects.StatusCompleted, projects.CatDrinkingWater, 0},
		{"CR-J", "县水利局", day(400), day(500), projects.StatusPlanned, projects.CatDrinkingWater, 0},
		{"CR-H", "县教育局", "2019-01-01", "2019-06-30", projects.StatusCompleted, projects.CatDrinkingWater, 0},
	} {
		got, err := e.Server.Projects.Create(ctx, admin.Principal(), projects.NewProject{Code: p.code,
			Name: "项目" + p.code, Category: p.cat, Township: "青山乡", Unit: p.unit, Status: p.status,
			PlannedStart: p.start, PlannedEnd: p.end, Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
		if err != nil {
			t.Fatalf("project %s: %v", p.code, err)
		}
		w.ids[p.code] = got.ID
		if p.progress > 0 {
			pct := p.progress
			if _, err := e.Server.Projects.ReportProgress(ctx, admin.Principal(), got.ID,
				projects.NewProgress{Date: day(-1), Percent: &pct}); err != nil {
				t.Fatalf("progress %s: %v", p.code, err)
			}
		}
	}
	// The units' leaders, as the office enters them.
	units, err := e.Server.Orgs.ListUnits(ctx, admin.Principal())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		leader := map[string]string{"县交通运输局": "王强", "县水利局": "李梅"}[u.Name]
		if leader == "" {
			continue
		}
		r := e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/units/" + u.ID, Token: w.office,
			Body: map[string]any{"leader": "  " + leader + " "}})
		apitest.Expect(t, r, http.StatusOK)
		if got := r.Map(t)["leader"]; got != leader {
			t.Fatalf("leader %v, want %s (trimmed)", got, leader)
		}
	}
	// Orders.
	for _, code := range []string{"CR-A", "CR-B", "CR-D", "CR-E"} {
		d, err := e.Server.Orders.Create(ctx, office.Principal(), orders.NewOrder{ProjectID: w.ids[code],
			Defect: "路面裂缝", Severity: orders.SeverityMinor, RequiredAction: "返工"})
		if err != nil {
			t.Fatalf("order on %s: %v", code, err)
		}
		w.orders[code] = d
	}
	past := time.Now().Add(-48 * time.Hour).UTC()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := e.DB.Conn(ctx).Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	// Time passes: three deadlines go by; E's order is closed (the
	// verification flow is the orders tests'; here only its outcome).
	for _, code := range []string{"CR-B", "CR-D", "CR-E"} {
		exec("UPDATE orders SET deadline = ? WHERE id = ?", past, w.orders[code].ID)
	}
	exec("UPDATE orders SET status = 'closed', closed_at = ? WHERE id = ?", time.Now().UTC(), w.orders["CR-E"].ID)
	if _, err := e.Server.Orders.Cancel(ctx, office.Principal(), w.orders["CR-D"].ID, "重复下达"); err != nil {
		t.Fatal(err)
	}
	// Look-back: a campaign over the 2019 schemes; G fails, H passes.
	r := e.Post("/api/v1/campaigns", w.office, map[string]any{"id": uuid.NewString(), "name": "回头看",
		"categories": []string{"drinking_water"}, "townships": []string{"青山乡"}, "completed_before": "2020-01-01",
		"due_date": "2099-12-31"})
	apitest.Expect(t, r, http.StatusCreated)
	r = e.Get("/api/v1/campaigns/"+r.Map(t)["id"].(string)+"/tasks", w.office)
	apitest.Expect(t, r, http.StatusOK)
	itok := e.Login(insp.Username)
	for _, it := range r.Map(t)["items"].([]any) {
		task := it.(map[string]any)
		code := task["project"].(map[string]any)["code"].(string)
		fail := code == "CR-G"
		r := e.Post("/api/v1/checks", itok, map[string]any{"id": uuid.NewString(), "project_id": w.ids[code],
			"type": "post_completion", "template_version": 1, "task_id": task["id"],
			"answers": map[string]any{"in_use": true, "functioning": !fail, "maintained": true, "keeper_and_rules": true,
				"damage_found": false},
			"location":    map[string]any{"lat": 28.2, "lon": 112.9, "accuracy_m": 5},
			"captured_at": time.Now().Add(-time.Minute).Format(time.RFC3339)})
		apitest.Expect(t, r, http.StatusCreated)
	}
	return w
}

// wantGap is the gap a project of the [−before, +99] window with pct done
// has now: planned share linear over the inclusive window.
func wantGap(before int, pct float64) float64 {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	start := today.AddDate(0, 0, -before)
	end := today.AddDate(0, 0, 100)
	planned := 100 * float64(time.Since(start)) / float64(end.Sub(start))
	return pct - planned
}

func TestCircularOfAMonthByHand(t *testing.T) {
	apitest.EachBackend(t, func(c *config.Config) { c.CountyName = "青山县" }, func(t *testing.T, e *apitest.Env) {
		w := newCircularWorld(t, e)
		base := "/api/v1/periods/" + w.period

		// JSON preview: every figure as worked out above.
		r := e.Get(base+"/circular", w.office)
		apitest.Expect(t, r, http.StatusOK)
		var doc struct {
			County  string         `json:"county"`
			Period  string         `json:"period"`
			Version int            `json:"version"`
			Figures map[string]int `json:"figures"`
			Units   []struct {
				Unit, Leader string
				Projects     int
				Behind       []struct {
					Code, Status string
					GapPoints    float64 `json:"gap_points"`
				}
				MissingReports []struct{ Code string }   `json:"missing_reports"`
				LateReports    []struct{ Code string }   `json:"late_reports"`
				OverdueOrders  []struct{ Number string } `json:"overdue_orders"`
			}
			Ahead []struct {
				Unit, Leader string
				Projects     int
			}
		}
		r.JSON(t, &doc)
		want := map[string]int{"projects": 7, "on_schedule": 1, "behind": 1, "stalled": 1, "completed": 2, "ahead": 1,
			"not_started": 1, "reports_due": 6, "reports_on_time": 0, "reports_late": 0, "reports_missing": 6,
			"orders_opened": 4, "orders_closed": 1, "orders_overdue": 1, "look_back_inspected": 2, "look_back_findings": 1}
		for k, v := range want {
			if doc.Figures[k] != v {
				t.Errorf("figure %s = %d, want %d", k, doc.Figures[k], v)
			}
		}
		if doc.County != "青山县" || doc.Period != w.period || doc.Version != 0 {
			t.Errorf("head: %+v", doc)
		}
		if len(doc.Units) != 3 || doc.Units[0].Unit != "县交通运输局" || doc.Units[1].Unit != "县教育局" || doc.Units[2].Unit != "县水利局" {
			t.Fatalf("units: %+v", doc.Units)
		}
		tr := doc.Units[0]
		if tr.Leader != "王强" || tr.Projects != 3 || len(tr.Behind) != 2 || tr.Behind[0].Code != "CR-B" ||
			tr.Behind[0].Status != "stalled" || tr.Behind[1].Code != "CR-A" || tr.Behind[1].Status != "behind" {
			t.Fatalf("县交通运输局: %+v", tr)
		}
		for i, g := range []float64{wantGap(300, 0), wantGap(100, 20)} {
			// Planned shares move with the clock between setup and request.
			if math.Abs(tr.Behind[i].GapPoints-g) > 0.5 {
				t.Errorf("gap of %s = %.2f, want ≈ %.2f", tr.Behind[i].Code, tr.Behind[i].GapPoints, g)
			}
		}
		if len(tr.OverdueOrders) != 1 || tr.OverdueOrders[0].Number != w.orders["CR-B"].Number {
			t.Errorf("overdue: %+v, want %s", tr.OverdueOrders, w.orders["CR-B"].Number)
		}
		if codes(tr.MissingReports) != "CR-A CR-B CR-E" || codes(doc.Units[1].MissingReports) != "CR-F" ||
			codes(doc.Units[2].MissingReports) != "CR-C CR-D" || doc.Units[1].Leader != "" {
			t.Errorf("reports: %+v", doc.Units)
		}
		if len(doc.Ahead) != 1 || doc.Ahead[0].Unit != "县水利局" || doc.Ahead[0].Leader != "李梅" || doc.Ahead[0].Projects != 3 {
			t.Errorf("ahead: %+v", doc.Ahead)
		}

		// CSV: a BOM for Excel, Chinese headers, one row per table line.
		r = e.Get(base+"/circular?format=csv", w.office)
		apitest.Expect(t, r, http.StatusOK)
		if !bytes.HasPrefix(r.Body, []byte("\ufeff表,责任单位,负责人,项目编号,项目名称,乡镇,序时状态,差距（百分点）,整改通知编号,整改期限,指标,数值\r\n")) {
			t.Errorf("csv head: %q", r.Body[:min(200, len(r.Body))])
		}
		for _, line := range []string{"总体情况,,,,,,,,,,项目总数,7\r\n", "慢序时项目,县交通运输局,王强,CR-B,项目CR-B,青山乡,停滞,-",
			"未报月报,县教育局,,CR-F,项目CR-F,青山乡,", "逾期未整改的整改通知,县交通运输局,王强,CR-B,项目CR-B,,,," + w.orders["CR-B"].Number,
			"超序时单位,县水利局,李梅,,,,,,,,,3\r\n"} {
			if !bytes.Contains(r.Body, []byte(line)) {
				t.Errorf("csv lacks %q:\n%s", line, r.Body)
			}
		}
		if n := bytes.Count(r.Body, []byte("\r\n")); n != 1+16+2+6+1+1 {
			t.Errorf("csv has %d lines, want header, 16 figures, 2 behind, 6 missing, 1 overdue, 1 ahead", n)
		}

		// PDF: the county, the units with their leaders, the figures.
		r = e.Get(base+"/circular?format=pdf", w.office)
		apitest.Expect(t, r, http.StatusOK)
		text := strings.Join(strings.Fields(pdfText(t, r.Body)), " ")
		for _, s := range []string{"青山县重点民生实事项目督查通报", "预览稿（未发布）", "项目总数 7", "未报 6", "逾期未整改 1",
			"本月下达整改通知 4", "本月整改销号 1", "回头看检查 2", "回头看发现问题 1", "县交通运输局（负责人：王强）",
			"县教育局（负责人：未登记）", "CR-B 项目CR-B（青山乡，停滞）", w.orders["CR-B"].Number + " CR-B 项目CR-B",
			"县水利局（负责人：李梅），3 个项目均超序时或已完工"} {
			if !strings.Contains(text, s) {
				t.Errorf("PDF lacks %q:\n%s", s, text)
			}
		}

		// Publish twice: versions 1 and 2, nothing overwritten.
		var pubs []map[string]any
		for v := 1; v <= 2; v++ {
			r = e.Post(base+"/circulars", w.office, nil)
			apitest.Expect(t, r, http.StatusCreated)
			m := r.Map(t)
			if int(m["version"].(float64)) != v || m["period"] != w.period || len(m["sha256"].(string)) != 64 {
				t.Fatalf("publication %d: %s", v, r.Body)
			}
			pubs = append(pubs, m)
		}
		// A retry of a lost answer (same Idempotency-Key) is the same
		// publication, not a third version.
		key := uuid.NewString()
		r = e.Do(apitest.Request{Method: http.MethodPost, Path: base + "/circulars", Token: w.office,
			Header: map[string]string{"Idempotency-Key": key}})
		apitest.Expect(t, r, http.StatusCreated)
		third := r.Map(t)
		r = e.Do(apitest.Request{Method: http.MethodPost, Path: base + "/circulars", Token: w.office,
			Header: map[string]string{"Idempotency-Key": key}})
		if r.Status >= 300 || r.Map(t)["id"] != third["id"] || third["version"] != float64(3) {
			t.Fatalf("replay: %d %s (first %v)", r.Status, r.Body, third)
		}
		pubs = append(pubs, third)
		r = e.Get("/api/v1/circulars?period="+w.period, w.office)
		apitest.Expect(t, r, http.StatusOK)
		items := r.Map(t)["items"].([]any)
		if len(items) != 3 || items[0].(map[string]any)["id"] != pubs[2]["id"] || items[2].(map[string]any)["sha256"] != pubs[0]["sha256"] {
			t.Fatalf("list: %s", r.Body)
		}
		// The stored bytes hash to the recorded SHA-256, which the audit
		// log holds too; a contractor (a unit addressed) may download it.
		ctok := e.Login(e.CreateUser("contractor1", auth.RoleContractor, "县水利局", "").Username)
		r = e.Get("/api/v1/circulars/"+pubs[0]["id"].(string)+"/download", ctok)
		apitest.Expect(t, r, http.StatusOK)
		sum := sha256.Sum256(r.Body)
		if hex.EncodeToString(sum[:]) != pubs[0]["sha256"] || r.Header.Get("X-Content-SHA256") != pubs[0]["sha256"] {
			t.Fatalf("download hashes to %x, header %s, recorded %s", sum, r.Header.Get("X-Content-SHA256"), pubs[0]["sha256"])
		}
		if text := pdfText(t, r.Body); !strings.Contains(strings.Join(strings.Fields(text), " "), "第1版") {
			t.Errorf("published PDF does not say its version:\n%s", text)
		}
		r = e.Get("/api/v1/circulars/"+pubs[1]["id"].(string)+"/download?format=csv", ctok)
		apitest.Expect(t, r, http.StatusOK)
		if !bytes.HasPrefix(r.Body, []byte("\ufeff表,")) {
			t.Errorf("stored csv: %q", r.Body[:min(40, len(r.Body))])
		}
		r = e.Get("/api/v1/audit?entity=circular", w.office)
		apitest.Expect(t, r, http.StatusOK)
		audited := map[string]string{}
		for _, it := range r.Map(t)["items"].([]any) {
			en := it.(map[string]any)
			if en["action"] == "circular.publish" {
				audited[en["entity_id"].(string)] = en["changes"].(map[string]any)["sha256"].(string)
			}
		}
		for _, p := range pubs {
			if audited[p["id"].(string)] != p["sha256"] {
				t.Errorf("audit for %s: %v, want %s", p["id"], audited, p["sha256"])
			}
		}

		// Naming a leader is audited with the old and new names.
		r = e.Get("/api/v1/audit?entity=unit", w.office)
		apitest.Expect(t, r, http.StatusOK)
		named := 0
		for _, it := range r.Map(t)["items"].([]any) {
			en := it.(map[string]any)
			if en["action"] == "unit.update" {
				ch := en["changes"].(map[string]any)["leader"].(map[string]any)
				if ch["from"] != "" || (ch["to"] != "王强" && ch["to"] != "李梅") {
					t.Errorf("unit.update changes %v", ch)
				}
				named++
			}
		}
		if named != 2 {
			t.Errorf("%d unit.update entries, want 2", named)
		}

		// A stored file that no longer matches its hash is never served.
		pub, err := e.Server.Circulars.Get(context.Background(), auth.Principal{UserID: "x", Role: auth.RoleOffice}, pubs[0]["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := pub.File(circulars.PDF)
		forged := []byte("%PDF-1.3 forged")
		if _, err := e.Objects.Put(context.Background(), f.Key, bytes.NewReader(forged), int64(len(forged)),
			storage.PutOptions{ContentType: "application/pdf"}); err != nil {
			t.Fatal(err)
		}
		r = e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/circulars/" + pub.ID + "/download", Token: w.office,
			SkipContract: true})
		if r.Status != http.StatusInternalServerError || bytes.Contains(r.Body, forged) {
			t.Errorf("forged file: %d %q", r.Status, r.Body)
		}

		// Bad input: clear 4xx, never 500.
		sh, _ := time.LoadLocation("Asia/Shanghai")
		next := time.Now().In(sh).AddDate(0, 2, 0).Format("2006-01")
		for path, status := range map[string]int{
			"/api/v1/periods/2026-13/circular":                     http.StatusBadRequest,
			"/api/v1/periods/june/circular":                        http.StatusBadRequest,
			base + "/circular?format=xlsx":                         http.StatusBadRequest,
			base + "/circular?colour=red":                          http.StatusBadRequest,
			"/api/v1/periods/" + next + "/circular":                http.StatusUnprocessableEntity,
			"/api/v1/circulars/" + uuid.NewString():                http.StatusNotFound,
			"/api/v1/circulars/not-an-id":                          http.StatusNotFound,
			"/api/v1/circulars?period=13-2026":                     http.StatusBadRequest,
			"/api/v1/circulars/" + pub.ID + "/download?format=doc": http.StatusBadRequest,
		} {
			if r := e.Get(path, w.office); r.Status != status {
				t.Errorf("GET %s: %d, want %d: %s", path, r.Status, status, r.Body)
			}
		}
		units, err := e.Server.Orgs.ListUnits(context.Background(), auth.Principal{Role: auth.RoleOffice})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			id     string
			body   any
			status int
		}{
			{units[0].ID, map[string]any{"leader": strings.Repeat("王", 101)}, http.StatusUnprocessableEntity},
			{units[0].ID, map[string]any{}, http.StatusUnprocessableEntity},
			{units[0].ID, map[string]any{"leader": 7}, http.StatusBadRequest},
			{uuid.NewString(), map[string]any{"leader": "王强"}, http.StatusNotFound},
			{"not-a-unit", map[string]any{"leader": "王强"}, http.StatusNotFound},
		} {
			r := e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/units/" + c.id, Token: w.office, Body: c.body})
			if r.Status != c.status {
				t.Errorf("PATCH unit %s %v: %d, want %d: %s", c.id, c.body, r.Status, c.status, r.Body)
			}
		}
		if r := e.Post("/api/v1/periods/"+next+"/circulars", w.office, nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("publish a future period: %d %s", r.Status, r.Body)
		}
	})
}

func codes[T interface{ ~struct{ Code string } }](xs []T) string {
	var out []string
	for _, x := range xs {
		out = append(out, struct{ Code string }(x).Code)
	}
	return strings.Join(out, " ")
}

// Last month's circular counts orders at last month's end, however they
// have moved since (all moved in time by SQL, as the months passed):
//
//	order  issued          deadline        since                          last month
//	W      two months ago  two months ago  open                           overdue (issued before)
//	X      day 5           day 10          closed this month              issued, overdue at its end
//	Y      day 3           day 10          closed on day 20               issued, closed
//	Z      day 2           day 8           cancelled on day 15            issued (not overdue)
//	V      now             default         open                           (not last month's)
//
// Issued 3, closed 1, overdue 2 (W then X, oldest deadline first).
func TestCircularOfLastMonthCountsOrdersAtItsEnd(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		admin := e.CreateUser("admin1", auth.RoleAdmin, "", "")
		office := e.CreateUser("office1", auth.RoleOffice, "", "")
		tok := e.Login(office.Username)
		proj, err := e.Server.Projects.Create(ctx, admin.Principal(), projects.NewProject{Code: "LM-1", Name: "上坝村通村公路",
			Category: projects.CatRoad, Township: "青山乡", Unit: "县交通运输局", Status: projects.StatusUnderConstruction,
			Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
		if err != nil {
			t.Fatal(err)
		}
		sh, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(sh)
		last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, sh)
		day := func(n int) time.Time { return last.AddDate(0, 0, n-1).Add(9 * time.Hour).UTC() }
		ids := map[string]string{}
		numbers := map[string]string{}
		for _, k := range []string{"W", "X", "Y", "Z", "V"} {
			d, err := e.Server.Orders.Create(ctx, office.Principal(), orders.NewOrder{ProjectID: proj.ID, Defect: "缺陷 " + k,
				Severity: orders.SeverityMinor, RequiredAction: "整改"})
			if err != nil {
				t.Fatal(err)
			}
			ids[k], numbers[k] = d.ID, d.Number
		}
		exec := func(sql string, args ...any) {
			t.Helper()
			if err := e.DB.Conn(ctx).Exec(sql, args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Server.Orders.Cancel(ctx, office.Principal(), ids["Z"], "重复下达"); err != nil {
			t.Fatal(err)
		}
		twoAgo := last.AddDate(0, -1, 3).UTC()
		exec("UPDATE orders SET created_at = ?, deadline = ? WHERE id = ?", twoAgo, twoAgo.Add(24*time.Hour), ids["W"])
		exec("UPDATE orders SET created_at = ?, deadline = ?, status = 'closed', closed_at = ? WHERE id = ?", day(5), day(10), time.Now().UTC(), ids["X"])
		exec("UPDATE orders SET created_at = ?, deadline = ?, status = 'closed', closed_at = ? WHERE id = ?", day(3), day(10), day(20), ids["Y"])
		exec("UPDATE orders SET created_at = ?, deadline = ? WHERE id = ?", day(2), day(8), ids["Z"])
		exec("UPDATE order_events SET at = ? WHERE order_id = ? AND to_status = 'cancelled'", day(15), ids["Z"])

		r := e.Get("/api/v1/periods/"+last.Format("2006-01")+"/circular", tok)
		apitest.Expect(t, r, http.StatusOK)
		var doc struct {
			AsOf    string         `json:"as_of"`
			Figures map[string]int `json:"figures"`
			Units   []struct {
				OverdueOrders []struct{ Number string } `json:"overdue_orders"`
			}
		}
		r.JSON(t, &doc)
		if doc.Figures["orders_opened"] != 3 || doc.Figures["orders_closed"] != 1 || doc.Figures["orders_overdue"] != 2 {
			t.Errorf("orders: %v", doc.Figures)
		}
		if len(doc.Units) != 1 || len(doc.Units[0].OverdueOrders) != 2 || doc.Units[0].OverdueOrders[0].Number != numbers["W"] ||
			doc.Units[0].OverdueOrders[1].Number != numbers["X"] {
			t.Errorf("overdue: %+v, want %s then %s", doc.Units, numbers["W"], numbers["X"])
		}
		if want := last.AddDate(0, 1, -1).Format("2006-01-02"); doc.AsOf != want {
			t.Errorf("as of %s, want the month's last day %s", doc.AsOf, want)
		}
	})
}
