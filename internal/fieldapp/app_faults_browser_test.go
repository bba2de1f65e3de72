package fieldapp_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// listenOn listens on addr, retrying briefly (the port was just closed).
func listenOn(t *testing.T, addr string) net.Listener {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen again on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAppServerDown: the server stops (the phone still has signal, so
// navigator.onLine stays true); two checks are queued; a new server starts
// on the same port and the queue is sent within 30 s, without a reload.
func TestAppServerDown(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		srv := httptest.NewServer(e.Server.Handler)
		addr := srv.Listener.Addr().String()
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		srv.Close()

		fileCheck(t, tab, testPhotos[0])
		fileCheck(t, tab, testPhotos[1], testPhotos[2])
		waitFor(t, tab, "2 queued", `document.getElementById('pending-count').textContent === '2'`, 5*time.Second)
		// Let the drain fail against the dead port and back off.
		waitFor(t, tab, "a failed attempt", `document.querySelectorAll('#queue li[data-state=waiting]').length === 2`, 10*time.Second)
		time.Sleep(3 * time.Second)
		start := Eval(tab, "performance.timeOrigin")

		again := httptest.NewUnstartedServer(e.Server.Handler)
		again.Listener = listenOn(t, addr)
		again.Start()
		t.Cleanup(again.Close)
		restarted := time.Now()
		waitFor(t, tab, "queue sent after the restart", outboxEmpty+
			` && document.querySelectorAll('#queue li[data-state=sent]').length === 2`, 30*time.Second) // the issue: sent within 30 s
		t.Logf("sent %s after the server came back", time.Since(restarted).Round(100*time.Millisecond))
		if Eval(tab, "performance.timeOrigin") != start {
			t.Fatal("the page reloaded to send")
		}
		o := office{t: t, c: c}
		checks := o.filed()
		if len(checks) != 2 {
			t.Fatalf("server has %d checks, want 2", len(checks))
		}
		if got := o.photoHashes(checks); !sameSet(got, []string{sha(t, testPhotos[0]), sha(t, testPhotos[1]), sha(t, testPhotos[2])}) {
			t.Fatalf("photos on the server: %v", got)
		}
	})
}

// countRefresh counts the token refreshes the server answered.
func countRefresh(next http.Handler, n *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/auth/refresh") {
			n.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

// TestAppTokenExpiresMidQueue: access tokens live 4 s; checks queued
// offline outlive the token, and when the signal returns the app refreshes
// it and the queue drains.
func TestAppTokenExpiresMidQueue(t *testing.T) {
	short := func(c *config.Config) { c.AccessTokenTTL = 4 * time.Second }
	apitest.EachBackend(t, short, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var off atomic.Bool
		var cut, refreshed atomic.Int32
		srv := httptest.NewServer(noSignal(countRefresh(e.Server.Handler, &refreshed), &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		setOffline(t, tab, true)
		off.Store(true)
		fileCheck(t, tab, testPhotos[3])
		fileCheck(t, tab, testPhotos[4])
		expired := evalAwait(t, tab, `(async () => {
			const db = await new Promise((ok) => { const r = indexedDB.open('fieldproof'); r.onsuccess = () => ok(r.result); });
			const tk = await new Promise((ok) => { const r = db.transaction('kv').objectStore('kv').get('tokens'); r.onsuccess = () => ok(r.result); });
			await new Promise((ok) => setTimeout(ok, Math.max(0, tk.expiresAt - Date.now()) + 500));
			return tk.expiresAt < Date.now();
		})()`)
		if !expired {
			t.Fatal("the access token did not expire while queued")
		}
		before := refreshed.Load()
		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "queue drained after refresh", outboxEmpty+
			` && document.querySelectorAll('#queue li[data-state=sent]').length === 2`, consoletest.StepTimeout)
		if refreshed.Load() == before {
			t.Fatal("the queue drained without a refresh")
		}
		if n := len(office{t: t, c: c}.filed()); n != 2 {
			t.Fatalf("server has %d checks, want 2", n)
		}
		tab.Check()
	})
}

// TestAppOffSite: a check filed 2 km from the road comes back from sync
// with the server's off_site flag, and my work shows it.
func TestAppOffSite(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		// 0.018° of latitude north of the road's last vertex: ~2 km.
		tab := open(t, site, 28.2110+0.018, 112.9866)
		signIn(t, tab)
		fileCheck(t, tab, testPhotos[0])
		waitFor(t, tab, "sent", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		id := consoletest.Eval[string](tab, `document.querySelector('#queue li[data-state=sent]').dataset.check`)
		tab.Do(chromedp.Click("#nav-work"), chromedp.WaitVisible("#sync"), chromedp.Click("#sync"))
		waitFor(t, tab, "off-site flag shown", `!!document.querySelector('#mine li[data-check="`+id+`"] [data-flag=off_site]')`, 20*time.Second)
		tab.Shoot("app-work-offsite")
		tab.Check()
	})
}

// evalAwait evaluates an expression that answers a promise of a boolean.
func evalAwait(t *testing.T, tab *consoletest.Tab, expr string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Ctx, consoletest.StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return v
}

// evalAwaitString evaluates an expression that answers a promise of a string.
func evalAwaitString(t *testing.T, tab *consoletest.Tab, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Ctx, consoletest.StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return v
}
