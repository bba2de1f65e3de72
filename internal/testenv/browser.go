package testenv

import (
	"context"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Browser starts a headless Chromium (Debian's `chromium`, which
// scripts/test-services.sh installs when missing) and returns a chromedp
// context for it, closed when the test ends. Without the browser the test
// is skipped — or fails when services are required, so CI cannot pass a
// console it never opened.
//
// The flags keep Chromium off the network beyond the page under test: the
// machines here refuse outside connections, and a browser that keeps trying
// slows every test.
func Browser(t testing.TB) context.Context {
	t.Helper()
	ctx, _ := BrowserProfile(t, t.TempDir())
	return ctx
}

// BrowserProfile is Browser on the profile in dir, with stop to close the
// whole browser (process and all) before the test ends: a second call on
// the same dir is the same "device" after a restart — its service workers,
// IndexedDB and storage kept. stop may be called more than once.
func BrowserProfile(t testing.TB, dir string) (ctx context.Context, stop func()) {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		missing(t, "chromium (headless browser for the console tests)")
		return nil, func() {}
	}
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		// The county's browsers ask for Chinese; headless Chromium would
		// otherwise send en-US.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err)
	}
	stop = func() {
		cancel() // closes the browser gracefully, as a person closing it
		cancelAlloc()
	}
	t.Cleanup(stop)
	return ctx, stop
}
