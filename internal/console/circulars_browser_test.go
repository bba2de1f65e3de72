package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// circularMonth is last month's programme of a small county, worked out
// by hand. The circular of a finished month is judged at the first
// instant after its last day L (UTC dates, as plans are written), so a
// window of [L−100, L+99] is 101 of 200 days gone — 50.5 % due:
//
//	code   unit        window          reported (dated L−3)  status      gap
//	CM-A   县交通运输局  L−100 … L+99    20 %                  behind      20 − 50.5 = −30.5
//	CM-B   县交通运输局  L−300 … L+99    none                  stalled     (75.25 % due, nothing done)
//	CM-C   县水利局     L−100 … L+99    80 %                  ahead       +29.5
//	CM-D   县水利局     L−100 … L+99    100 %                 completed
//
// All four are under construction, so each owed a monthly report and none
// was filed: 4 due, 4 missing. Orders: two issued in the month (on CM-A
// and CM-B); CM-A's closed on its 25th; CM-B's deadline, its 20th, passed
// with the order open — orders opened 2, closed 1, overdue 1. 县水利局 is
// ahead or finished on every project: the unit ahead.
type circularMonth struct {
	period    string
	label     string
	overdueNo string
}

func newCircularMonth(t *testing.T, e *apitest.Env) *circularMonth {
	t.Helper()
	ctx := context.Background()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(sh)
	start := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, sh)
	p, err := circulars.ParsePeriod(start.Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	w := &circularMonth{period: p.String(), label: start.Format("2006年1月")}
	last := p.LastDay()
	day := func(n int) string { return last.AddDate(0, 0, n).Format(projects.DateLayout) }
	admin := e.CreateUser(consoletest.Admin, auth.RoleAdmin, "", "").Principal()
	office := e.CreateUser(consoletest.Office, auth.RoleOffice, "", "").Principal()
	ids := map[string]string{}
	for _, pr := range []struct {
		code, name, unit, start string
		pct                     float64
	}{
		{"CM-A", "上坝村通村公路", "县交通运输局", day(-100), 20},
		{"CM-B", "下湾村通组公路", "县交通运输局", day(-300), 0},
		{"CM-C", "河塘镇饮水巩固提升工程", "县水利局", day(-100), 80},
		{"CM-D", "青山乡集中供水工程", "县水利局", day(-100), 100},
	} {
		got, err := e.Server.Projects.Create(ctx, admin, projects.NewProject{Code: pr.code, Name: pr.name,
			Category: projects.CatRoad, Township: "青山乡", Unit: pr.unit, Status: projects.StatusUnderConstruction,
			PlannedStart: pr.start, PlannedEnd: day(99), Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
		if err != nil {
			t.Fatalf("project %s: %v", pr.code, err)
		}
		ids[pr.code] = got.ID
		if pr.pct > 0 {
			pct := pr.pct
			if _, err := e.Server.Projects.ReportProgress(ctx, admin, got.ID,
				projects.NewProgress{Date: day(-3), Percent: &pct}); err != nil {
				t.Fatalf("progress %s: %v", pr.code, err)
			}
		}
	}
	units, err := e.Server.Orgs.ListUnits(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.Login(consoletest.Office)
	for _, u := range units {
		if leader := map[string]string{"县交通运输局": "王强", "县水利局": "李梅"}[u.Name]; leader != "" {
			apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/units/" + u.ID, Token: tok,
				Body: map[string]any{"leader": leader}}), http.StatusOK)
		}
	}
	// The orders are issued now and then moved into the month, as if
	// issued there (the orders' own flow is tested with the orders).
	at := func(d int) time.Time { return store.TS(start.AddDate(0, 0, d-1)) }
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := e.DB.Conn(ctx).Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	// The projects were recorded today but stand for work under way all
	// month: their status history starts before it, as a real county's
	// would (who owed a report is read from that history).
	exec("UPDATE project_status_history SET from_at = ?", store.TS(start.AddDate(0, -1, 0)))
	for _, code := range []string{"CM-A", "CM-B"} {
		d, err := e.Server.Orders.Create(ctx, office, orders.NewOrder{ProjectID: ids[code], Defect: "路面裂缝",
			Severity: orders.SeverityMinor, RequiredAction: "返工处理"})
		if err != nil {
			t.Fatalf("order on %s: %v", code, err)
		}
		exec("UPDATE orders SET created_at = ?, deadline = ? WHERE id = ?", at(5), at(20), d.ID)
		if code == "CM-A" {
			exec("UPDATE orders SET status = 'closed', closed_at = ? WHERE id = ?", at(25), d.ID)
		} else {
			w.overdueNo = d.Number
		}
	}
	e.CreateUser(consoletest.Inspector, auth.RoleInspector, "", "")
	e.CreateUser(consoletest.Contractor, auth.RoleContractor, "县水利局", "")
	e.CreateUser(consoletest.Volunteer, auth.RoleVolunteer, "", "JT-2026-0417")
	return w
}

// The office opens 月度通报 (last month by default), reads the preview —
// the headline figures, the charts, the units with their leaders, the
// projects behind with their gap, the unit ahead — downloads the preview,
// is asked before publishing, publishes (version 1 with its SHA-256, the
// stored PDF hashing to it through the console's session) and publishes
// again (version 2, listed first). Readers of published circulars
// (contractor, inspector) have no menu entry, see only the published
// versions and are refused the preview and publishing; a volunteer is
// refused the page.
func TestCircularScreenInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, func(c *config.Config) { c.CountyName = "青山县" }, func(t *testing.T, e *apitest.Env) {
		w := newCircularMonth(t, e)
		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		// The console is the office's desktop: held to 1024 px, not a phone.
		tab.Phone = 1024
		tab.SignInTo(consoletest.Office, "/console/circulars")
		if got := consoletest.Eval[string](tab, `document.querySelector('#period').value`); got != w.period {
			t.Fatalf("the picker shows %q, want last month %s", got, w.period)
		}
		if got := consoletest.Eval[string](tab, `document.querySelector('nav a[aria-current=page]').textContent`); got != "月度通报" {
			t.Fatalf("current menu entry %q", got)
		}
		figures := consoletest.Eval[map[string]string](tab, `Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(f => [f.dataset.figure, f.querySelector('dd').textContent]))`)
		for k, v := range map[string]string{"projects": "4", "on_schedule": "0", "behind": "1", "stalled": "1",
			"completed": "1", "ahead": "1", "not_started": "0", "reports_due": "4", "reports_missing": "4",
			"reports_on_time": "0", "reports_late": "0", "orders_opened": "2", "orders_closed": "1",
			"orders_overdue": "1", "look_back_inspected": "0", "look_back_findings": "0"} {
			if figures[k] != v {
				t.Errorf("figure %s = %q, want %s (all: %v)", k, figures[k], v, figures)
			}
		}
		text := tab.Text()
		for _, want := range []string{"月度督查通报 · " + w.label, "青山县", "一、总体情况", "项目序时进度情况（个）",
			"各责任单位慢序时项目（个）", "县交通运输局（负责人：王强）", "县水利局（负责人：李梅）", "下湾村通组公路",
			w.overdueNo, "县水利局（负责人：李梅），2 个项目均超序时或已完工", "本月尚未发布通报。"} {
			if !strings.Contains(text, want) {
				t.Errorf("preview lacks %q:\n%s", want, text)
			}
		}
		if steps := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('.month-steps a')].map(a => a.id + ' ' + new URL(a.href).search)`); len(steps) != 2 ||
			steps[0] != "prev-month ?period="+prevMonth(w.period) || steps[1] != "next-month ?period="+nextMonth(w.period) {
			t.Errorf("month steps %v", steps)
		}
		behind := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('.unit-section[data-unit="县交通运输局"] .behind-table tbody tr')].map(r => r.dataset.code + ' ' + r.querySelector('.gap').textContent)`)
		if len(behind) != 2 || !strings.HasPrefix(behind[0], "CM-B -75.") || behind[1] != "CM-A -30.5" {
			t.Errorf("县交通运输局's projects behind: %v, want CM-B (stalled, worst) then CM-A at -30.5", behind)
		}
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('#preview svg.chart.bars').length`); n != 2 {
			t.Errorf("%v bar charts, want 2", n)
		}
		tab.Shoot("circular-preview")

		// The preview's files, through the console's session.
		fetch := func(path string) string {
			return consoletest.Eval[string](tab, `(() => { const x = new XMLHttpRequest(); x.open('GET', '`+path+`', false);
				x.overrideMimeType('text/plain; charset=x-user-defined'); x.send(); return x.status + ' ' + x.responseText.slice(0, 4); })()`)
		}
		for sel, want := range map[string]string{"#preview-pdf": "200 %PDF", "#preview-json": "200 {\"co"} {
			href := consoletest.Eval[string](tab, `document.querySelector('`+sel+`').getAttribute('href')`)
			if got := fetch(href); got != want {
				t.Errorf("%s (%s): %q, want %q", sel, href, got, want)
			}
		}

		// Publishing asks first; declining sends nothing.
		consoletest.Eval[bool](tab, `(window.confirm = (m) => { window.asked = m; return false; }, true)`)
		tab.Do(chromedp.Click("#publish-form button[type=submit]"))
		if asked := consoletest.Eval[string](tab, `window.asked || ''`); !strings.Contains(asked, w.label) || !strings.Contains(asked, "新的版本") {
			t.Fatalf("publish asked %q", asked)
		}
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('table.published tr.version').length`); n != 0 {
			t.Fatalf("declining published: %v versions", n)
		}
		office := client(t)
		officeCSRF := signIn(t, office, site.URL, consoletest.Office)
		var hashes []string
		for v := 1; v <= 2; v++ {
			consoletest.Eval[bool](tab, `(window.confirm = () => true, true)`)
			tab.Submit("#publish-form button[type=submit]")
			if p := tab.Path(); !strings.HasPrefix(p, "/console/circulars?period="+w.period+"&published=") {
				t.Fatalf("after publishing at %s", p)
			}
			just := consoletest.Eval[[]string](tab, `[document.querySelector('#just-published').dataset.version, document.querySelector('#just-published').dataset.sha256]`)
			rows := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('table.published tr.version')].map(r => r.dataset.version + ' ' + r.querySelector('.sha256').textContent + (r.classList.contains('just') ? ' just' : ''))`)
			if just[0] != string(rune('0'+v)) || len(just[1]) != 64 || len(rows) != v || rows[0] != just[0]+" "+just[1]+" just" {
				t.Fatalf("publication %d: notice %v, versions %v", v, just, rows)
			}
			if text := tab.Text(); !strings.Contains(text, "已发布第 "+just[0]+" 版") || !strings.Contains(text, just[1]) {
				t.Fatalf("publication %d does not say its version and hash:\n%s", v, text)
			}
			// The stored PDF, downloaded through the console's session,
			// hashes to what the page shows.
			id := consoletest.Eval[string](tab, `document.querySelector('table.published tr.just').dataset.id`)
			body := getWant(t, office, site.URL+"/console/files/circulars/"+id+"/download?format=pdf", http.StatusOK)
			if sum := sha256.Sum256([]byte(body)); hex.EncodeToString(sum[:]) != just[1] {
				t.Fatalf("version %d downloads bytes hashing to %x, the page says %s", v, sum, just[1])
			}
			hashes = append(hashes, just[1])
		}
		if hashes[0] == hashes[1] {
			t.Error("versions 1 and 2 have the same hash")
		}
		if rows := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('table.published tr.version')].map(r => r.dataset.version)`); strings.Join(rows, ",") != "2,1" {
			t.Errorf("versions listed %v, want 2 then 1", rows)
		}
		tab.Shoot("circular-published")

		// A month not begun has no circular: the page says so and keeps
		// the picker; English is a setting.
		next := time.Now().AddDate(0, 2, 0).Format("2006-01")
		if code, body := get(t, office, site.URL+"/console/circulars?period="+next); code != http.StatusOK ||
			!strings.Contains(body, `class="problem"`) || strings.Contains(body, "publish-form") {
			t.Errorf("a month not begun: %d", code)
		}
		if code, _ := get(t, office, site.URL+"/console/circulars?period=2026-13"); code != http.StatusBadRequest {
			t.Errorf("a month that is not one: %d, want 400", code)
		}
		// Publishing them is refused with the reason, on the page.
		for period, want := range map[string]int{next: http.StatusUnprocessableEntity, "2026-13": http.StatusBadRequest} {
			code, body := postForm(t, office, site.URL+"/console/circulars/"+period+"/publish", url.Values{"_csrf": {officeCSRF}})
			if code != want || !strings.Contains(body, `class="problem"`) || !strings.Contains(body, `id="period"`) {
				t.Errorf("publishing %s: %d, want %d with the reason on the page", period, code, want)
			}
		}
		tab.Go("/console/circulars?period=" + w.period + "&lang=en")
		if text := tab.Text(); !strings.Contains(text, "Monthly supervision circular") || !strings.Contains(text, "Published versions") {
			t.Errorf("English page:\n%s", text)
		}
		tab.Shoot("circular-en")

		// Readers of published circulars: no menu entry, the versions
		// only, refused the preview and publishing; downloads allowed.
		pdfID := consoletest.Eval[string](tab, `document.querySelector('table.published tr.version').dataset.id`)
		reader := consoletest.Open(t, site, "contractor")
		reader.Phone = 1024
		reader.SignInTo(consoletest.Contractor, "/console/circulars?period="+w.period)
		if n := consoletest.Eval[float64](reader, `document.querySelectorAll('nav a[href="/console/circulars"], #preview, #publish-form').length`); n != 0 {
			t.Errorf("the contractor's page has %v of: the menu entry, the preview, the publish form", n)
		}
		if rows := consoletest.Eval[[]string](reader, `[...document.querySelectorAll('table.published tr.version')].map(r => r.dataset.version + ' ' + r.querySelector('.sha256').textContent)`); len(rows) != 2 || rows[1] != "1 "+hashes[0] {
			t.Errorf("the contractor's published versions: %v", rows)
		}
		reader.Shoot("circular-reader")
		for _, who := range []string{consoletest.Contractor, consoletest.Inspector} {
			c := client(t)
			csrf := signIn(t, c, site.URL, who)
			code, body := get(t, c, site.URL+"/console/circulars?period="+w.period)
			if code != http.StatusOK || strings.Contains(body, `href="/console/circulars"`) || strings.Contains(body, `id="preview"`) ||
				strings.Contains(body, "publish-form") || strings.Count(body, `class="version`) != 2 {
				t.Errorf("%s's circular page: %d\n%s", who, code, body)
			}
			getWant(t, c, site.URL+"/console/files/periods/"+w.period+"/circular?format=pdf", http.StatusForbidden)
			if code, _ := postForm(t, c, site.URL+"/console/circulars/"+w.period+"/publish", url.Values{"_csrf": {csrf}}); code != http.StatusForbidden {
				t.Errorf("%s publishes: %d, want 403", who, code)
			}
			getWant(t, c, site.URL+"/console/files/circulars/"+pdfID+"/download", http.StatusOK)
		}
		adm := client(t)
		signIn(t, adm, site.URL, consoletest.Admin)
		if body := getWant(t, adm, site.URL+"/console/circulars", http.StatusOK); !strings.Contains(body, `href="/console/circulars"`) ||
			!strings.Contains(body, `id="publish-form"`) {
			t.Error("the admin may stand in for the office, and the page does not offer it")
		}
		vol := client(t)
		signIn(t, vol, site.URL, consoletest.Volunteer)
		if _, body := get(t, vol, site.URL+"/console/orders"); strings.Contains(body, `href="/console/circulars"`) {
			t.Error("the volunteer's menu offers the circular")
		}
		getWant(t, vol, site.URL+"/console/circulars", http.StatusForbidden)
		getWant(t, vol, site.URL+"/console/files/circulars/"+pdfID+"/download", http.StatusForbidden)

		// Nothing of the refused attempts was published.
		r := e.Get("/api/v1/circulars?period="+w.period, e.Login(consoletest.Office))
		apitest.Expect(t, r, http.StatusOK)
		if n := len(r.Map(t)["items"].([]any)); n != 2 {
			t.Errorf("%d publications, want 2", n)
		}
	})
}

func prevMonth(p string) string { return shiftMonth(p, -1) }
func nextMonth(p string) string { return shiftMonth(p, 1) }

func shiftMonth(p string, n int) string {
	t, err := time.Parse("2006-01", p)
	if err != nil {
		panic(err)
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}
