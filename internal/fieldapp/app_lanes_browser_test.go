package fieldapp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// laneWatch stands between the app and the server and sees the outbox's
// two lanes: it remembers when each check's POST was answered 2xx, refuses
// (422) every photo of the first check posted, and holds each check POST
// and accepted photo upload a little, so the lanes have time to overlap.
type laneWatch struct {
	next    http.Handler
	mu      sync.Mutex
	posted  map[string]bool // check id → its POST answered 2xx
	first   string          // the first check posted: its photos are refused
	early   []string        // photo uploads that came before their check's POST was answered
	checks  int             // check POSTs in flight
	photos  int             // photo uploads in flight
	most    int             // most photo uploads in flight at once
	overlap int             // requests that came while one of the other lane was in flight
}

const refusedDetail = "照片被拒绝（测试）"

func (l *laneWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/api/v1/checks":
		id := r.Header.Get("Idempotency-Key")
		l.mu.Lock()
		if l.first == "" {
			l.first = id
		}
		if l.photos > 0 {
			l.overlap++
		}
		l.checks++
		l.mu.Unlock()
		defer func() { l.mu.Lock(); l.checks--; l.mu.Unlock() }()
		time.Sleep(150 * time.Millisecond)
		l.next.ServeHTTP(&answered{ResponseWriter: w, ok: func() { l.mu.Lock(); l.posted[id] = true; l.mu.Unlock() }}, r)
	case r.Method == http.MethodPut && strings.HasPrefix(p, "/api/v1/checks/") && strings.Contains(p, "/photos/"):
		id, _, _ := strings.Cut(strings.TrimPrefix(p, "/api/v1/checks/"), "/photos/")
		l.mu.Lock()
		if !l.posted[id] {
			l.early = append(l.early, id)
		}
		if l.checks > 0 {
			l.overlap++
		}
		l.photos++
		if l.photos > l.most {
			l.most = l.photos
		}
		refuse := id == l.first
		l.mu.Unlock()
		defer func() { l.mu.Lock(); l.photos--; l.mu.Unlock() }()
		if refuse {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"Unprocessable","status":422,"detail":"` + refusedDetail + `"}`))
			return
		}
		time.Sleep(300 * time.Millisecond)
		l.next.ServeHTTP(w, r)
	default:
		l.next.ServeHTTP(w, r)
	}
}

// answered calls ok when a 2xx status is written, before any byte of the
// answer can reach the phone.
type answered struct {
	http.ResponseWriter
	ok   func()
	done bool
}

func (a *answered) WriteHeader(code int) {
	if !a.done && code >= 200 && code < 300 {
		a.ok()
	}
	a.done = true
	a.ResponseWriter.WriteHeader(code)
}

func (a *answered) Write(b []byte) (int, error) {
	if !a.done {
		a.WriteHeader(http.StatusOK)
	}
	return a.ResponseWriter.Write(b)
}

// TestAppLanes: three checks queued offline (one photo, two photos, one
// photo); the server refuses the first check's photo (422). When the
// signal returns, the refusal fails only that check, with the server's
// message, and the other two are sent whole. Throughout, no photo goes
// before its own check's POST was answered, never two photos at once, and
// the next check's POST overlaps a photo upload (the check lane runs
// ahead of the photo lane).
func TestAppLanes(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		var off atomic.Bool
		var cut atomic.Int32
		watch := &laneWatch{next: e.Server.Handler, posted: map[string]bool{}}
		srv := httptest.NewServer(noSignal(watch, &off, &cut))
		t.Cleanup(srv.Close)
		site := &consoletest.Site{Env: e, URL: srv.URL}
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)

		setOffline(t, tab, true)
		off.Store(true)
		fileCheck(t, tab, testPhotos[0])
		fileCheck(t, tab, testPhotos[1], testPhotos[2])
		fileCheck(t, tab, testPhotos[3])
		waitFor(t, tab, "3 queued", `document.getElementById('pending-count').textContent === '3'`, 10*time.Second)

		off.Store(false)
		setOffline(t, tab, false)
		waitFor(t, tab, "two sent, the refused one failed", `document.querySelectorAll('#queue li[data-state=sent]').length === 2 &&
			document.querySelectorAll('#queue li[data-state=failed]').length === 1 &&
			document.body.dataset.pending === '0' && document.body.dataset.photos === '1'`, consoletest.StepTimeout)
		tab.Check()

		watch.mu.Lock()
		first, early, most, overlap := watch.first, watch.early, watch.most, watch.overlap
		watch.mu.Unlock()
		if len(early) != 0 {
			t.Fatalf("photos sent before their check's POST was answered: %v", early)
		}
		if most != 1 {
			t.Fatalf("%d photo uploads at once, want 1", most)
		}
		if overlap == 0 {
			t.Fatal("no check POST overlapped a photo upload: the lanes did not run side by side")
		}
		failed := consoletest.Eval[string](tab, `(() => { const li = document.querySelector('#queue li[data-state=failed]');
			return li.dataset.check + ' ' + li.querySelector('.error').textContent; })()`)
		if failed != first+" "+refusedDetail {
			t.Fatalf("failed item %q, want the first check %s with the server's message", failed, first)
		}

		o := office{t: t, c: c}
		checks := o.filed()
		if len(checks) != 3 {
			t.Fatalf("server has %d checks, want 3", len(checks))
		}
		var sent []map[string]any
		for _, ch := range checks {
			if ch["id"] == first {
				if ch["status"] != "incomplete" {
					t.Errorf("the refused check: status %v, want incomplete", ch["status"])
				}
				continue
			}
			if ch["status"] != "complete" {
				t.Errorf("check %v: status %v", ch["id"], ch["status"])
			}
			sent = append(sent, ch)
		}
		if got := o.photoHashes(sent); !sameSet(got, []string{sha(t, testPhotos[1]), sha(t, testPhotos[2]), sha(t, testPhotos[3])}) {
			t.Fatalf("photos on the server: %v", got)
		}
	})
}
