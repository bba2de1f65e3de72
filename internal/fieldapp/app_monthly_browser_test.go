package fieldapp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// The road's two fixed photo points, and where the reporter stands: about
// 40 m south-west of the first (so the guidance points north-east).
const (
	point1Lat, point1Lon = 28.2049, 112.9731
	point2Lat, point2Lon = 28.2061, 112.9802
	nearP1Lat, nearP1Lon = 28.2046, 112.9728
)

// monthlyRoad gives the road an indicator and two photo points (as the
// office does) and answers the indicator's id and the points' ids.
func monthlyRoad(t *testing.T, c *consoletest.County) (string, []string) {
	t.Helper()
	r := c.Env.Post("/api/v1/projects/"+c.Road+"/indicators", c.Tokens[consoletest.Office],
		map[string]any{"name": "路面铺筑", "unit": "km", "target": 4.2})
	apitest.Expect(t, r, http.StatusCreated)
	ind := r.Map(t)["id"].(string)
	var pts []string
	for _, p := range []map[string]any{
		{"name": "起点桥头", "lat": point1Lat, "lon": point1Lon, "bearing": 90, "note": "站在桥头护栏边，朝东拍路面"},
		{"name": "K0+800 弯道", "lat": point2Lat, "lon": point2Lon, "bearing": 45, "note": "朝东北拍弯道全景"},
	} {
		r := c.Env.Post("/api/v1/projects/"+c.Road+"/photo-points", c.Tokens[consoletest.Office], p)
		apitest.Expect(t, r, http.StatusCreated)
		pts = append(pts, r.Map(t)["id"].(string))
	}
	// Last month the road stood at 70 % (its own indicator, 形象进度).
	now := time.Now()
	lastMonth := time.Date(now.Year(), now.Month(), 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	apitest.Expect(t, c.Env.Post("/api/v1/projects/"+c.Road+"/progress", c.Tokens[consoletest.Office],
		map[string]any{"date": lastMonth, "percent": 70}), http.StatusCreated)
	return ind, pts
}

// roadReports are the road's monthly reports on the server (the office's view).
func roadReports(t *testing.T, c *consoletest.County) []map[string]any {
	t.Helper()
	r := c.Env.Get("/api/v1/monthly-reports?project_id="+c.Road, c.Tokens[consoletest.Office])
	apitest.Expect(t, r, http.StatusOK)
	var out []map[string]any
	for _, it := range r.Map(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// setInput sets a field's value and fires its input event (as typing does).
func setInput(t *testing.T, tab *consoletest.Tab, id, v string) {
	t.Helper()
	consoletest.Eval[bool](tab, `(() => { const el = document.getElementById('`+id+`'); el.value = '`+v+`';
		el.dispatchEvent(new Event('input')); return true; })()`)
}

// TestAppMonthlyReport: the road unit's contractor, with no signal and
// standing near the first photo point, files the road's monthly report —
// the app guides to each point by distance and direction and marks
// figures as the server will judge them — with a photo of each point;
// the page is closed and opened again; when the signal returns the report
// reaches the server once, submitted, its two photos byte for byte,
// without a reload. The office returns it; after sync the app shows the
// reason, and the corrected report is resubmitted through the outbox.
func TestAppMonthlyReport(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		ind, pts := monthlyRoad(t, c)
		var off atomic.Bool
		var cut atomic.Int32
		srv := httptest.NewServer(noSignal(e.Server.Handler, &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, nearP1Lat, nearP1Lon)
		road := `#monthly li[data-project="` + c.Road + `"]`
		signInAs(t, tab, consoletest.Contractor, `!!document.querySelector('`+road+` a.button')`)
		if s := consoletest.Eval[string](tab, `document.querySelector('`+road+`').dataset.state`); s != "missing" {
			t.Fatalf("the road's report is %q before anything was filed, want missing", s)
		}
		if txt := consoletest.Eval[string](tab, `document.querySelector('`+road+`').innerText`); !strings.Contains(txt, "未填报") {
			t.Fatalf("the road's report shows %q, want 未填报 (Chinese by default)", txt)
		}
		tab.Shoot("app-monthly-work")

		setOffline(t, tab, true)
		off.Store(true)
		tab.Do(chromedp.Reload(), chromedp.WaitVisible("#nav-new"))
		waitFor(t, tab, "the month's list offline", `!!document.querySelector('`+road+` a.button')`, 10*time.Second)
		tab.Do(chromedp.Click(road+` a.button`), chromedp.WaitVisible("#mr-value-0"))

		// Guidance: point 1 is some 40 m north-east; point 2 farther.
		waitFor(t, tab, "guidance", `!!document.getElementById('mr-guide-0').dataset.distance`, 10*time.Second)
		d1 := Eval(tab, `Number(document.getElementById('mr-guide-0').dataset.distance)`)
		d2 := Eval(tab, `Number(document.getElementById('mr-guide-1').dataset.distance)`)
		dir := consoletest.Eval[string](tab, `document.getElementById('mr-guide-0').dataset.direction`)
		if d1 < 20 || d1 > 70 || dir != "NE" || d2 < 500 {
			t.Fatalf("guidance: point 1 %v m %s, point 2 %v m; want ~40 m NE and > 500 m", d1, dir, d2)
		}
		if txt := consoletest.Eval[string](tab, `document.getElementById('mr-guide-0').textContent`); !strings.Contains(txt, "米") || !strings.Contains(txt, "东北") {
			t.Fatalf("guidance reads %q, want metres and 东北", txt)
		}
		if txt := consoletest.Eval[string](tab, `document.getElementById('mr-face-0').textContent`); !strings.Contains(txt, "东") || !strings.Contains(txt, "90°") {
			t.Fatalf("facing reads %q, want 东 (90°)", txt)
		}

		// The server's rules, before sending, on the office's indicator (the
		// project's own, 形象进度 in %, comes first).
		field := consoletest.Eval[string](tab, `document.querySelector('[data-indicator="`+ind+`"]').id`)
		if n := Eval(tab, `document.querySelectorAll('[data-indicator]').length`); n != 2 || field != "mr-value-1" {
			t.Fatalf("%v indicator fields, ours is %q; want 2, mr-value-1", n, field)
		}
		setInput(t, tab, "mr-value-0", "60")
		if got := consoletest.Eval[string](tab, `document.getElementById('mr-value-0-warn').dataset.judge || ''`); got != "decreased" {
			t.Fatalf("60 %% after last month's 70 %% judged %q, want decreased", got)
		}
		judge := func(v, want string) {
			t.Helper()
			setInput(t, tab, field, v)
			if got := consoletest.Eval[string](tab, `document.getElementById('`+field+`-warn').dataset.judge || ''`); got != want {
				t.Fatalf("figure %s judged %q, want %q", v, got, want)
			}
		}
		judge("-1", "refuse:negative")
		judge("5", "exceeds_target")
		judge("50", "refuse:absurd")
		judge("2.5", "")
		tab.Do(chromedp.Click("#mr-save"), chromedp.WaitVisible("#mr-error.error"))
		if txt := consoletest.Eval[string](tab, `document.getElementById('mr-error').textContent`); !strings.Contains(txt, "起点桥头") {
			t.Fatalf("saving without photos says %q, want the missing point named", txt)
		}
		photos := []string{testPhotos[2], testPhotos[3]}
		tab.Do(chromedp.SendKeys("#mr-narrative", "本月完成 K0+000—K2+500 路面铺筑。"),
			chromedp.SendKeys("#mr-problems", "雨天较多，工期偏紧。"),
			chromedp.SendKeys("#mr-help", "请协调乡里解决取土场。"),
			chromedp.SetUploadFiles("#mr-photo-0", []string{photoPath(t, photos[0])}),
			chromedp.SendKeys("#mr-caption-0", "起点桥头，朝东"),
			chromedp.SetUploadFiles("#mr-photo-1", []string{photoPath(t, photos[1])}),
			chromedp.SendKeys("#mr-caption-1", "K0+800 弯道"))
		tab.Shoot("app-monthly-form")
		tab.Do(chromedp.Click("#mr-save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "report queued", `document.querySelectorAll('#queue li[data-state=waiting]').length === 1 &&
			document.body.dataset.photos === '2'`, 10*time.Second)

		tab.Do(chromedp.Navigate("about:blank"))
		tab.Do(chromedp.Navigate(site.URL+"/app/#/queue"), chromedp.WaitVisible("#queue"))
		waitFor(t, tab, "queued after reopening", `document.querySelectorAll('#queue li[data-state=waiting]').length === 1 &&
			document.getElementById('pending-count').textContent === '1'`, 10*time.Second)
		tab.Shoot("app-monthly-queued")
		tab.Check()
		if n := len(roadReports(t, c)); n != 0 {
			t.Fatalf("%d reports reached the server while offline", n)
		}

		start := Eval(tab, "performance.timeOrigin")
		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "report sent", outboxEmpty+` && document.querySelectorAll('#queue li[data-state=sent]').length === 1`, 60*time.Second)
		if Eval(tab, "performance.timeOrigin") != start {
			t.Fatal("the page reloaded to send")
		}
		tab.Check()
		rs := roadReports(t, c)
		if len(rs) != 1 {
			t.Fatalf("%d reports on the server, want 1", len(rs))
		}
		rep := rs[0]
		if rep["state"] != "submitted" || rep["narrative"] != "本月完成 K0+000—K2+500 路面铺筑。" || rep["help_requested"] != "请协调乡里解决取土场。" {
			t.Fatalf("report on the server: state %v, narrative %v, help %v", rep["state"], rep["narrative"], rep["help_requested"])
		}
		got := map[string]any{}
		for _, v := range rep["values"].([]any) {
			got[v.(map[string]any)["indicator_id"].(string)] = v.(map[string]any)["value"]
		}
		if len(got) != 2 || got[ind] != 2.5 || got[c.Road+"-i1"] != 60.0 {
			t.Fatalf("values %v, want 2.5 for %s and 60 for the project's own", got, ind)
		}
		for _, v := range rep["values"].([]any) {
			if v := v.(map[string]any); v["indicator_id"] == c.Road+"-i1" && !strings.Contains(fmt.Sprint(v["flags"]), "decreased") {
				t.Fatalf("the server did not flag 60 after 70 as the app said it would: %v", v["flags"])
			}
		}
		byPoint := map[string]map[string]any{}
		for _, p := range rep["photos"].([]any) {
			ph := p.(map[string]any)
			byPoint[ph["point_id"].(string)] = ph
		}
		for i, pt := range pts {
			ph := byPoint[pt]
			if ph == nil || ph["stored"] == nil {
				t.Fatalf("point %d: photo %v, want one stored", i+1, ph)
			}
			if got := ph["stored"].(map[string]any)["sha256"]; got != sha(t, photos[i]) {
				t.Fatalf("point %d: sha256 %v, want %s (the original bytes)", i+1, got, sha(t, photos[i]))
			}
		}
		if len(byPoint) != 2 || byPoint[pts[0]]["caption"] != "起点桥头，朝东" {
			t.Fatalf("photos %v", rep["photos"])
		}

		// The office returns it; after sync the reason is in my work.
		const reason = "弯道照片未拍到路肩，请按点位方向补拍。"
		apitest.Expect(t, c.Env.Post("/api/v1/monthly-reports/"+rep["id"].(string)+"/return", c.Tokens[consoletest.Office],
			map[string]any{"reason": reason}), http.StatusOK)
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"), chromedp.Click("#sync"))
		waitFor(t, tab, "returned report shown", `document.querySelector('`+road+`').dataset.state === 'returned'`, 20*time.Second)
		if txt := consoletest.Eval[string](tab, `document.querySelector('`+road+`').innerText`); !strings.Contains(txt, reason) {
			t.Fatalf("the returned report shows %q, want the reason %q", txt, reason)
		}
		tab.Shoot("app-monthly-returned")

		// Corrected: a new photo of point 2, point 1's kept; resubmitted.
		tab.Do(chromedp.Click(road+` a.button`), chromedp.WaitVisible("#mr-returned"))
		if v := consoletest.Eval[string](tab, `document.getElementById('`+field+`').value`); v != "2.5" {
			t.Fatalf("the form starts from %q, want the report's 2.5", v)
		}
		setInput(t, tab, field, "2.6")
		tab.Do(chromedp.SetUploadFiles("#mr-photo-1", []string{photoPath(t, testPhotos[4])}), chromedp.Click("#mr-save"),
			chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "correction sent", outboxEmpty+` && document.querySelectorAll('#queue li[data-state=sent]').length === 2`, 60*time.Second)
		rs = roadReports(t, c)
		if len(rs) != 1 || rs[0]["state"] != "submitted" || rs[0]["resubmitted_at"] == nil {
			t.Fatalf("after the correction: %d reports, state %v, resubmitted %v", len(rs), rs[0]["state"], rs[0]["resubmitted_at"])
		}
		for _, p := range rs[0]["photos"].([]any) {
			ph := p.(map[string]any)
			want := map[string]string{pts[0]: sha(t, photos[0]), pts[1]: sha(t, testPhotos[4])}[ph["point_id"].(string)]
			if ph["stored"] == nil || ph["stored"].(map[string]any)["sha256"] != want {
				t.Fatalf("corrected photo of %v: %v, want %s", ph["point_id"], ph["stored"], want)
			}
		}
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"))
		waitFor(t, tab, "resubmitted shown", `document.querySelector('`+road+`').dataset.state === 'submitted'`, 20*time.Second)
		tab.Check()

		// English by setting.
		tab.Do(chromedp.Click("#lang"))
		waitFor(t, tab, "English", `document.querySelector('#main h2:nth-of-type(2)') && [...document.querySelectorAll('#main h2')].some((h) => h.textContent.startsWith('Monthly report'))`, 10*time.Second)
		if txt := consoletest.Eval[string](tab, `document.querySelector('`+road+`').innerText`); !strings.Contains(txt, "submitted") {
			t.Fatalf("in English the report reads %q", txt)
		}
		tab.Shoot("app-monthly-en")
	})
}

// TestAppMonthlyRefused: a report saved offline for a project the office
// suspends before the signal returns is refused by the server (422,
// project not under construction); the outbox marks it failed with the
// server's own reason, field by field, and nothing is written.
func TestAppMonthlyRefused(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var off atomic.Bool
		var cut atomic.Int32
		srv := httptest.NewServer(noSignal(e.Server.Handler, &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		other := `#monthly li[data-project="` + c.Hostile + `"]`
		signInAs(t, tab, consoletest.Contractor, `!!document.querySelector('`+other+` a.button')`)

		setOffline(t, tab, true)
		off.Store(true)
		tab.Do(chromedp.Click(other+` a.button`), chromedp.WaitVisible("#mr-value-0"))
		setInput(t, tab, "mr-value-0", "30")
		tab.Do(chromedp.Click("#mr-save"), chromedp.WaitVisible("#saved"))
		apitest.Expect(t, c.Env.Post("/api/v1/projects/"+c.Hostile+"/status", c.Tokens[consoletest.Office],
			map[string]any{"status": "suspended"}), http.StatusOK)

		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "refused", `!!document.querySelector('#queue li[data-state=failed] .error')`, 60*time.Second)
		msg := consoletest.Eval[string](tab, `document.querySelector('#queue li[data-state=failed] .error').textContent`)
		if !strings.Contains(msg, "project_id") || !strings.Contains(msg, "suspended") {
			t.Fatalf("the queue says %q, want the server's reason naming project_id", msg)
		}
		tab.Shoot("app-monthly-refused")
		r := c.Env.Get("/api/v1/monthly-reports?project_id="+c.Hostile, c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		if n := len(r.Map(t)["items"].([]any)); n != 0 {
			t.Fatalf("%d reports written for a suspended project", n)
		}
		tab.Check()
	})
}
