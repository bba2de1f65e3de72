package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// inBrowser runs the offline start and the drain in one Chromium, which
// talks to the server through a loopback proxy that can drop every
// connection (no signal) — Chromium's offline emulation alone lets a
// service worker's pass-through requests slip by.
func inBrowser(o opts) error {
	photo, err := filepath.Abs(o.photo)
	if err != nil {
		return err
	}
	st, err := os.Stat(photo)
	if err != nil {
		return err
	}
	target, err := url.Parse(o.base)
	if err != nil {
		return err
	}
	var off atomic.Bool
	rp := httputil.NewSingleHostReverseProxy(target)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	proxy := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if off.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = proxy.Serve(ln) }()
	defer proxy.Close()
	site := "http://" + ln.Addr().String()

	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("needs Debian's chromium: %w", err)
	}
	dir, err := os.MkdirTemp("", "appbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	aopts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	aopts = append(aopts, chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN"), chromedp.WindowSize(412, 915))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), aopts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	if err := locate(ctx, site, o.lat, o.lon); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site+"/app/"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", o.user), chromedp.SendKeys("#password", o.password),
		chromedp.Click("#signin button[type=submit]")); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	if err := waitJS(ctx, `!!document.querySelector('#projects li') && !!navigator.serviceWorker.controller`, time.Minute); err != nil {
		return fmt.Errorf("signed in, my work synced, service worker in control: %w", err)
	}

	// 2. Starts, online then with no signal.
	onFCP, onWork, err := starts(ctx, o.starts)
	if err != nil {
		return fmt.Errorf("online start: %w", err)
	}
	if err := setOffline(ctx, true); err != nil {
		return err
	}
	off.Store(true)
	offFCP, offWork, err := starts(ctx, o.starts)
	if err != nil {
		return fmt.Errorf("offline start: %w", err)
	}
	fmt.Println("| start (reload, shell from the service worker) | loads | first contentful paint, median ms | my work drawn, median ms (all) |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| online (the baseline) | %d | %.0f | %.0f (%s) |\n", o.starts, median(onFCP), median(onWork), list(onWork))
	fmt.Printf("| **no signal** | %d | %.0f | **%.0f** (%s) |\n\n", o.starts, median(offFCP), median(offWork), list(offWork))

	// 3. Queue the checks offline, then give the signal back.
	marker := fmt.Sprintf("appbench %d", time.Now().UnixNano())
	for i := 0; i < o.checks; i++ {
		if err := fileCheck(ctx, marker, photo, i+1); err != nil {
			return fmt.Errorf("check %d: %w (page: %.400s)", i+1, err, evalString(ctx, `document.body.innerText`))
		}
	}
	queued := fmt.Sprintf(`document.body.dataset.pending === '%d' && document.body.dataset.photos === '%d'`, o.checks, o.checks)
	if err := waitJS(ctx, queued, 30*time.Second); err != nil {
		return fmt.Errorf("%d checks and photos queued: %w", o.checks, err)
	}
	if cut := evalString(ctx, `String(document.body.dataset.pending)`); cut == "" {
		return fmt.Errorf("no outbox count on the page")
	}
	evalString(ctx, `performance.setResourceTimingBufferSize(5000), performance.clearResourceTimings(), ''`)
	// The page's clock when the signal comes back and when the outbox was
	// seen empty, to split the drain into the wait before the first
	// request, the requests, and the wait after the last answer.
	t0, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.now()`))
	tEnd := 0.0
	start := time.Now()
	off.Store(false)
	if err := setOffline(ctx, false); err != nil {
		return err
	}
	const empty = `document.body.dataset.pending === '0' && document.body.dataset.photos === '0' &&
		document.getElementById('pending-count').textContent === '0'`
	// Watch the count fall, to tell a slow start (a retry's wait) from a
	// slow pace.
	first := time.Duration(0)
	probe := `[` + empty + `, document.body.dataset.pending, performance.now()]`
	for deadline := start.Add(10 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](probe))
		if err == nil && len(v) == 3 {
			if v[0] == true {
				tEnd, _ = v[2].(float64)
				break
			}
			if first == 0 && v[1] != fmt.Sprint(o.checks) {
				first = time.Since(start)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drain: not within 10m (%v)", err)
		}
	}
	el := time.Since(start)
	checks, photos, err := arrived(o, marker)
	if err != nil {
		return err
	}
	if checks != o.checks || photos != o.checks {
		return fmt.Errorf("server holds %d checks and %d photos of %d", checks, photos, o.checks)
	}
	mb := float64(int64(o.checks)*st.Size()) / 1e6
	fmt.Println("| drain | checks, one photo each | photo bytes | time | MB/s |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| field app outbox (Chromium, through the proxy), all on the server | %d | %.1f MB | %.2f s | %.1f |\n", o.checks, mb, el.Seconds(), mb/el.Seconds())
	// Resource Timing of the outbox's own requests: how much of the drain
	// was spent waiting for answers, and how much in the app between them.
	busy, _ := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const rs = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/checks'));
		return [rs.length, rs.reduce((s, r) => s + r.duration, 0)];
	})()`))
	fmt.Printf("\n(the app: first check sent after %.2f s; the last %d at %.1f MB/s", first.Seconds(), o.checks-1,
		mb*float64(o.checks-1)/float64(o.checks)/(el-first).Seconds())
	if len(busy) == 2 {
		fmt.Printf("; %.0f requests to /api/v1/checks, %.2f s of the %.2f s waiting for their answers", busy[0], busy[1]/1000, el.Seconds())
	}
	fmt.Print(")\n\n")
	lanes(ctx, t0, tEnd)
	if d, err := goDrain(site, o, o.checks); err != nil {
		return fmt.Errorf("go client through the proxy: %w", err)
	} else {
		fmt.Printf("| Go client through the same proxy, one request at a time | %d | %.1f MB | %.2f s | %.1f |\n", o.checks, mb, d.Seconds(), mb/d.Seconds())
	}
	return nil
}

// starts reloads the app n times and returns the first contentful paint
// and the app's "app-work" mark (my work drawn), ms from navigation.
func starts(ctx context.Context, n int) (fcp, work []float64, err error) {
	for i := 0; i < n; i++ {
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = chromedp.Do(lctx, chromedp.Reload())
		cancel()
		if err != nil {
			return nil, nil, err
		}
		if err = waitJS(ctx, `performance.getEntriesByName('app-work').length > 0`, 30*time.Second); err != nil {
			return nil, nil, fmt.Errorf("my work not drawn (page: %.300s): %w", evalString(ctx, `document.body.innerText`), err)
		}
		m, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
			const f = performance.getEntriesByName('first-contentful-paint')[0];
			return [f ? f.startTime : 0, performance.getEntriesByName('app-work')[0].startTime];
		})()`))
		if err != nil {
			return nil, nil, err
		}
		fcp, work = append(fcp, m[0]), append(work, m[1])
	}
	return fcp, work, nil
}

// fileCheck files a general check with one photo through the form, as the
// inspector does, and waits for the outbox to hold n checks (the "saved"
// notice can be redrawn away before it is seen).
func fileCheck(ctx context.Context, marker, photo string, n int) error {
	if err := chromedp.Do(ctx, chromedp.Click("#nav-new"), chromedp.WaitVisible("#type")); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById('type'); s.value = 'general';
		s.dispatchEvent(new Event('change')); return true; })()`)); err != nil {
		return err
	}
	if err := waitJS(ctx, `document.getElementById('location').textContent.includes('±')`, 20*time.Second); err != nil {
		return fmt.Errorf("location: %w", err)
	}
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(lctx, chromedp.SetValue("#item-satisfactory", "yes"), chromedp.SendKeys("#notes", marker),
		chromedp.SetUploadFiles("#photos", []string{photo}), chromedp.Click("#save")); err != nil {
		return err
	}
	return waitJS(ctx, fmt.Sprintf(`document.body.dataset.pending === '%d' && document.body.dataset.photos === '%d'`, n, n), time.Minute)
}

// locate grants geolocation and puts the phone at lat, lon.
func locate(ctx context.Context, site string, lat, lon float64) error {
	grant := cdp.Command[map[string]any, cdp.Empty]{Method: "Browser.grantPermissions"}
	if _, err := chromedp.CallBrowser(ctx, grant, map[string]any{"permissions": []string{"geolocation"}, "origin": site}); err != nil {
		return fmt.Errorf("grant geolocation: %w", err)
	}
	geo := cdp.Command[map[string]any, cdp.Empty]{Method: "Emulation.setGeolocationOverride"}
	if _, err := chromedp.Call(ctx, geo, map[string]any{"latitude": lat, "longitude": lon, "accuracy": 6}); err != nil {
		return fmt.Errorf("geolocation: %w", err)
	}
	return nil
}

// setOffline emulates losing (or regaining) the signal: navigator.onLine
// follows and the page's and service worker's loads fail.
func setOffline(ctx context.Context, offline bool) error {
	enable := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.enable"}
	rule := cdp.Command[map[string]any, map[string]any]{Method: "Network.emulateNetworkConditionsByRule"}
	state := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.overrideNetworkState"}
	if _, err := chromedp.Call(ctx, enable, map[string]any{}); err != nil {
		return err
	}
	if _, err := chromedp.Call(ctx, rule, map[string]any{"emulateOfflineServiceWorker": offline,
		"matchedNetworkConditions": []any{map[string]any{"urlPattern": "", "offline": offline, "latency": 0,
			"downloadThroughput": -1, "uploadThroughput": -1, "packetReordering": false}}}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, state, map[string]any{"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
	return err
}

func waitJS(ctx context.Context, expr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && v {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return err
			}
			return fmt.Errorf("not within %s", within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func evalString(ctx context.Context, expr string) string {
	v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return v
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func list(v []float64) string {
	out := ""
	for i, x := range v {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.0f", x)
	}
	return out
}

// lanes prints the outbox's requests by kind (Resource Timing): how many,
// their time each (median, sum), and how much of the drain had at least
// one request in flight, so overlapping requests are not counted twice and
// the app's per-request pace shows beside the Go client's.
func lanes(ctx context.Context, t0, tEnd float64) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[][]float64](`(() => {
		const rs = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/checks'));
		const kinds = [rs.filter((r) => !r.name.includes('/photos/')), rs.filter((r) => r.name.includes('/photos/'))];
		const out = kinds.map((k) => { const d = k.map((r) => r.duration).sort((a, b) => a - b);
			return [d.length, d.length ? d[Math.floor(d.length / 2)] : 0, d.reduce((s, x) => s + x, 0)]; });
		const iv = rs.map((r) => [r.startTime, r.responseEnd]).sort((a, b) => a[0] - b[0]);
		let busy = 0, end = -1, first = iv.length ? iv[0][0] : 0, last = 0;
		for (const [s, e] of iv) { if (s > end) { busy += e - s; end = e; } else if (e > end) { busy += e - end; end = e; } last = Math.max(last, e); }
		let over = 0; for (let i = 0; i < iv.length; i++) for (let j = i + 1; j < iv.length && iv[j][0] < iv[i][1]; j++) over++;
		out.push([busy, last - first, over, first, last]);
		const med = (f) => { const d = kinds[1].map(f).sort((a, b) => a - b); return d.length ? d[Math.floor(d.length / 2)] : 0; };
		out.push([med((r) => r.requestStart - r.startTime), med((r) => r.responseStart - r.requestStart), med((r) => r.responseEnd - r.responseStart),
			rs.filter((r) => r.workerStart > 0 && r.workerMatchedSourceType !== 'network').length]);
		return out;
	})()`))
	if err != nil || len(v) != 4 {
		return
	}
	fmt.Println("| outbox requests | count | median ms | sum s |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| POST /checks | %.0f | %.1f | %.2f |\n", v[0][0], v[0][1], v[0][2]/1000)
	fmt.Printf("| PUT /checks/{id}/photos/{photo_id} | %.0f | %.1f | %.2f |\n", v[1][0], v[1][1], v[1][2]/1000)
	fmt.Printf("\n(signal back to first request %.0f ms; first request to last answer %.2f s, of which %.2f s with a request in flight, %.0f pairs of requests overlapping; last answer to the outbox seen empty %.0f ms)\n\n",
		v[2][3]-t0, v[2][1]/1000, v[2][0]/1000, v[2][2], tEnd-v[2][4])
	fmt.Printf("(a photo, median: %.1f ms to the request's start, %.1f ms sending it until the answer starts, %.1f ms reading the answer; %.0f of the requests went through the service worker's fetch handler)\n\n",
		v[3][0], v[3][1], v[3][2], v[3][3])
}
