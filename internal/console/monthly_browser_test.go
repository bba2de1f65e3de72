package console_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// GPS of testdata/photos/gps/DSCN0010.jpg and DSCN0021.jpg (MANIFEST.tsv).
const (
	dscn10Lat, dscn10Lon = 43.4674483333333, 11.8851266666639
	dscn21Lat, dscn21Lon = 43.4670816666639, 11.8845383333306
)

// monthlyMonth is last month's reporting in the console county
// (consoletest.Seed) plus one more project, worked out by hand. L is last
// month in the county's zone, its reports due on the 28th, so anything
// first submitted now is late; L1 is the month before it.
//
//	project                 unit         township  report for L                              standing
//	上坝村通村公路 (Road)     青山乡人民政府  青山乡     submitted, moved to L's 10th               on time
//	<script> (Hostile)       青山乡人民政府  青山乡     submitted now                              late
//	河塘镇饮水 (Other)        县水利局      河塘镇     a draft only                               missing
//	青山乡集中供水 (Supply)    县水利局      青山乡     none                                       missing
//
// Before review: 4 projects, on time 1, late 1, missing 2, awaiting review
// 2, returned 0, accepted 0. By unit: 青山乡人民政府 2 (1 on time, 1 late),
// 县水利局 2 (2 missing). By township: 青山乡 3 (1, 1, 1 missing), 河塘镇 1
// (1 missing). The office returns the road's report and accepts the
// hostile one's: awaiting 0, returned 1, accepted 1, standings unchanged
// (a returned report keeps its first submission).
//
// The road has two fixed points: 起点 where DSCN0010 was taken and 终点
// 0.01° (≈1.1 km) north of where DSCN0021 was taken. Its L1 report,
// accepted, had landscape_1 at 起点 and DSCN0029 at 终点, figures 30 % and
// 1.0 km; its L report has DSCN0010 at 起点 (on the point) and DSCN0021 at
// 终点 (off_point), figures 45 % and 0.8 km (decreased).
type monthlyMonth struct {
	c                *consoletest.County
	period, prev     string // L and L1
	label, prevLabel string // "2026年11月"
	supply           string
	start, end       string // the road's two points
	roadReport       string
	hostileReport    string
	photos           []string // the road's photos, L1's then L's
}

func newMonthlyMonth(t *testing.T, e *apitest.Env) *monthlyMonth {
	t.Helper()
	ctx := context.Background()
	c := consoletest.Seed(t, e)
	zone := e.Config.Zone
	now := time.Now().In(zone)
	first := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, zone)
	w := &monthlyMonth{c: c, period: first.Format("2006-01"), prev: first.AddDate(0, -1, 0).Format("2006-01"),
		label: first.Format("2006年1月"), prevLabel: first.AddDate(0, -1, 0).Format("2006年1月")}
	admin := c.Users[consoletest.Admin].Principal()
	supply, err := e.Server.Projects.Create(ctx, admin, projects.NewProject{Code: "2026-WS-002", Name: "青山乡集中供水工程",
		Category: projects.CatDrinkingWater, Township: "青山乡", Unit: consoletest.OtherUnit,
		Status: projects.StatusUnderConstruction, PlannedStart: "2026-03-01", PlannedEnd: "2026-10-31",
		Location: &projects.Point{Lat: 28.19, Lon: 112.95}})
	if err != nil {
		t.Fatal(err)
	}
	w.supply = supply.ID
	// The county was recorded today but its projects were under way in the
	// months the test files for: their status history starts before them,
	// as a real county's would (who owed a report is read from it).
	if err := e.DB.Conn(ctx).Exec("UPDATE project_status_history SET from_at = ?",
		store.TS(first.AddDate(0, -2, 0))).Error; err != nil {
		t.Fatal(err)
	}
	km := 5.2
	if _, err := e.Server.Projects.CreateIndicator(ctx, admin, c.Road, projects.NewIndicator{Name: "路基", Unit: "km",
		Target: &km}); err != nil {
		t.Fatal(err)
	}
	return w
}

// indicators are the project's indicator ids, first first.
func (w *monthlyMonth) indicators(t *testing.T, project string) []string {
	t.Helper()
	m, err := w.c.Env.Server.Projects.IndicatorsOf(context.Background(), []string{project}, nil)
	if err != nil || len(m[project]) == 0 {
		t.Fatalf("indicators of %s: %v %v", project, m, err)
	}
	var ids []string
	for _, ind := range m[project] {
		ids = append(ids, ind.ID)
	}
	return ids
}

// file is a unit's contractor filing a report with its photos (one per
// point: file name), and submitting it unless draft.
func (w *monthlyMonth) file(t *testing.T, user, project, period string, values []float64, photos map[string]string,
	captions map[string]string, draft bool) (string, []string) {
	t.Helper()
	e, tok := w.c.Env, w.c.Tokens[user]
	inds := w.indicators(t, project)
	var vals, phs []any
	for i, v := range values {
		vals = append(vals, map[string]any{"indicator_id": inds[i], "value": v})
	}
	ids := map[string]string{}
	var order []string
	for _, pt := range []string{w.start, w.end} {
		if _, ok := photos[pt]; !ok || pt == "" {
			continue
		}
		ids[pt] = uuid.NewString()
		order = append(order, ids[pt])
		phs = append(phs, map[string]any{"point_id": pt, "photo_id": ids[pt], "caption": captions[pt]})
	}
	id := uuid.NewString()
	apitest.Expect(t, e.Post("/api/v1/monthly-reports", tok, map[string]any{"id": id, "project_id": project, "period": period,
		"values": vals, "photos": phs, "narrative": "完成路基 0.8 公里，K0+600 涵洞浇筑完成。", "problems": "连续降雨，土方停工 6 天。",
		"help_requested": "请协调 K1+200 段占地补偿。"}), http.StatusCreated)
	for pt, name := range photos {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("photo_id", ids[pt])
		fw, _ := mw.CreateFormFile("file", "IMG.jpg")
		_, _ = fw.Write(consoletest.Photo(t, name))
		_ = mw.Close()
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports/" + id + "/photos",
			Token: tok, Body: b.Bytes(), Content: mw.FormDataContentType()}), http.StatusCreated)
	}
	if !draft {
		apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+id+"/submit", tok, nil), http.StatusOK)
	}
	return id, order
}

// counts reads the page's headline counts.
func monthlyCounts(tab *consoletest.Tab) map[string]string {
	return consoletest.Eval[map[string]string](tab, `Object.fromEntries([...document.querySelectorAll('[data-count]')].map(f => [f.dataset.count, f.querySelector('dd').textContent]))`)
}

func wantCounts(t *testing.T, got map[string]string, want string) {
	t.Helper()
	keys := []string{"projects", "on_time", "late", "missing", "submitted", "returned", "accepted"}
	var parts []string
	for _, k := range keys {
		parts = append(parts, got[k])
	}
	if s := strings.Join(parts, " "); s != want {
		t.Errorf("counts (projects on_time late missing submitted returned accepted) = %s, want %s", s, want)
	}
}

// tallies reads a tally table: name → "projects on_time late missing returned accepted".
func tallies(tab *consoletest.Tab, id string) map[string]string {
	return consoletest.Eval[map[string]string](tab, `Object.fromEntries([...document.querySelectorAll('#`+id+` tbody tr')].map(r => [r.dataset.name, r.dataset.counts]))`)
}

// The office's month: photo points placed and corrected on the road's
// page; the units' reports filed through the API; the status of last
// month counted as worked out above, by unit and by township; the road's
// report opened, its figures beside last month's accepted ones, each
// point's photo beside last month's with the off-point one flagged;
// returned with a reason (required) and the other accepted; the status
// changed accordingly; the month closed after a confirmation. Others see
// what the policy gives them.
func TestMonthlyScreensInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, func(c *config.Config) { c.CountyName = "青山县" }, func(t *testing.T, e *apitest.Env) {
		w := newMonthlyMonth(t, e)
		c := w.c
		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		tab.Phone = 1024

		// Photo points: placed and corrected through the road's page.
		tab.SignInTo(consoletest.Office, "/console/projects/"+c.Road)
		tab.Do(chromedp.Click(`.point-edit > details:last-of-type > summary`))
		for sel, val := range map[string]string{"#pt-new-name": "起点", "#pt-new-lat": fmt.Sprint(dscn10Lat),
			"#pt-new-lon": fmt.Sprint(dscn10Lon), "#pt-new-bearing": "90", "#pt-new-note": "站在桥头朝东拍"} {
			tab.Do(chromedp.SendKeys(sel, val))
		}
		tab.Submit(".add-point button[type=submit]")
		if got := consoletest.Eval[string](tab, `document.querySelector('.points tr[data-point="起点"] .bearing').textContent`); got != "东 90°" {
			t.Fatalf("起点 faces %q after adding", got)
		}
		tab.Do(chromedp.Click(`.point-edit > details:first-of-type > summary`))
		tab.Do(chromedp.SetValue(`.correct-point[data-point="起点"] input[name=bearing]`, "45"))
		tab.Submit(`.correct-point[data-point="起点"] button[type=submit]`)
		if got := consoletest.Eval[string](tab, `document.querySelector('.points tr[data-point="起点"] .bearing').textContent`); got != "东北 45°" {
			t.Errorf("起点 faces %q after the correction", got)
		}
		tab.Shoot("monthly-points")
		// Refusals come back on the page, with the form as filled.
		oc := client(t)
		csrf := signIn(t, oc, site.URL, consoletest.Office)
		for _, bad := range []struct {
			form url.Values
			want int
			text string
		}{
			{url.Values{"name": {"起点"}, "lat": {"28.2"}, "lon": {"112.9"}, "bearing": {"0"}}, http.StatusConflict, "同名定点"},
			{url.Values{"name": {"桥头"}, "lat": {"北纬28度"}, "lon": {"112.9"}, "bearing": {"0"}}, http.StatusUnprocessableEntity, "北纬28度"},
			{url.Values{"name": {"桥头"}, "lat": {"28.2"}, "lon": {"112.9"}, "bearing": {"360"}}, http.StatusUnprocessableEntity, "bearing"},
		} {
			bad.form.Set("_csrf", csrf)
			code, body := postForm(t, oc, site.URL+"/console/projects/"+c.Road+"/photo-points", bad.form)
			if code != bad.want || !strings.Contains(body, `class="problem"`) || !strings.Contains(body, bad.text) {
				t.Errorf("adding %v: %d, want %d with %q on the page", bad.form, code, bad.want, bad.text)
			}
		}
		r := e.Post("/api/v1/projects/"+c.Road+"/photo-points", c.Tokens[consoletest.Office],
			map[string]any{"name": "终点", "lat": dscn21Lat + 0.01, "lon": dscn21Lon, "bearing": 270, "note": "朝西拍路面"})
		apitest.Expect(t, r, http.StatusCreated)
		w.end = r.Map(t)["id"].(string)
		r = e.Get("/api/v1/projects/"+c.Road+"/photo-points", c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		for _, it := range r.Map(t)["items"].([]any) {
			if pt := it.(map[string]any); pt["name"] == "起点" {
				w.start = pt["id"].(string)
			}
		}
		if w.start == "" {
			t.Fatal("起点 was not saved")
		}

		// The reports.
		office := c.Tokens[consoletest.Office]
		l1, l1Photos := w.file(t, consoletest.Contractor, c.Road, w.prev, []float64{30, 1.0},
			map[string]string{w.start: "orientation/landscape_1.jpg", w.end: "gps/DSCN0029.jpg"},
			map[string]string{w.start: "上月起点", w.end: "上月终点"}, false)
		apitest.Expect(t, e.Post("/api/v1/monthly-reports/"+l1+"/accept", office, nil), http.StatusOK)
		var lPhotos []string
		w.roadReport, lPhotos = w.file(t, consoletest.Contractor, c.Road, w.period, []float64{45, 0.8},
			map[string]string{w.start: "gps/DSCN0010.jpg", w.end: "gps/DSCN0021.jpg"},
			map[string]string{w.start: "起点路基已成型", w.end: "终点路面摊铺"}, false)
		w.photos = append(l1Photos, lPhotos...)
		month, err := time.ParseInLocation("2006-01", w.period, e.Config.Zone)
		if err != nil {
			t.Fatal(err)
		}
		tenth := store.TS(month.AddDate(0, 0, 9).Add(10 * time.Hour))
		if err := e.DB.Conn(context.Background()).Exec("UPDATE monthly_reports SET submitted_at = ? WHERE id = ?",
			tenth, w.roadReport).Error; err != nil {
			t.Fatal(err)
		}
		w.hostileReport, _ = w.file(t, consoletest.Contractor, c.Hostile, w.period, []float64{80}, nil, nil, false)
		w.file(t, consoletest.Contractor2, c.Other, w.period, []float64{10}, nil, nil, true)
		for _, id := range w.photos {
			waitRendition(t, c, consoletest.Contractor, id)
		}

		// The status: this month by default, last month one step back.
		tab.Go("/console/monthly")
		if got := consoletest.Eval[string](tab, `document.querySelector('#period').value`); got != time.Now().In(e.Config.Zone).Format("2006-01") {
			t.Errorf("the picker shows %q, want the running month", got)
		}
		if got := consoletest.Eval[string](tab, `document.querySelector('nav a[aria-current=page]').textContent`); got != "月报" {
			t.Errorf("current menu entry %q", got)
		}
		tab.Do(chromedp.Click("#prev-month"))
		tab.Do(chromedp.WaitVisible(`tr[data-code="2026-RD-001"]`))
		tab.Check()
		if p := tab.Path(); p != "/console/monthly?period="+w.period {
			t.Fatalf("previous month at %s", p)
		}
		wantCounts(t, monthlyCounts(tab), "4 1 1 2 2 0 0")
		checkTallies := func(unit, township map[string]string) {
			t.Helper()
			for id, want := range map[string]map[string]string{"by-unit": unit, "by-township": township} {
				got := tallies(tab, id)
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s %s: %q, want %q (all %v)", id, k, got[k], v, got)
					}
				}
				if len(got) != len(want) {
					t.Errorf("%s lists %v", id, got)
				}
			}
		}
		checkTallies(map[string]string{consoletest.RoadUnit: "2 1 1 0 0 0", consoletest.OtherUnit: "2 0 0 2 0 0"},
			map[string]string{"青山乡": "3 1 1 1 0 0", "河塘镇": "1 0 0 1 0 0"})
		rows := consoletest.Eval[map[string]string](tab, `Object.fromEntries([...document.querySelectorAll('.monthly-projects tbody tr')].map(r => [r.dataset.code, r.dataset.state + ' ' + r.dataset.standing + ' ' + [...r.querySelectorAll('[data-flag]')].map(f => f.dataset.flag).join(',')]))`)
		// The figures' flags are listed (the photos' may be too).
		for code, want := range map[string]string{"2026-RD-001": "submitted on_time decreased", "2026-RD-666": "submitted late jump",
			"2026-WS-001": "draft missing ", "2026-WS-002": "missing missing "} {
			state, flags, _ := strings.Cut(want, " ")
			standing, flag, _ := strings.Cut(flags, " ")
			got := strings.Fields(rows[code])
			if len(got) < 2 || got[0] != state || got[1] != standing || (flag == "") != (len(got) == 2) ||
				(flag != "" && !strings.Contains(","+got[2]+",", ","+flag+",")) {
				t.Errorf("project %s: %q, want %s, %s, flagged %q", code, rows[code], state, standing, flag)
			}
		}
		text := tab.Text()
		for _, want := range []string{"月报报送情况 · " + w.label, consoletest.HostileName, "待审核", "草稿", "未报", "单月增幅过大"} {
			if !strings.Contains(text, want) {
				t.Errorf("the status page lacks %q", want)
			}
		}
		tab.Shoot("monthly-status")

		// The road's report, for review.
		tab.Do(chromedp.Click(`tr[data-code="2026-RD-001"] a.report-link`))
		tab.Do(chromedp.WaitVisible(`#review-h`))
		tab.Check()
		values := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('.report-values tbody tr')].map(r => r.dataset.indicator + '|' + r.querySelector('.prev').textContent.trim() + '|' + r.querySelector('.this').textContent.trim() + '|' + [...r.querySelectorAll('[data-flag]')].map(f => f.dataset.flag).join(','))`)
		if len(values) != 2 || !strings.HasSuffix(values[0], "|30 %|45 %|") || values[1] != "路基|1 km|0.8 km|decreased" {
			t.Errorf("figures beside last month's: %q", values)
		}
		if got := consoletest.Eval[string](tab, `document.querySelector('.report-values th:nth-child(3)').textContent`); !strings.Contains(got, w.prevLabel) {
			t.Errorf("the last accepted column is %q, want it to name %s", got, w.prevLabel)
		}
		pairs := consoletest.Eval[map[string]string](tab, `Object.fromEntries([...document.querySelectorAll('.point-pair')].map(p => [p.dataset.point,
			[...p.querySelectorAll('figure.point-photo')].map(f => f.dataset.period + ':' + [...f.querySelectorAll('[data-flag]')].map(x => x.dataset.flag).join('+')).join(' ')]))`)
		if pairs["起点"] != w.prev+": "+w.period+":outside_period" {
			t.Errorf("起点's pair: %q", pairs["起点"])
		}
		if pairs["终点"] != w.prev+":off_point+outside_period "+w.period+":off_point+outside_period" {
			t.Errorf("终点's pair: %q", pairs["终点"])
		}
		// The two months stand side by side: the earlier left, at one height.
		geom := consoletest.Eval[[]float64](tab, `(() => { const f = document.querySelectorAll('.point-pair[data-point="终点"] figure img'); const a = f[0].getBoundingClientRect(), b = f[1].getBoundingClientRect(); return [a.left, b.left, a.top, b.top, f[0].naturalWidth, f[1].naturalWidth]; })()`)
		if len(geom) != 6 || geom[0] >= geom[1] || geom[2] != geom[3] {
			t.Errorf("the two photos of 终点 are not side by side: %v", geom)
		}
		// The map places both points and where this month's two photos were taken.
		tab.Do(chromedp.WaitVisible(`.point-map[data-ready="true"]`))
		if n := consoletest.Eval[float64](tab, `JSON.parse(document.querySelector('.point-map').dataset.points).length`); n != 4 {
			t.Errorf("the map has %v places, want 2 points and 2 photos", n)
		}
		consoletest.Eval[bool](tab, `(document.querySelector('#points-h').scrollIntoView(), true)`)
		deadline := time.Now().Add(20 * time.Second)
		for consoletest.Eval[float64](tab, `[...document.querySelectorAll('.point-pair img')].filter(i => i.complete && i.naturalWidth > 0).length`) != 4 {
			if time.Now().After(deadline) {
				t.Fatal("the four photos never loaded")
			}
			time.Sleep(100 * time.Millisecond)
		}
		text = tab.Text()
		for _, want := range []string{"偏离定点", "非本月拍摄", "终点路面摊铺", "上月终点", "数值下降", "请协调 K1+200 段占地补偿。", "连续降雨，土方停工 6 天。"} {
			if !strings.Contains(text, want) {
				t.Errorf("the review page lacks %q", want)
			}
		}
		// A phone keeps the two months side by side.
		tab.Phone = 390
		tab.Shoot("monthly-review")
		tab.Phone = 1024

		// Returning needs a reason.
		if code, body := postForm(t, oc, site.URL+"/console/monthly-reports/"+w.roadReport+"/return",
			url.Values{"_csrf": {csrf}, "reason": {"  "}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="problem"`) {
			t.Errorf("returning without a reason: %d", code)
		}
		tab.Do(chromedp.SendKeys("#return-reason-field", "终点照片偏离定点约 1 公里，请在定点重新拍摄。"))
		tab.Submit("#return-form button[type=submit]")
		if got := consoletest.Eval[string](tab, `document.querySelector('#report-state').dataset.state`); got != "returned" {
			t.Fatalf("after returning the report is %s", got)
		}
		if got := consoletest.Eval[string](tab, `document.querySelector('#return-reason').textContent`); !strings.Contains(got, "请在定点重新拍摄") {
			t.Errorf("the reason shown is %q", got)
		}
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('#accept-form, #return-form').length`); n != 0 {
			t.Errorf("a returned report still offers %v review forms", n)
		}
		// Accepting the other asks first.
		tab.Go("/console/monthly-reports/" + w.hostileReport)
		if got := consoletest.Eval[string](tab, `document.querySelector('#accept-form').dataset.confirm`); !strings.Contains(got, "确定审核通过") {
			t.Errorf("accepting asks %q", got)
		}
		consoletest.Eval[bool](tab, `(window.confirm = () => true, true)`)
		tab.Submit("#accept-form button[type=submit]")
		if got := consoletest.Eval[string](tab, `document.querySelector('#report-state').dataset.state`); got != "accepted" {
			t.Fatalf("after accepting the report is %s", got)
		}
		if code, _ := postForm(t, oc, site.URL+"/console/monthly-reports/"+w.hostileReport+"/accept", url.Values{"_csrf": {csrf}}); code != http.StatusConflict {
			t.Errorf("accepting twice: %d, want 409", code)
		}

		// The status changed accordingly.
		tab.Go("/console/monthly?period=" + w.period)
		wantCounts(t, monthlyCounts(tab), "4 1 1 2 0 1 1")
		checkTallies(map[string]string{consoletest.RoadUnit: "2 1 1 0 1 1", consoletest.OtherUnit: "2 0 0 2 0 0"},
			map[string]string{"青山乡": "3 1 1 1 1 1", "河塘镇": "1 0 0 1 0 0"})
		tab.Shoot("monthly-status-reviewed")

		// The series of 终点: both months, newest first.
		tab.Go("/console/photo-points/" + w.end)
		if got := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('.series-entry')].map(e => e.dataset.period)`); len(got) != 2 || got[0] != w.period || got[1] != w.prev {
			t.Errorf("终点's series: %v", got)
		}
		tab.Shoot("monthly-series")

		// Closing the month asks first; declining closes nothing.
		tab.Go("/console/monthly?period=" + w.period)
		consoletest.Eval[bool](tab, `(window.confirm = (m) => { window.asked = m; return false; }, true)`)
		tab.Do(chromedp.Click("#close-form button[type=submit]"))
		if asked := consoletest.Eval[string](tab, `window.asked || ''`); !strings.Contains(asked, w.label) {
			t.Errorf("closing asked %q", asked)
		}
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('#period-closed').length`); n != 0 {
			t.Fatal("declining closed the month")
		}
		consoletest.Eval[bool](tab, `(window.confirm = () => true, true)`)
		tab.Submit("#close-form button[type=submit]")
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('#period-closed').length - document.querySelectorAll('#close-form').length`); n != 1 {
			t.Errorf("after closing: closed tag minus close forms = %v, want 1", n)
		}
		if code, _ := postForm(t, oc, site.URL+"/console/monthly/"+w.period+"/close", url.Values{"_csrf": {csrf}}); code != http.StatusConflict {
			t.Errorf("closing twice: %d, want 409", code)
		}
		if code, body := get(t, oc, site.URL+"/console/monthly?period=2026-13"); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `class="problem"`) || !strings.Contains(body, `id="period"`) {
			t.Errorf("a month that is not one: %d, want 422 with the picker", code)
		}
		tab.Go("/console/monthly?period=" + w.period + "&lang=en")
		if text := tab.Text(); !strings.Contains(text, "Monthly reporting status") || !strings.Contains(text, "By township") {
			t.Errorf("English page:\n%s", text)
		}
		tab.Shoot("monthly-status-en")

		// Others: the inspector reads the status (no close) and corrects
		// the points of the road it is assigned to, not another's; the
		// unit's contractor has no menu entry and is refused the status
		// but reads its own report; a volunteer is refused.
		ins := client(t)
		signIn(t, ins, site.URL, consoletest.Inspector)
		if body := getWant(t, ins, site.URL+"/console/monthly?period="+w.period, http.StatusOK); !strings.Contains(body, `href="/console/monthly"`) ||
			strings.Contains(body, "close-form") || strings.Count(body, `class="report-link"`) != 3 {
			t.Error("the inspector's status page: want the menu entry, the three reports and no close form")
		}
		if body := getWant(t, ins, site.URL+"/console/projects/"+c.Road, http.StatusOK); !strings.Contains(body, "add-point") {
			t.Error("the inspector assigned to the road is not offered its points")
		}
		if body := getWant(t, ins, site.URL+"/console/projects/"+c.Other, http.StatusOK); strings.Contains(body, "add-point") {
			t.Error("the inspector is offered the points of a project it is not assigned to")
		}
		con := client(t)
		ccsrf := signIn(t, con, site.URL, consoletest.Contractor)
		if _, body := get(t, con, site.URL+"/console/orders"); strings.Contains(body, `href="/console/monthly"`) {
			t.Error("the contractor's menu offers the status")
		}
		getWant(t, con, site.URL+"/console/monthly", http.StatusForbidden)
		if body := getWant(t, con, site.URL+"/console/monthly-reports/"+w.roadReport, http.StatusOK); strings.Contains(body, "accept-form") ||
			!strings.Contains(body, "请在定点重新拍摄") {
			t.Error("the contractor's view of its returned report")
		}
		if code, _ := postForm(t, con, site.URL+"/console/projects/"+c.Road+"/photo-points", url.Values{"_csrf": {ccsrf},
			"name": {"乱点"}, "lat": {"28.2"}, "lon": {"112.9"}, "bearing": {"0"}}); code != http.StatusForbidden {
			t.Errorf("the contractor adds a point: %d, want 403", code)
		}
		c2 := client(t)
		signIn(t, c2, site.URL, consoletest.Contractor2)
		getWant(t, c2, site.URL+"/console/monthly-reports/"+w.roadReport, http.StatusNotFound)
		vol := client(t)
		signIn(t, vol, site.URL, consoletest.Volunteer)
		getWant(t, vol, site.URL+"/console/monthly", http.StatusForbidden)
	})
}
