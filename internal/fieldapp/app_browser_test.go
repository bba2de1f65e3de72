package fieldapp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// The road's second vertex: the inspector stands on the road.
const onRoadLat, onRoadLon = 28.2049, 112.9731

var testPhotos = []string{"gps/DSCN0021.jpg", "gps/DSCN0029.jpg", "orientation/landscape_2.jpg",
	"mobile/HMD_Nokia_8.3_5G.jpg", "orientation/landscape_1.jpg", "gps/DSCN0010.jpg"}

func photoPath(t *testing.T, name string) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "testdata", "photos", name)
}

// open starts a browser on site with the device's location set and
// granted, as a phone out on the road.
func open(t *testing.T, site *consoletest.Site, lat, lon float64) *consoletest.Tab {
	t.Helper()
	tab := consoletest.Open(t, site, "inspector")
	tab.Phone = 360 // the issue: usable at 360 px wide
	locate(t, site, tab, lat, lon)
	return tab
}

// locate grants the tab the device's location and sets it.
func locate(t *testing.T, site *consoletest.Site, tab *consoletest.Tab, lat, lon float64) {
	t.Helper()
	if tab == nil {
		t.Fatal("no browser")
	}
	grant := cdp.Command[map[string]any, cdp.Empty]{Method: "Browser.grantPermissions"}
	if _, err := chromedp.CallBrowser(tab.Ctx, grant, map[string]any{"permissions": []string{"geolocation"}, "origin": site.URL}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
	geo := cdp.Command[map[string]any, cdp.Empty]{Method: "Emulation.setGeolocationOverride"}
	if _, err := chromedp.Call(tab.Ctx, geo, map[string]any{"latitude": lat, "longitude": lon, "accuracy": 6}); err != nil {
		t.Fatalf("geolocation: %v", err)
	}
}

// setOffline cuts (or restores) the tab's network, as a phone losing
// signal: navigator.onLine follows, and every request fails — the page's
// and its service worker's.
func setOffline(t *testing.T, tab *consoletest.Tab, offline bool) {
	t.Helper()
	enable := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.enable"}
	rule := cdp.Command[map[string]any, map[string]any]{Method: "Network.emulateNetworkConditionsByRule"}
	state := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.overrideNetworkState"}
	if _, err := chromedp.Call(tab.Ctx, enable, map[string]any{}); err != nil {
		t.Fatalf("network enable: %v", err)
	}
	cond := map[string]any{"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
	if _, err := chromedp.Call(tab.Ctx, rule, map[string]any{"emulateOfflineServiceWorker": offline,
		"matchedNetworkConditions": []any{map[string]any{"urlPattern": "", "offline": offline, "latency": 0,
			"downloadThroughput": -1, "uploadThroughput": -1, "packetReordering": false}}}); err != nil {
		t.Fatalf("network conditions: %v", err)
	}
	if _, err := chromedp.Call(tab.Ctx, state, cond); err != nil {
		t.Fatalf("network state: %v", err)
	}
}

// noSignal is the other half of a phone without signal: Chromium's
// network emulation sets navigator.onLine and stops the page's own loads,
// but requests a controlling service worker passes on to the network were
// seen to slip past it, so while *off is set the server side drops every
// connection unanswered too (counted in *cut), as a dead network does.
func noSignal(next http.Handler, off *atomic.Bool, cut *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if off.Load() {
			cut.Add(1)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(t *testing.T, tab *consoletest.Tab, what, expr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !consoletest.Eval[bool](tab, expr) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (page: %.400s)", what, within, tab.Text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signIn signs in through the app's form and waits for my work to list
// the projects synced.
func signIn(t *testing.T, tab *consoletest.Tab) {
	t.Helper()
	tab.Do(chromedp.Navigate(tab.Site.URL+"/app/"), chromedp.WaitVisible("#username"))
	tab.Do(chromedp.SendKeys("#username", consoletest.Inspector), chromedp.SendKeys("#password", apitest.Password),
		chromedp.Click("#signin button[type=submit]"))
	waitFor(t, tab, "projects synced", `!!document.querySelector('#projects li')`, 20*time.Second)
	// The shell must be cached and the page controlled before the signal goes.
	waitFor(t, tab, "service worker in control", `!!navigator.serviceWorker.controller`, 20*time.Second)
	tab.Check()
}

// fileCheck files a general check with photos through the form and waits
// for the app to say it is saved.
func fileCheck(t *testing.T, tab *consoletest.Tab, photos ...string) {
	t.Helper()
	fillCheck(t, tab, photos...)
	tab.Do(chromedp.Click("#save"), chromedp.WaitVisible("#saved"))
}

// fillCheck fills the form without saving it.
func fillCheck(t *testing.T, tab *consoletest.Tab, photos ...string) {
	t.Helper()
	tab.Do(chromedp.Click("#nav-new"), chromedp.WaitVisible("#type"))
	consoletest.Eval[bool](tab, `(() => { const s = document.getElementById('type'); s.value = 'general';
		s.dispatchEvent(new Event('change')); return true; })()`)
	waitFor(t, tab, "location", `document.getElementById('location').textContent.includes('±')`, 10*time.Second)
	var paths []string
	for _, p := range photos {
		paths = append(paths, photoPath(t, p))
	}
	tab.Do(chromedp.SetValue("#item-satisfactory", "yes"), chromedp.SendKeys("#notes", "路面平整，无明显裂缝。"),
		chromedp.SetUploadFiles("#photos", paths))
}

type office struct {
	t    *testing.T
	c    *consoletest.County
	seen map[string]bool
}

// filed is every check on the road filed by the app (not the county's own).
func (o office) filed() []map[string]any {
	r := o.c.Env.Get("/api/v1/checks?project_id="+o.c.Road+"&limit=100", o.c.Tokens[consoletest.Office])
	apitest.Expect(o.t, r, http.StatusOK)
	var out []map[string]any
	for _, it := range r.Map(o.t)["items"].([]any) {
		c := it.(map[string]any)
		if c["id"] != o.c.Check {
			out = append(out, c)
		}
	}
	return out
}

// photoHashes are the SHA-256 the server holds for the checks' photos.
func (o office) photoHashes(checks []map[string]any) []string {
	var out []string
	for _, c := range checks {
		for _, id := range c["photo_ids"].([]any) {
			r := o.c.Env.Get("/api/v1/photos/"+id.(string), o.c.Tokens[consoletest.Office])
			apitest.Expect(o.t, r, http.StatusOK)
			out = append(out, r.Map(o.t)["sha256"].(string))
		}
	}
	return out
}

func sha(t *testing.T, name string) string {
	s := sha256.Sum256(consoletest.Photo(t, name))
	return hex.EncodeToString(s[:])
}

// outboxEmpty: nothing waiting, nothing failed, no photo bytes held.
const outboxEmpty = `document.body.dataset.pending === '0' && document.body.dataset.photos === '0' &&
	document.getElementById('pending-count').textContent === '0'`

// TestAppOfflineCapture: signed in, the signal goes; the app still starts
// (from the service worker), three checks with two photos each are saved,
// the page is closed and opened again offline (3 queued), and when the
// signal returns everything reaches the server exactly once, without a
// reload, byte for byte.
func TestAppOfflineCapture(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var off atomic.Bool
		var cut atomic.Int32
		srv := httptest.NewServer(noSignal(e.Server.Handler, &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		tab.Shoot("app-work")

		setOffline(t, tab, true)
		off.Store(true)
		tab.Do(chromedp.Reload(), chromedp.WaitVisible("#nav-new"))
		waitFor(t, tab, "offline shown", `document.getElementById('net').textContent === '离线'`, 5*time.Second)
		for i := 0; i < 3; i++ {
			fileCheck(t, tab, testPhotos[2*i], testPhotos[2*i+1])
		}
		tab.Shoot("app-queue-offline")
		tab.Do(chromedp.Navigate("about:blank"))
		tab.Do(chromedp.Navigate(site.URL+"/app/#/queue"), chromedp.WaitVisible("#queue"))
		waitFor(t, tab, "3 queued after reopening", `document.querySelectorAll('#queue li[data-state=waiting]').length === 3 &&
			document.getElementById('pending-count').textContent === '3'`, 10*time.Second)
		tab.Check()
		o := office{t: t, c: c}
		if n := len(o.filed()); n != 0 {
			t.Fatalf("%d checks reached the server while offline", n)
		}

		start := Eval(tab, "performance.timeOrigin")
		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "outbox drained", outboxEmpty+` && document.querySelectorAll('#queue li[data-state=sent]').length === 3`, 60*time.Second)
		if Eval(tab, "performance.timeOrigin") != start {
			t.Fatal("the page reloaded to send")
		}
		tab.Shoot("app-queue-sent")
		tab.Check()

		checks := o.filed()
		if len(checks) != 3 {
			t.Fatalf("server has %d checks, want 3", len(checks))
		}
		for _, ch := range checks {
			if ch["status"] != "complete" || len(ch["photo_ids"].([]any)) != 2 {
				t.Errorf("check %v: status %v, photos %v", ch["id"], ch["status"], ch["photo_ids"])
			}
		}
		var want []string
		for _, p := range testPhotos {
			want = append(want, sha(t, p))
		}
		got := o.photoHashes(checks)
		if len(got) != 6 || !sameSet(got, want) {
			t.Fatalf("photo hashes on the server %v, want %v", got, want)
		}
	})
}

func Eval(tab *consoletest.Tab, expr string) float64 { return consoletest.Eval[float64](tab, expr) }

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// dropFirstPhotoAnswer runs the first photo upload to the end and then
// cuts the connection before the answer: the server has the photo, the
// phone does not know it.
func dropFirstPhotoAnswer(next http.Handler, dropped *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/api/v1/checks/") && strings.Contains(r.URL.Path, "/photos/") &&
			dropped.CompareAndSwap(0, 1) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code != http.StatusCreated {
				dropped.Store(int32(-rec.Code))
			}
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestAppLostAnswer: the answer to the first photo upload is lost; the
// app sends it again with the same UUID, the server answers the stored
// photo, and nothing is duplicated.
func TestAppLostAnswer(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var dropped atomic.Int32
		srv := httptest.NewServer(dropFirstPhotoAnswer(e.Server.Handler, &dropped))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		fillCheck(t, tab, testPhotos[0])
		tab.Shoot("app-new")
		tab.Do(chromedp.Click("#save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "outbox drained", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		if d := dropped.Load(); d != 1 {
			t.Fatalf("the dropped upload: %d (1 = stored and its answer dropped)", d)
		}
		o := office{t: t, c: c}
		checks := o.filed()
		if len(checks) != 1 || checks[0]["status"] != "complete" {
			t.Fatalf("server checks: %v", checks)
		}
		got := o.photoHashes(checks)
		if len(got) != 1 || got[0] != sha(t, testPhotos[0]) {
			t.Fatalf("photos on the server: %v", got)
		}
		r := c.Env.Get("/api/v1/checks/"+checks[0]["id"].(string), c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t)["missing_photo_ids"].([]any); len(m) != 0 {
			t.Fatalf("missing photos: %v", m)
		}
		tab.Check()
	})
}

// TestAppReturnedForCorrection: the office returns the inspector's check;
// after sync the app's "my work" shows it with the office's reason.
func TestAppReturnedForCorrection(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		if consoletest.Eval[bool](tab, `!!document.querySelector('#returned li')`) {
			t.Fatal("a returned check before the office returned one")
		}
		const reason = "照片看不清围挡，请补拍。"
		apitest.Expect(t, c.Env.Post("/api/v1/checks/"+c.Check+"/return", c.Tokens[consoletest.Office],
			map[string]any{"note": reason}), http.StatusOK)
		tab.Do(chromedp.Click("#sync"))
		waitFor(t, tab, "returned check shown", `!!document.querySelector('#returned li[data-check="`+c.Check+`"]')`, 20*time.Second)
		if txt := consoletest.Eval[string](tab, `document.querySelector('#returned li').innerText`); !strings.Contains(txt, reason) {
			t.Fatalf("returned check shows %q, want the reason %q", txt, reason)
		}
		tab.Shoot("app-work-returned")
		tab.Check()

		// The inspector answers with a new check that amends the returned one.
		tab.Do(chromedp.Click(`#returned li a.button`), chromedp.WaitVisible("#item-fenced"))
		consoletest.Eval[bool](tab, `(() => { for (const s of document.querySelectorAll('#items select')) s.value = 'yes'; return true; })()`)
		waitFor(t, tab, "location", `document.getElementById('location').textContent.includes('±')`, 10*time.Second)
		tab.Do(chromedp.SetUploadFiles("#photos", []string{photoPath(t, testPhotos[1])}), chromedp.Click("#save"),
			chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "amendment sent", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		amendment := consoletest.Eval[string](tab, `document.querySelector('#queue li[data-state=sent]').dataset.check`)
		r := c.Env.Get("/api/v1/checks/"+c.Check, c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		if m := r.Map(t); m["state"] != "superseded" || m["superseded_by"] != amendment {
			t.Fatalf("returned check after the amendment: state %v, superseded_by %v (want %s)", m["state"], m["superseded_by"], amendment)
		}
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"), chromedp.Click("#sync"))
		waitFor(t, tab, "no longer returned", `!document.querySelector('#returned li') && !!document.querySelector('#mine li[data-check="`+amendment+`"]')`, 20*time.Second)
		tab.Check()
	})
}

// TestAppMarksOutOfLimits: a slump of 260 mm (the template allows 10–50)
// is marked failed on the form, before anything is sent.
func TestAppMarksOutOfLimits(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		consoletest.Seed(t, e)
		tab := open(t, consoletest.Serve(t, e), onRoadLat, onRoadLon)
		signIn(t, tab)
		tab.Do(chromedp.Click("#nav-new"), chromedp.WaitVisible("#type"))
		consoletest.Eval[bool](tab, `(() => { const s = document.getElementById('type'); s.value = 'concrete_mix';
			s.dispatchEvent(new Event('change')); return true; })()`)
		if got := consoletest.Eval[string](tab, `document.querySelector('label[for="item-slump_mm"]').textContent`); !strings.HasPrefix(got, "坍落度") {
			t.Errorf("the slump's label is %q, want the catalog's Chinese name", got)
		}
		tab.Do(chromedp.SendKeys("#item-slump_mm", "30"))
		if consoletest.Eval[bool](tab, `!document.getElementById('item-slump_mm-warn').hidden`) {
			t.Fatal("30 mm marked out of limits")
		}
		tab.Do(chromedp.SetValue("#item-slump_mm", ""), chromedp.SendKeys("#item-slump_mm", "260"))
		waitFor(t, tab, "260 mm marked", `!document.getElementById('item-slump_mm-warn').hidden`, 5*time.Second)
		tab.Shoot("app-new-limits")
		tab.Check()
	})
}
