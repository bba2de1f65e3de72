package fieldapp_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// signInAs signs user in through the app's form and waits until my work
// shows ready (the page's own condition) and the service worker controls it.
func signInAs(t *testing.T, tab *consoletest.Tab, user, ready string) {
	t.Helper()
	tab.Do(chromedp.Navigate(tab.Site.URL+"/app/"), chromedp.WaitVisible("#username"))
	tab.Do(chromedp.SendKeys("#username", user), chromedp.SendKeys("#password", apitest.Password),
		chromedp.Click("#signin button[type=submit]"))
	waitFor(t, tab, user+"'s work synced", ready, 20*time.Second)
	waitFor(t, tab, "service worker in control", `!!navigator.serviceWorker.controller`, 20*time.Second)
	tab.Check()
}

// issueOrder has the office issue an order directly on the road.
func issueOrder(t *testing.T, c *consoletest.County) string {
	t.Helper()
	r := c.Env.Post("/api/v1/orders", c.Tokens[consoletest.Office], map[string]any{"project_id": c.Road,
		"defect": "K0+600 处路面横缝未切缝", "severity": "major", "required_action": "按板厚四分之一切缝",
		"deadline": time.Now().Add(72 * time.Hour).Format(time.RFC3339)})
	apitest.Expect(t, r, http.StatusCreated)
	return r.Map(t)["id"].(string)
}

// TestAppContractorAnswersOrder: the road unit's contractor sees the
// county's order in my work, answers it with two photos while without
// signal (saved in the outbox), and when the signal returns the order is
// acknowledged and answered once, with the photos byte for byte.
func TestAppContractorAnswersOrder(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		order := issueOrder(t, c)
		var off atomic.Bool
		var cut atomic.Int32
		srv := httptest.NewServer(noSignal(e.Server.Handler, &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signInAs(t, tab, consoletest.Contractor, `!!document.querySelector('#orders li[data-order="`+order+`"] a.button')`)
		tab.Shoot("app-contractor-work")

		setOffline(t, tab, true)
		off.Store(true)
		tab.Do(chromedp.Click(`#orders li[data-order="`+order+`"] a.button`), chromedp.WaitVisible("#respond-text"))
		photos := []string{testPhotos[0], testPhotos[3]}
		tab.Do(chromedp.SendKeys("#respond-text", "已按板厚四分之一切缝并灌缝。"),
			chromedp.SetUploadFiles("#respond-photos", []string{photoPath(t, photos[0]), photoPath(t, photos[1])}),
			chromedp.Click("#respond-save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "response queued", `document.querySelectorAll('#queue li[data-state=waiting]').length === 1 &&
			document.body.dataset.photos === '2'`, 10*time.Second)
		tab.Shoot("app-contractor-queued")
		get := func() map[string]any {
			r := c.Env.Get("/api/v1/orders/"+order, c.Tokens[consoletest.Office])
			apitest.Expect(t, r, http.StatusOK)
			return r.Map(t)
		}
		if s := get()["status"]; s != "issued" {
			t.Fatalf("order %v while the phone had no signal", s)
		}

		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "response sent", outboxEmpty+` && document.querySelectorAll('#queue li[data-state=sent]').length === 1`, 60*time.Second)
		tab.Check()
		d := get()
		if d["status"] != "response_submitted" {
			t.Fatalf("order status %v, want response_submitted", d["status"])
		}
		resps := d["responses"].([]any)
		if len(resps) != 1 {
			t.Fatalf("%d responses, want 1", len(resps))
		}
		rsp := resps[0].(map[string]any)
		if rsp["status"] != "complete" || len(rsp["missing_photo_ids"].([]any)) != 0 {
			t.Fatalf("response %v, missing %v", rsp["status"], rsp["missing_photo_ids"])
		}
		var got []string
		for _, p := range rsp["photos"].([]any) {
			got = append(got, p.(map[string]any)["sha256"].(string))
		}
		if want := []string{sha(t, photos[0]), sha(t, photos[1])}; !sameSet(got, want) {
			t.Fatalf("response photos %v, want %v", got, want)
		}
		acts := map[string]int{}
		for _, ev := range d["timeline"].([]any) {
			acts[ev.(map[string]any)["action"].(string)]++
		}
		if acts["acknowledge"] != 1 || acts["respond"] != 1 {
			t.Fatalf("timeline %v, want one acknowledge and one respond", acts)
		}
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"), chromedp.Click("#sync"))
		waitFor(t, tab, "order shown answered", `document.querySelector('#orders li[data-order="`+order+`"]').dataset.status === 'response_submitted' &&
			!document.querySelector('#orders li[data-order="`+order+`"] a.button')`, 20*time.Second)
		tab.Check()
	})
}

// TestAppVolunteerSeesOnlyTheirRoad: a volunteer assigned to the road
// sees the road, and only the road, in my work and in the project picker
// (not the other unit's project nor the road unit's other project).
func TestAppVolunteerSeesOnlyTheirRoad(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		tab := open(t, site, onRoadLat, onRoadLon)
		signInAs(t, tab, consoletest.Volunteer, `!!document.querySelector('#projects li')`)
		list := func(expr string) []string {
			out := consoletest.Eval[[]string](tab, expr)
			sort.Strings(out)
			return out
		}
		if got := list(`[...document.querySelectorAll('#projects li')].map((li) => li.dataset.project)`); len(got) != 1 || got[0] != c.Road {
			t.Fatalf("my work lists %v, want only the road %s", got, c.Road)
		}
		tab.Do(chromedp.Click("#nav-new"), chromedp.WaitVisible("#project"))
		if got := list(`[...document.querySelectorAll('#project option')].map((o) => o.value)`); len(got) != 1 || got[0] != c.Road {
			t.Fatalf("the project picker offers %v, want only the road %s", got, c.Road)
		}
		tab.Shoot("app-volunteer-new")
		tab.Check()
	})
}

// TestAppChainageOnRoad: standing beside the road between two vertices,
// the form shows the chainage and side, and the server records the same
// for the check filed there.
func TestAppChainageOnRoad(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		// South of the second segment, a little past its middle.
		tab := open(t, site, 28.2050, 112.9770)
		signIn(t, tab)
		fillCheck(t, tab, testPhotos[0])
		consoletest.Eval[bool](tab, `(() => { const s = document.getElementById('project'); s.value = '`+c.Road+`';
			s.dispatchEvent(new Event('change')); return true; })()`)
		waitFor(t, tab, "chainage shown", `!!document.getElementById('chainage').dataset.chainage`, 10*time.Second)
		shown := consoletest.Eval[string](tab, `document.getElementById('chainage').dataset.chainage`)
		side := consoletest.Eval[string](tab, `document.getElementById('chainage').dataset.side`)
		text := consoletest.Eval[string](tab, `document.getElementById('chainage').textContent`)
		tab.Shoot("app-new-chainage")
		tab.Do(chromedp.Click("#save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "check sent", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		id := consoletest.Eval[string](tab, `document.querySelector('#queue li[data-state=sent]').dataset.check`)
		r := c.Env.Get("/api/v1/checks/"+id, c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		pl, ok := r.Map(t)["placement"].(map[string]any)
		if !ok {
			t.Fatalf("the server placed no chainage; the form showed %s", shown)
		}
		if pl["chainage"] != shown || pl["side"] != side {
			t.Fatalf("form showed %s %s, server recorded %v %v", shown, side, pl["chainage"], pl["side"])
		}
		if want := shown + "（" + map[string]string{"left": "左侧", "right": "右侧", "on": "路上"}[side]; !strings.Contains(text, want) {
			t.Fatalf("form text %q does not name the chainage and side (%q)", text, want)
		}
		t.Logf("chainage %s side %s (%s)", shown, side, text)
		tab.Check()
	})
}

// TestAppChainageMatchesServer: the app's chainage.js, run in the browser,
// places a grid of points around the seeded road (beside it, past both
// ends, on it, and too far away for a placement) exactly as the server's
// geo package does.
func TestAppChainageMatchesServer(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "inspector")
		if tab == nil {
			t.Fatal("no browser")
		}
		tab.Do(chromedp.Navigate(site.URL + "/app/"))
		route := [][]float64{{112.9684, 28.2012}, {112.9731, 28.2049}, {112.9802, 28.2061}, {112.9866, 28.2110}}
		line := make([]geo.Point, len(route))
		for i, c := range route {
			line[i] = geo.Point{Lat: c[1], Lon: c[0]}
		}
		var pts [][2]float64
		for lat := 28.195; lat <= 28.216; lat += 0.0007 {
			for lon := 112.962; lon <= 112.992; lon += 0.0009 {
				pts = append(pts, [2]float64{lat, lon})
			}
		}
		pts = append(pts, [2]float64{28.2049, 112.9731}, [2]float64{28.30, 112.97}, [2]float64{28.2012, 112.9684})
		routeJSON, _ := json.Marshal(route)
		ptsJSON, _ := json.Marshal(pts)
		expr := `import('/app/js/chainage.js').then((m) => ` + string(ptsJSON) + `.map(([lat, lon]) =>
			m.place({ lat, lon }, { route: { coordinates: ` + string(routeJSON) + ` } })))`
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]map[string]any](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("chainage.js: %v", err)
		}
		if len(got) != len(pts) {
			t.Fatalf("%d answers for %d points", len(got), len(pts))
		}
		placed := 0
		for i, p := range pts {
			d, ch, side := geo.PointToLine(geo.Point{Lat: p[0], Lon: p[1]}, line)
			if d > geo.MaxPlacementOffsetM {
				if got[i] != nil {
					t.Errorf("%v: app placed %v, server places nothing (%.0f m away)", p, got[i], d)
				}
				continue
			}
			if got[i] == nil {
				t.Errorf("%v: app placed nothing, server %s", p, geo.FormatChainage(ch))
				continue
			}
			placed++
			if got[i]["chainage"] != geo.FormatChainage(ch) || got[i]["side"] != side.String() ||
				math.Abs(got[i]["chainageM"].(float64)-ch) > 1e-6 || math.Abs(got[i]["offsetM"].(float64)-d) > 1e-6 {
				t.Errorf("%v: app %v, server %s %s %.6f %.6f", p, got[i], geo.FormatChainage(ch), side, ch, d)
			}
		}
		if placed < 100 {
			t.Fatalf("only %d points placed", placed)
		}
	})
}

// TestAppInspectorReinspectionsAndTasks: an order the contractor answered
// shows among the inspector's re-inspections due, and a look-back task
// assigned to them among their tasks; each opens the new-check form
// pre-set (verification of the order's project; post_completion of the
// task's project), and the task's check, filed, carries the task's id.
func TestAppInspectorReinspectionsAndTasks(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		ctx := context.Background()
		done, err := e.Server.Projects.Create(ctx, c.Users[consoletest.Admin].Principal(), projects.NewProject{
			Code: "2019-RD-009", Name: "下坝村通组公路", Township: "青山乡", Unit: consoletest.RoadUnit,
			Category: projects.CatRoad, Status: projects.StatusCompleted, PlannedStart: "2019-03-01", PlannedEnd: "2019-10-31",
			Location: &projects.Point{Lat: 28.2060, Lon: 112.9740}})
		if err != nil {
			t.Fatal(err)
		}
		office := c.Tokens[consoletest.Office]
		r := e.Post("/api/v1/campaigns", office, map[string]any{"id": uuid.NewString(), "name": "2026年通组公路回头看",
			"categories": []string{"road"}, "townships": []string{"青山乡"}, "completed_before": "2021-01-01", "due_date": "2099-12-31"})
		if r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Fatalf("campaign: %d %s", r.Status, r.Body)
		}
		campaign := r.Map(t)["id"].(string)
		r = e.Get("/api/v1/campaigns/"+campaign+"/tasks", office)
		apitest.Expect(t, r, http.StatusOK)
		task := ""
		for _, it := range r.Map(t)["items"].([]any) {
			if k := it.(map[string]any); k["project"].(map[string]any)["id"] == done.ID {
				task = k["id"].(string)
			}
		}
		if task == "" {
			t.Fatal("the campaign has no task for the completed road")
		}
		apitest.Expect(t, e.Post("/api/v1/campaigns/"+campaign+"/tasks/"+task+"/assign", office,
			map[string]any{"user_id": c.Users[consoletest.Inspector].ID}), http.StatusOK)

		order := issueOrder(t, c)
		contractor := c.Tokens[consoletest.Contractor]
		apitest.Expect(t, e.Post("/api/v1/orders/"+order+"/acknowledge", contractor, map[string]any{}), http.StatusOK)
		photo := uuid.NewString()
		r = e.Post("/api/v1/orders/"+order+"/responses", contractor, map[string]any{"text": "已切缝。", "photo_ids": []string{photo}})
		apitest.Expect(t, r, http.StatusCreated)
		rid := r.Map(t)["responses"].([]any)[0].(map[string]any)["id"].(string)
		apitest.Expect(t, c.UploadResponsePhoto(t, consoletest.Contractor, order, rid, photo, consoletest.Photo(t, testPhotos[0])), http.StatusCreated)

		site := consoletest.Serve(t, e)
		tab := open(t, site, onRoadLat, onRoadLon)
		signInAs(t, tab, consoletest.Inspector, `!!document.querySelector('#reinspections li[data-order="`+order+`"]') &&
			!!document.querySelector('#tasks li[data-task="`+task+`"]')`)
		tab.Shoot("app-inspector-work")

		tab.Do(chromedp.Click(`#reinspections li[data-order="`+order+`"] a.button`), chromedp.WaitVisible("#item-defect_fixed"))
		if ty, pr := consoletest.Eval[string](tab, `document.getElementById('type').value`),
			consoletest.Eval[string](tab, `document.getElementById('project').value`); ty != "verification" || pr != c.Road {
			t.Fatalf("re-inspection form: type %s project %s, want verification of %s", ty, pr, c.Road)
		}
		tab.Check()

		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible(`#tasks li[data-task="`+task+`"] a.button`),
			chromedp.Click(`#tasks li[data-task="`+task+`"] a.button`), chromedp.WaitVisible("#item-damage_found"))
		if ty, pr := consoletest.Eval[string](tab, `document.getElementById('type').value`),
			consoletest.Eval[string](tab, `document.getElementById('project').value`); ty != "post_completion" || pr != done.ID {
			t.Fatalf("task form: type %s project %s, want post_completion of %s", ty, pr, done.ID)
		}
		consoletest.Eval[bool](tab, `(() => { for (const s of document.querySelectorAll('#items select')) s.value = 'yes';
			document.getElementById('item-damage_found').value = 'no'; return true; })()`)
		waitFor(t, tab, "location", `document.getElementById('location').textContent.includes('±')`, 10*time.Second)
		tab.Do(chromedp.SetUploadFiles("#photos", []string{photoPath(t, testPhotos[1])}), chromedp.Click("#save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "task check sent", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		id := consoletest.Eval[string](tab, `document.querySelector('#queue li[data-state=sent]').dataset.check`)
		r = e.Get("/api/v1/checks/"+id, office)
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["task_id"] != task || m["type"] != "post_completion" || m["project_id"] != done.ID {
			t.Fatalf("filed check: task %v type %v project %v", m["task_id"], m["type"], m["project_id"])
		}
		r = e.Get("/api/v1/campaigns/"+campaign+"/tasks", office)
		apitest.Expect(t, r, http.StatusOK)
		for _, it := range r.Map(t)["items"].([]any) {
			if k := it.(map[string]any); k["id"] == task && (k["status"] != "done" || k["check_id"] != id) {
				t.Fatalf("task after the check: status %v check %v", k["status"], k["check_id"])
			}
		}
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"), chromedp.Click("#sync"))
		waitFor(t, tab, "task gone from my work", `!document.querySelector('#tasks li[data-task="`+task+`"]')`, 20*time.Second)
		tab.Check()
	})
}

// dropFirstAnswer runs the first POST whose path ends in suffix to the end
// and cuts the connection before the answer (the server did it, the
// phone does not know); *dropped is 1 after, or minus the status if the
// server refused it.
func dropFirstAnswer(next http.Handler, suffix string, want int, dropped *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix) && dropped.CompareAndSwap(0, 1) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code != want {
				dropped.Store(int32(-rec.Code))
			}
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestAppContractorLostAnswers: the answers to the acknowledgement, the
// response and its first photo are each lost once; the outbox sends each
// again (the same Idempotency-Key, the same photo id) and the order ends
// with one acknowledgement, one response and its two photos.
func TestAppContractorLostAnswers(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		order := issueOrder(t, c)
		var ack, rsp, ph atomic.Int32
		h := dropFirstAnswer(e.Server.Handler, "/acknowledge", http.StatusOK, &ack)
		h = dropFirstAnswer(h, "/responses", http.StatusCreated, &rsp)
		h = dropFirstAnswer(h, "/photos", http.StatusCreated, &ph)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signInAs(t, tab, consoletest.Contractor, `!!document.querySelector('#orders li[data-order="`+order+`"] a.button')`)
		tab.Do(chromedp.Click(`#orders li[data-order="`+order+`"] a.button`), chromedp.WaitVisible("#respond-text"))
		photos := []string{testPhotos[2], testPhotos[5]}
		tab.Do(chromedp.SendKeys("#respond-text", "已整改。"),
			chromedp.SetUploadFiles("#respond-photos", []string{photoPath(t, photos[0]), photoPath(t, photos[1])}),
			chromedp.Click("#respond-save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "response sent", outboxEmpty+` && document.querySelectorAll('#queue li[data-state=sent]').length === 1`, 60*time.Second)
		tab.Check()
		if ack.Load() != 1 || rsp.Load() != 1 || ph.Load() != 1 {
			t.Fatalf("dropped answers: acknowledge %d, response %d, photo %d (1 = done and its answer lost)", ack.Load(), rsp.Load(), ph.Load())
		}
		r := c.Env.Get("/api/v1/orders/"+order, c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		d := r.Map(t)
		resps := d["responses"].([]any)
		if d["status"] != "response_submitted" || len(resps) != 1 {
			t.Fatalf("order %v with %d responses, want response_submitted with 1", d["status"], len(resps))
		}
		var got []string
		for _, p := range resps[0].(map[string]any)["photos"].([]any) {
			got = append(got, p.(map[string]any)["sha256"].(string))
		}
		if want := []string{sha(t, photos[0]), sha(t, photos[1])}; !sameSet(got, want) {
			t.Fatalf("response photos %v, want %v", got, want)
		}
		acts := map[string]int{}
		for _, ev := range d["timeline"].([]any) {
			acts[ev.(map[string]any)["action"].(string)]++
		}
		if acts["acknowledge"] != 1 || acts["respond"] != 1 {
			t.Fatalf("timeline %v, want one acknowledge and one respond", acts)
		}
	})
}
