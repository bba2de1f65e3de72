package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

// schedule gives a project a plan from startDays to endDays around today
// and progress reports (days ago → percent), through the service.
func schedule(t *testing.T, e *apitest.Env, admin auth.Principal, id string, startDays, endDays int, reports map[int]float64) {
	t.Helper()
	ctx := context.Background()
	today := time.Now().UTC()
	date := func(d int) *string { s := today.AddDate(0, 0, d).Format(projects.DateLayout); return &s }
	_, err := e.Server.Projects.Update(ctx, admin, id, projects.Update{
		PlannedStart: projects.Optional[string]{Set: true, Value: date(startDays)},
		PlannedEnd:   projects.Optional[string]{Set: true, Value: date(endDays)}})
	if err != nil {
		t.Fatalf("schedule %s: %v", id, err)
	}
	for ago, pct := range reports {
		pct := pct
		if _, err := e.Server.Projects.ReportProgress(ctx, admin, id, projects.NewProgress{Date: *date(-ago), Percent: &pct}); err != nil {
			t.Fatalf("progress %s: %v", id, err)
		}
	}
}

// The office walks its projects (search, the behind-schedule filter), a
// project's page (route map, progress chart, checks, orders, report), the
// dashboard's charts and the exports page (every download, the audit
// chain verified now); a contractor sees only their unit's projects and is
// refused the dashboard.
func TestProjectsDashboardAndExportsInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		county := consoletest.Seed(t, e)
		admin := county.Users[consoletest.Admin].Principal()
		// The road: 300 days of 330 gone, 10% done — behind. The water
		// project: 10 of 310 days gone, half done — on track.
		schedule(t, e, admin, county.Road, -300, 30, map[int]float64{120: 4, 0: 10})
		schedule(t, e, admin, county.Other, -10, 300, map[int]float64{0: 50})
		apitest.Expect(t, e.Post("/api/v1/orders", county.Tokens[consoletest.Office], map[string]any{
			"check_id": county.Check, "severity": "critical", "defect": "基坑未设围挡", "required_action": "设置围挡"}),
			http.StatusCreated)

		// A look-back campaign over two roads finished last year.
		ctx := context.Background()
		for _, code := range []string{"2025-RD-101", "2025-RD-102"} {
			if _, err := e.Server.Projects.Create(ctx, admin, projects.NewProject{Code: code, Name: "旧路" + code, Category: projects.CatRoad,
				Township: "青山乡", Unit: consoletest.RoadUnit, Status: projects.StatusCompleted, PlannedStart: "2025-03-01",
				PlannedEnd: "2025-10-31", Location: &projects.Point{Lat: 28.2, Lon: 112.97}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := e.Server.Campaigns.Create(ctx, county.Users[consoletest.Office].Principal(), campaigns.NewCampaign{
			ID: uuid.NewString(), Name: "2025年农村公路回头看", Categories: []string{"road"}, CompletedBefore: "2025-12-31",
			DueDate: time.Now().UTC().AddDate(0, 1, 0).Format(projects.DateLayout)}); err != nil {
			t.Fatal(err)
		}

		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		tab.SignInTo(consoletest.Office, "/console/projects")

		// The list: every project, the hostile name as text.
		tab.Go("/console/projects")
		text := tab.Text()
		for _, want := range []string{"上坝村通村公路", "河塘镇农村饮水安全巩固提升工程", consoletest.HostileName, "2026-RD-001"} {
			if !strings.Contains(text, want) {
				t.Fatalf("projects list lacks %q: %s", want, text)
			}
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('main script').length`); n != 0 {
			t.Fatalf("the hostile name became %d script elements", n)
		}
		tab.Shoot("projects")

		// Search.
		tab.Do(chromedp.SendKeys("#q", "上坝村通村公路"))
		tab.Submit("form.filters button[type=submit]")
		text = tab.Text()
		if !strings.Contains(text, "上坝村通村公路") || strings.Contains(text, "河塘镇农村饮水") || strings.Contains(text, consoletest.HostileName) {
			t.Fatalf("search for the road: %s", text)
		}

		// Behind schedule only.
		tab.Go("/console/projects")
		tab.Do(chromedp.Click("#behind_schedule"))
		tab.Submit("form.filters button[type=submit]")
		if p := tab.Path(); !strings.Contains(p, "behind_schedule=true") {
			t.Fatalf("filter at %s", p)
		}
		text = tab.Text()
		if !strings.Contains(text, "上坝村通村公路") || strings.Contains(text, "河塘镇农村饮水") {
			t.Fatalf("behind schedule: %s", text)
		}

		// The road's page.
		tab.Go("/console/projects/" + county.Road)
		tab.Do(chromedp.WaitVisible(`[data-map][data-ready="true"]`))
		if n := consoletest.Eval[int](tab, `JSON.parse(document.querySelector('[data-map]').dataset.route).length`); n != 4 {
			t.Fatalf("route has %d positions, want 4", n)
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('[data-map] .leaflet-overlay-pane path').length`); n < 1 {
			t.Fatal("the route is not drawn on the map")
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('svg.progress-chart polyline.plan, svg.progress-chart polyline.actual').length`); n != 2 {
			t.Fatalf("progress chart has %d of its two lines", n)
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('svg.progress-chart circle.dot').length`); n != 2 {
			t.Fatalf("progress chart has %d report dots, want 2", n)
		}
		for _, sel := range []string{`a[href="/console/checks/` + county.Check + `"]`, `a[href="/console/files/projects/` + county.Road + `/report.pdf"]`} {
			if n := consoletest.Eval[int](tab, fmt.Sprintf("document.querySelectorAll(%q).length", sel)); n != 1 {
				t.Fatalf("project page: %d of %s", n, sel)
			}
		}
		if text = tab.Text(); !strings.Contains(text, "ZG-") || !strings.Contains(text, "青山乡人民政府") {
			t.Fatalf("project page lacks its order or unit: %s", text)
		}
		tab.Shoot("project")

		// The dashboard shows the services' own numbers.
		office := county.Users[consoletest.Office].Principal()
		rd, err := e.Server.Review.Dashboard(context.Background(), office, review.DashboardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		tab.Go("/console/dashboard")
		values := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('figure[aria-labelledby="chart-attention-t"] text.value')).map(t => t.textContent)`)
		want := []string{fmt.Sprint(len(rd.Behind)), fmt.Sprint(len(rd.ZeroProgress)), fmt.Sprint(len(rd.Failed)), fmt.Sprint(len(rd.NotInspected))}
		if strings.Join(values, ",") != strings.Join(want, ",") || len(rd.Behind) < 1 {
			t.Fatalf("attention chart says %v, the service %v", values, want)
		}
		orderBars := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('figure[aria-labelledby="chart-orders-unit-t"] title')).map(t => t.textContent)`)
		if strings.Join(orderBars, ",") != "青山乡人民政府：1" {
			t.Fatalf("orders by unit: %v", orderBars)
		}
		if camp := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('figure[aria-labelledby="chart-campaigns-t"] title')).map(t => t.textContent)`); strings.Join(camp, ",") != "2025年农村公路回头看：0 / 2" {
			t.Fatalf("campaigns chart: %v", camp)
		}
		tab.Shoot("dashboard")

		// Exports: every download answers with its type; verify now.
		tab.Go("/console/exports")
		links := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('main a[download]')).map(a => a.getAttribute('href'))`)
		if len(links) != 5 {
			t.Fatalf("download links: %v", links)
		}
		c := client(t)
		signIn(t, c, site.URL, consoletest.Office)
		links = append(links, "/console/files/projects/"+county.Road+"/report.pdf")
		for _, l := range links {
			resp, err := c.Get(site.URL + l)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			ct := resp.Header.Get("Content-Type")
			wantType := "application/geo+json"
			switch {
			case strings.HasSuffix(l, ".csv"):
				wantType = "text/csv"
			case strings.HasSuffix(l, ".pdf"):
				wantType = "application/pdf"
			}
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, wantType) || len(body) == 0 {
				t.Fatalf("%s: %d %s (%d bytes)", l, resp.StatusCode, ct, len(body))
			}
		}
		filtered, err := c.Get(site.URL + "/console/files/exports/checks.csv?" + url.Values{"type": {"safety"}, "result": {"fail"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		filtered.Body.Close()
		if filtered.StatusCode != http.StatusOK {
			t.Fatalf("filtered export form: %d", filtered.StatusCode)
		}
		if !strings.Contains(tab.Text(), "尚未校验过") {
			t.Fatalf("exports page before any verification: %s", tab.Text())
		}
		tab.Submit("form[action='/console/exports/verify'] button")
		today := time.Now().In(e.Config.Zone).Format("2006-01-02")
		text = tab.Text()
		if !strings.Contains(text, "完好") || !strings.Contains(text, "校验已完成并记录") {
			t.Fatalf("after verify now: %s", text)
		}
		if on := consoletest.Eval[string](tab, `document.querySelector('.verified-on').getAttribute('datetime') + '|' + document.querySelector('.verified-on').textContent`); !strings.HasPrefix(on, today+"|"+today+" ") {
			t.Fatalf("verified on %q, want %s", on, today)
		}
		if n := consoletest.Eval[string](tab, `document.querySelector('.audit dd.entries').textContent`); n == "0" || n == "" {
			t.Fatalf("entries checked: %q", n)
		}
		tab.Shoot("exports")

		// A contractor: their unit's projects only, no dashboard, no audit.
		ct := consoletest.Open(t, site, "contractor")
		ct.SignInTo(consoletest.Contractor, "/console/projects")
		ct.Go("/console/projects")
		text = ct.Text()
		if !strings.Contains(text, "上坝村通村公路") || !strings.Contains(text, consoletest.HostileName) || strings.Contains(text, "河塘镇农村饮水") {
			t.Fatalf("contractor's projects: %s", text)
		}
		ct.Go("/console/projects/" + county.Other)
		if !strings.Contains(ct.Text(), "找不到") {
			t.Fatalf("contractor opened another unit's project: %s", ct.Text())
		}
		ct.Go("/console/dashboard")
		if !strings.Contains(ct.Text(), "您没有权限") {
			t.Fatalf("contractor's dashboard: %s", ct.Text())
		}
		ct.Go("/console/exports")
		if strings.Contains(ct.Text(), "审计日志校验") {
			t.Fatal("contractor sees the audit verification")
		}
		cc := client(t)
		tok := signIn(t, cc, site.URL, consoletest.Contractor)
		for path, want := range map[string]int{"/console/dashboard": http.StatusForbidden} {
			resp, err := cc.Get(site.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Fatalf("contractor GET %s: %d, want %d", path, resp.StatusCode, want)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, site.URL+"/console/exports/verify", strings.NewReader(url.Values{"_csrf": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := cc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("contractor verify now: %d, want 403", resp.StatusCode)
		}
	})
}
