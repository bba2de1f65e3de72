// Package consoletest drives the office console in a real headless
// Chromium for tests: sign in, open pages, submit forms, take screenshots,
// and check every page it opens for what a person would notice — a
// template error, an untranslated message key, a script error or a
// Content-Security-Policy violation — and for the accessibility basics
// (a lang attribute, a label on every control, alt text on every image).
package consoletest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/testenv"
)

// StepTimeout bounds one browser step (a navigation, a click, an
// evaluation) and the waits tests build on it. Generous: in CI the server
// runs under -race on two cores shared with every other package's tests,
// and a step that is merely slow must not fail; a broken one still does.
const StepTimeout = 60 * time.Second

// Site is a running fieldproof (the real router over a real database and
// object store) reachable by the browser.
type Site struct {
	Env *apitest.Env
	URL string
}

// Serve starts e's handler on a loopback port for the browser.
func Serve(t testing.TB, e *apitest.Env) *Site {
	t.Helper()
	srv := httptest.NewServer(e.Server.Handler)
	t.Cleanup(srv.Close)
	return &Site{Env: e, URL: srv.URL}
}

// Tab is one browser tab (with its own cookies) on a site.
type Tab struct {
	T    testing.TB
	Ctx  context.Context
	Site *Site
	Name string
	// Phone is the narrow width Shoot checks and shoots besides 1280 px:
	// 390 unless a test sets it (the field app is held to 360).
	Phone int64

	mu       sync.Mutex
	problems []string
}

// Open starts a browser for the test (each has its own profile, so its own
// cookies) and watches it for script errors and CSP violations.
func Open(t testing.TB, s *Site, name string) *Tab {
	t.Helper()
	return watch(testenv.Browser(t), t, s, name)
}

// OpenProfile is Open on the browser profile in dir, with close to end the
// whole browser; opening dir again is the same device restarted.
func OpenProfile(t testing.TB, s *Site, name, dir string) (tab *Tab, close func()) {
	t.Helper()
	ctx, stop := testenv.BrowserProfile(t, dir)
	return watch(ctx, t, s, name), stop
}

func watch(ctx context.Context, t testing.TB, s *Site, name string) *Tab {
	t.Helper()
	if ctx == nil {
		return nil
	}
	tb := &Tab{T: t, Ctx: ctx, Site: s, Name: name}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			tb.note("script exception: " + e.ExceptionDetails.Text + describeException(e.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				tb.note("console.error: " + strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			// CSP violations and failed loads arrive here as errors.
			if e.Entry.Level == log.EntryLevelError && !strings.Contains(e.Entry.Text, "favicon") &&
				!(e.Entry.Source == log.EntrySourceNetwork && expectedStatus(e.Entry.Text)) {
				tb.note(fmt.Sprintf("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Action[chromedp.Void](enableLog)); err != nil {
		t.Fatalf("enable log: %v", err)
	}
	return tb
}

func describeException(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return " " + d.Exception.Description
	}
	return ""
}

// expectedStatus: the pages answer refusals with 4xx on purpose (a refused
// close is a 409 page); the browser logs those loads as errors.
func expectedStatus(text string) bool {
	return strings.Contains(text, "status of 4")
}

func (tb *Tab) note(p string) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, p)
	tb.mu.Unlock()
}

// Do runs browser actions, failing the test on error.
func (tb *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.T.Fatalf("%s: browser: %v", tb.Name, err)
	}
}

// Eval evaluates a JavaScript expression and returns its value.
func Eval[T any](tb *Tab, expr string) T {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.T.Fatalf("%s: evaluate %q: %v", tb.Name, expr, err)
	}
	return v
}

// Go opens a console path (e.g. "/console/queue") and checks the page.
func (tb *Tab) Go(path string) {
	tb.T.Helper()
	tb.Do(chromedp.Navigate(tb.Site.URL+path), chromedp.WaitReady("body"))
	tb.Check()
}

// Path is the current URL's path and query.
func (tb *Tab) Path() string {
	tb.T.Helper()
	return Eval[string](tb, "location.pathname + location.search")
}

// Text is the page's visible text.
func (tb *Tab) Text() string {
	tb.T.Helper()
	return Eval[string](tb, "document.body.innerText")
}

// SignIn signs in through the form.
func (tb *Tab) SignIn(username, password string) {
	tb.T.Helper()
	tb.Go("/console/signin")
	tb.Do(
		chromedp.SendKeys("#username", username),
		chromedp.SendKeys("#password", password),
		chromedp.Click("form[action='/console/signin'] button[type=submit]"),
		chromedp.WaitNotPresent("#password"),
	)
	tb.Check()
}

// Submit clicks a submit button (a CSS selector) and waits for the next
// page to load, then checks it.
func (tb *Tab) Submit(sel string) {
	tb.T.Helper()
	before := Eval[float64](tb, "performance.timeOrigin")
	tb.Do(chromedp.Click(sel))
	deadline := time.Now().Add(20 * time.Second)
	for Eval[float64](tb, "performance.timeOrigin") == before {
		if time.Now().After(deadline) {
			tb.T.Fatalf("%s: clicking %s loaded no page", tb.Name, sel)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Do(chromedp.WaitReady("body"))
	tb.Check()
}

var keyPattern = regexp.MustCompile(`\bconsole\.[a-z_]+\.[a-z_.]+\b`)

// pageAudit runs in the page: accessibility basics and signs of a broken
// page. It returns a list of problems.
const pageAudit = `(() => {
  const out = [];
  if (!document.documentElement.lang) out.push('html has no lang attribute');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) ||
      el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) out.push('form control without a label: ' + el.outerHTML.slice(0, 120));
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) out.push('image without alt text: ' + img.outerHTML.slice(0, 120));
  }
  for (const b of document.querySelectorAll('button')) {
    if (!b.textContent.trim() && !b.getAttribute('aria-label')) out.push('button without text: ' + b.outerHTML.slice(0, 120));
  }
  return out;
})()`

// Check fails the test when the current page shows a template error, an
// untranslated message key, fails the accessibility basics, or when the
// browser reported a script error or a CSP violation since the last check.
func (tb *Tab) Check() {
	tb.T.Helper()
	where := tb.Path()
	text := tb.Text()
	var problems []string
	for _, bad := range []string{"<no value>", "template:", "%!", "{{", "500 template error"} {
		if strings.Contains(text, bad) {
			problems = append(problems, fmt.Sprintf("page text contains %q", bad))
		}
	}
	if k := keyPattern.FindString(text); k != "" {
		problems = append(problems, "untranslated message key "+k)
	}
	problems = append(problems, Eval[[]string](tb, pageAudit)...)
	// Give late events (a module's errors) a moment to arrive.
	time.Sleep(30 * time.Millisecond)
	tb.mu.Lock()
	problems = append(problems, tb.problems...)
	tb.problems = nil
	tb.mu.Unlock()
	for _, p := range problems {
		tb.T.Errorf("%s on %s: %s", tb.Name, where, p)
	}
}

// ScreenshotDir is where screenshots go: FIELDPROOF_SCREENSHOTS, else a
// folder under the system's temporary directory (never the repository).
func ScreenshotDir() string {
	if d := os.Getenv("FIELDPROOF_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "fieldproof-screenshots")
}

// Shoot saves the current page at a desktop (1280 px) and a phone (Phone,
// 390 px unless set) width, as <name>-1280.png and <name>-<phone>.png, and
// checks that the page does not scroll sideways on the phone (a layout
// that breaks there is unusable from the road).
func (tb *Tab) Shoot(name string) {
	tb.T.Helper()
	dir := ScreenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.T.Fatal(err)
	}
	phone := tb.Phone
	if phone == 0 {
		phone = 390
	}
	for _, w := range []int64{1280, phone} {
		tb.Do(chromedp.EmulateViewport(w, 900))
		time.Sleep(150 * time.Millisecond) // let a map re-layout
		if w == phone {
			if over := Eval[float64](tb, "document.documentElement.scrollWidth - window.innerWidth"); over > 1 {
				tb.T.Errorf("%s on %s: the page is %.0f px wider than a %d px phone", tb.Name, tb.Path(), over, phone)
			}
		}
		ctx, cancel := context.WithTimeout(tb.Ctx, StepTimeout)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			tb.T.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			tb.T.Fatal(err)
		}
	}
	tb.Do(chromedp.EmulateViewport(1280, 900))
}

// enableLog turns on the Log domain, where Chromium reports CSP violations.
func enableLog(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, log.Enable, cdp.Empty{})
	return chromedp.Void{}, err
}

// SignInFails submits the sign-in form expecting to stay on it.
func (tb *Tab) SignInFails(username, password string) {
	tb.T.Helper()
	tb.Go("/console/signin")
	tb.Do(
		chromedp.SendKeys("#username", username),
		chromedp.SendKeys("#password", password),
	)
	tb.Submit("form[action='/console/signin'] button[type=submit]")
}

// SignInTo signs in through the form with ?next=path (so the test does not
// depend on where a role lands) and checks that it arrived there.
func (tb *Tab) SignInTo(username, path string) {
	tb.T.Helper()
	tb.Go("/console/signin?next=" + url.QueryEscape(path))
	tb.Do(
		chromedp.SendKeys("#username", username),
		chromedp.SendKeys("#password", apitest.Password),
	)
	tb.Submit("form[action='/console/signin'] button[type=submit]")
	if p := tb.Path(); !strings.HasPrefix(p, path) {
		tb.T.Fatalf("%s: signed in at %s, want %s", tb.Name, p, path)
	}
}
