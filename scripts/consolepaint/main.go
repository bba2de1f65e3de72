// consolepaint opens console pages in headless Chromium and reports, per
// page, the first contentful paint and the page weight (the HTML and every
// script, style and image it loads, photos excepted), each the median of
// -n loads with the browser cache off. It signs in through the console's
// form first. Loopback only.
//
//	go run ./scripts/consolepaint -base http://127.0.0.1:8080 -user office -password … /console/queue /console/orders
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server base URL (loopback only)")
	user := flag.String("user", "office", "username")
	pass := flag.String("password", "", "password")
	n := flag.Int("n", 5, "loads per page")
	flag.Parse()
	if err := run(*base, *user, *pass, *n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "consolepaint:", err)
		os.Exit(1)
	}
}

func run(base, user, pass string, n int, paths []string) error {
	if err := loopback.Check(base); err != nil {
		return err
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("needs Debian's chromium: %w", err)
	}
	dir, err := os.MkdirTemp("", "consolepaint")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Action[chromedp.Void](noCache),
		chromedp.Navigate(base+"/console/signin"),
		chromedp.SendKeys("#username", user),
		chromedp.SendKeys("#password", pass),
		chromedp.Click("form[action='/console/signin'] button[type=submit]"),
		chromedp.WaitNotPresent("#password"),
	); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	fmt.Println("| page | loads | first contentful paint, median ms | page weight without photos, KB | requests |")
	fmt.Println("|---|---|---|---|---|")
	for _, p := range paths {
		var fcps, kbs []float64
		var reqs float64
		for i := 0; i < n; i++ {
			lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
			err := chromedp.Do(lctx, chromedp.Navigate(base+p), chromedp.WaitReady("body"))
			if err != nil {
				lcancel()
				return fmt.Errorf("%s: %w", p, err)
			}
			time.Sleep(300 * time.Millisecond) // let the paint entry and late resources land
			m, err := chromedp.Run(lctx, chromedp.Evaluate[measure](measureJS))
			lcancel()
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if m.FCP <= 0 {
				return fmt.Errorf("%s: no first-contentful-paint entry (status page? %q)", p, m.Title)
			}
			fcps = append(fcps, m.FCP)
			kbs = append(kbs, m.Bytes/1024)
			reqs = m.Requests
		}
		fmt.Printf("| %s | %d | %.0f | %.1f | %.0f |\n", p, n, median(fcps), median(kbs), reqs)
	}
	return nil
}

type measure struct {
	FCP      float64 `json:"fcp"`
	Bytes    float64 `json:"bytes"`
	Requests float64 `json:"requests"`
	Title    string  `json:"title"`
}

// measureJS: the paint entry, and the decoded size of the document and of
// every resource it loaded except photo renditions.
const measureJS = `(() => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  let bytes = nav ? nav.decodedBodySize : 0, requests = 1;
  for (const r of performance.getEntriesByType('resource')) {
    if (r.name.includes('/console/files/photos/')) continue;
    bytes += r.decodedBodySize; requests++;
  }
  return {fcp: fcp ? fcp.startTime : 0, bytes, requests, title: document.title};
})()`

func noCache(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
		return chromedp.Void{}, err
	}
	_, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	return chromedp.Void{}, err
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
