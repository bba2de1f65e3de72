package fieldapp_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// spoilAccessToken replaces the app's stored access token with one the
// server cannot accept, still "valid" for an hour by the app's clock, so
// only the server's 401 can tell the app; the refresh token is kept.
const spoilAccessToken = `(async () => {
	const db = await new Promise((ok) => { const r = indexedDB.open('fieldproof'); r.onsuccess = () => ok(r.result); });
	const tx = db.transaction('kv', 'readwrite');
	const kv = tx.objectStore('kv');
	const tk = await new Promise((ok) => { const r = kv.get('tokens'); r.onsuccess = () => ok(r.result); });
	tk.access = 'not-a-token'; tk.expiresAt = Date.now() + 3600000;
	kv.put(tk, 'tokens');
	await new Promise((ok, no) => { tx.oncomplete = ok; tx.onerror = no; });
	db.close();
	return true;
})()`

// storedRefreshToken is the refresh token the app holds.
const storedRefreshToken = `(async () => {
	const db = await new Promise((ok) => { const r = indexedDB.open('fieldproof'); r.onsuccess = () => ok(r.result); });
	const tk = await new Promise((ok) => { const r = db.transaction('kv').objectStore('kv').get('tokens'); r.onsuccess = () => ok(r.result); });
	db.close();
	return tk.refresh;
})()`

// TestAppRefreshOn401: the server refuses the access token the app holds
// (401); the app refreshes with its refresh token and the queue drains.
// Then the refresh token is revoked too: the app asks to sign in again,
// keeps the queue, and signing in again sends it — without a reload.
func TestAppRefreshOn401(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var off atomic.Bool
		var cut, refreshed atomic.Int32
		srv := httptest.NewServer(noSignal(countRefresh(e.Server.Handler, &refreshed), &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		start := Eval(tab, "performance.timeOrigin")
		o := office{t: t, c: c}

		// A stale access token: 401, refresh, sent.
		setOffline(t, tab, true)
		off.Store(true)
		fileCheck(t, tab, testPhotos[0])
		if !evalAwait(t, tab, spoilAccessToken) {
			t.Fatal("spoil the access token")
		}
		before := refreshed.Load()
		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "queue drained after a 401", outboxEmpty+
			` && document.querySelectorAll('#queue li[data-state=sent]').length === 1`, consoletest.StepTimeout)
		if refreshed.Load() == before {
			t.Fatal("the queue drained without a refresh")
		}
		if n := len(o.filed()); n != 1 {
			t.Fatalf("server has %d checks, want 1", n)
		}

		// The session ended elsewhere: refresh refused, sign in again.
		setOffline(t, tab, true)
		off.Store(true)
		fileCheck(t, tab, testPhotos[1])
		refresh := evalAwaitString(t, tab, storedRefreshToken)
		apitest.Expect(t, e.Post("/api/v1/auth/logout", "", map[string]string{"refresh_token": refresh}), http.StatusNoContent)
		if !evalAwait(t, tab, spoilAccessToken) {
			t.Fatal("spoil the access token")
		}
		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "asked to sign in again", `!!document.querySelector('#signin #username') &&
			document.getElementById('signin-error').textContent !== ''`, consoletest.StepTimeout)
		waitFor(t, tab, "the check still queued", `document.body.dataset.pending === '1' && document.body.dataset.photos === '1'`, 10*time.Second)
		if n := len(o.filed()); n != 1 {
			t.Fatalf("server has %d checks before signing in again, want 1", n)
		}
		tab.Shoot("app-signin-again")
		tab.Do(chromedp.SendKeys("#username", consoletest.Inspector), chromedp.SendKeys("#password", apitest.Password),
			chromedp.Click("#signin button[type=submit]"))
		tab.Do(chromedp.WaitVisible("#projects li"), chromedp.Click("#nav-queue"))
		waitFor(t, tab, "queue drained after signing in", outboxEmpty+
			` && document.querySelectorAll('#queue li[data-state=sent]').length === 2`, consoletest.StepTimeout)
		if Eval(tab, "performance.timeOrigin") != start {
			t.Fatal("the page reloaded")
		}
		checks := o.filed()
		if len(checks) != 2 {
			t.Fatalf("server has %d checks, want 2", len(checks))
		}
		if got := o.photoHashes(checks); !sameSet(got, []string{sha(t, testPhotos[0]), sha(t, testPhotos[1])}) {
			t.Fatalf("photos on the server %v", got)
		}
		tab.Check()
	})
}
