package fieldapp_test

import (
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// TestAppPhoneRestart: two checks are queued while the server refuses
// connections; the whole browser is closed and a new browser process
// starts on the same profile, the server still down — the app starts from
// the service worker's cache with the inspector's work and the queue from
// IndexedDB; when the server comes back the queue drains, without a reload.
func TestAppPhoneRestart(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		srv := httptest.NewServer(e.Server.Handler)
		addr := srv.Listener.Addr().String()
		site := &consoletest.Site{Env: e, URL: srv.URL}
		profile := t.TempDir()
		tab, closeBrowser := consoletest.OpenProfile(t, site, "inspector", profile)
		locate(t, site, tab, onRoadLat, onRoadLon)
		signIn(t, tab)
		projects := consoletest.Eval[float64](tab, `document.querySelectorAll('#projects li').length`)
		srv.Close()
		fileCheck(t, tab, testPhotos[0])
		fileCheck(t, tab, testPhotos[1], testPhotos[2])
		waitFor(t, tab, "2 queued", `document.querySelectorAll('#queue li[data-state=waiting]').length === 2`, 10*time.Second)
		closeBrowser()

		tab, _ = consoletest.OpenProfile(t, site, "inspector", profile)
		if tab == nil {
			t.Fatal("no browser")
		}
		tab.Do(chromedp.Navigate(site.URL+"/app/"), chromedp.WaitVisible("#nav-work"))
		waitFor(t, tab, "my work from the phone", `!!navigator.serviceWorker.controller &&
			document.querySelectorAll('#projects li').length === `+ftoa(projects), 10*time.Second)
		tab.Do(chromedp.Click("#nav-queue"))
		waitFor(t, tab, "the queue from the phone", `document.querySelectorAll('#queue li[data-state=waiting]').length === 2 &&
			document.getElementById('pending-count').textContent === '2'`, 10*time.Second)
		tab.Shoot("app-restarted-offline")
		o := office{t: t, c: c}
		if n := len(o.filed()); n != 0 {
			t.Fatalf("%d checks reached the server while it was down", n)
		}
		start := Eval(tab, "performance.timeOrigin")

		again := httptest.NewUnstartedServer(e.Server.Handler)
		again.Listener = listenOn(t, addr)
		again.Start()
		t.Cleanup(again.Close)
		waitFor(t, tab, "queue sent after the server came back", outboxEmpty+
			` && document.querySelectorAll('#queue li[data-state=sent]').length === 2`, 40*time.Second)
		if Eval(tab, "performance.timeOrigin") != start {
			t.Fatal("the page reloaded to send")
		}
		checks := o.filed()
		if len(checks) != 2 {
			t.Fatalf("server has %d checks, want 2", len(checks))
		}
		if got := o.photoHashes(checks); !sameSet(got, []string{sha(t, testPhotos[0]), sha(t, testPhotos[1]), sha(t, testPhotos[2])}) {
			t.Fatalf("photos on the server: %v", got)
		}
	})
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
