package fieldapp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/fieldapp"
)

// TestAppShellUpdateKeepsOutbox: a check is queued while the API is out of
// reach; the server is replaced by a new version (a new shell); the page
// takes the new service worker, whose cache replaces the old one, and the
// queued check is still there and is sent when the API is back.
func TestAppShellUpdateKeepsOutbox(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		old, err := fieldapp.New("")
		if err != nil {
			t.Fatal(err)
		}
		next, err := fieldapp.NewSalted("", "next release")
		if err != nil {
			t.Fatal(err)
		}
		gin.SetMode(gin.TestMode)
		newShell := gin.New()
		next.Register(newShell)
		var updated, apiDown atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case apiDown.Load() && strings.HasPrefix(r.URL.Path, "/api/"):
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					_ = conn.Close()
				}
			case updated.Load() && strings.HasPrefix(r.URL.Path, fieldapp.Prefix):
				newShell.ServeHTTP(w, r)
			default:
				e.Server.Handler.ServeHTTP(w, r)
			}
		}))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		caches := `(async () => (await caches.keys()).filter((k) => k.startsWith('fieldapp-')).join(','))()`
		if got := evalAwaitString(t, tab, caches); got != "fieldapp-"+old.Version() {
			t.Fatalf("caches %q, want the running shell %s", got, old.Version())
		}

		apiDown.Store(true)
		fileCheck(t, tab, testPhotos[5])
		waitFor(t, tab, "1 queued", `document.getElementById('pending-count').textContent === '1'`, 5*time.Second)

		updated.Store(true)
		tab.Do(chromedp.Reload(), chromedp.WaitVisible("#nav-queue"))
		deadline := time.Now().Add(20 * time.Second)
		for evalAwaitString(t, tab, caches) != "fieldapp-"+next.Version() {
			if time.Now().After(deadline) {
				t.Fatalf("the new shell did not replace the old: caches %q", evalAwaitString(t, tab, caches))
			}
			time.Sleep(200 * time.Millisecond)
		}
		tab.Do(chromedp.Click("#nav-queue"), chromedp.WaitVisible("#queue"))
		waitFor(t, tab, "the queued check survived the update", `document.getElementById('pending-count').textContent === '1' &&
			document.body.dataset.photos === '1'`, 5*time.Second)

		apiDown.Store(false)
		tab.Do(chromedp.Click("#send-now"))
		waitFor(t, tab, "sent after the update", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, consoletest.StepTimeout)
		o := office{t: t, c: c}
		checks := o.filed()
		if len(checks) != 1 || checks[0]["status"] != "complete" {
			t.Fatalf("server checks: %v", checks)
		}
		if got := o.photoHashes(checks); len(got) != 1 || got[0] != sha(t, testPhotos[5]) {
			t.Fatalf("photos: %v", got)
		}
	})
}
