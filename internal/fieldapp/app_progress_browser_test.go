package fieldapp_test

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// throttleUpload slows the tab's uplink to bytesPerSec (-1 lifts it), as a
// phone on a weak signal.
func throttleUpload(t *testing.T, tab *consoletest.Tab, bytesPerSec float64) {
	t.Helper()
	enable := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.enable"}
	cond := cdp.Command[map[string]any, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	if _, err := chromedp.Call(tab.Ctx, enable, map[string]any{}); err != nil {
		t.Fatalf("network enable: %v", err)
	}
	if _, err := chromedp.Call(tab.Ctx, cond, map[string]any{"offline": false, "latency": 0,
		"downloadThroughput": -1, "uploadThroughput": bytesPerSec}); err != nil {
		t.Fatalf("network conditions: %v", err)
	}
}

// TestAppUploadProgress: a 2.1 MB photo over a slow uplink is shown in the
// queue as it goes ("n%"), before the check is sent.
func TestAppUploadProgress(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		c := consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		// Every percentage the queue shows, as it shows it.
		consoletest.Eval[bool](tab, `(() => { window.seenPercent = [];
			new MutationObserver(() => { for (const el of document.querySelectorAll('#queue .progress[data-percent]')) {
				const p = Number(el.dataset.percent);
				if (window.seenPercent[window.seenPercent.length - 1] !== p && el.textContent.includes(p + '%')) window.seenPercent.push(p);
			} }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
			return true; })()`)
		fillCheck(t, tab, "mobile/HMD_Nokia_8.3_5G.jpg")
		throttleUpload(t, tab, 400*1024)
		tab.Do(chromedp.Click("#save"), chromedp.WaitVisible("#saved"))
		waitFor(t, tab, "photo sent", outboxEmpty+` && !!document.querySelector('#queue li[data-state=sent]')`, 60*time.Second)
		throttleUpload(t, tab, -1)
		seen := consoletest.Eval[[]float64](tab, `window.seenPercent`)
		mid := 0
		for _, p := range seen {
			if p > 0 && p < 100 {
				mid++
			}
		}
		t.Logf("percentages shown: %v", seen)
		if mid == 0 {
			t.Fatalf("no percentage between 0 and 100 shown while sending: %v", seen)
		}
		if n := len(office{t: t, c: c}.filed()); n != 1 {
			t.Fatalf("server has %d checks, want 1", n)
		}
		tab.Check()
	})
}

// TestAppLanguageSwitch: the in-app switch shows English, is remembered
// across a reload, and switches back to Chinese.
func TestAppLanguageSwitch(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.RunSealer()
		consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		tab := open(t, site, onRoadLat, onRoadLon)
		signIn(t, tab)
		zh := `document.getElementById('nav-work').textContent === '我的任务' && document.documentElement.lang === 'zh-CN' &&
			(document.querySelector('main h1') || {}).textContent === '我的任务'`
		en := `document.getElementById('nav-work').textContent === 'My work' && document.documentElement.lang === 'en' &&
			(document.querySelector('main h1') || {}).textContent === 'My work' && document.getElementById('lang').textContent === '中文'`
		waitFor(t, tab, "Chinese first", zh, 5*time.Second)
		tab.Do(chromedp.Click("#lang"))
		waitFor(t, tab, "English after the switch", en, 10*time.Second)
		tab.Check()
		tab.Do(chromedp.Reload(), chromedp.WaitVisible("#nav-work"))
		waitFor(t, tab, "English after a reload", en, 10*time.Second)
		tab.Do(chromedp.Click("#nav-queue"))
		waitFor(t, tab, "the queue in English", `(document.querySelector('main h1') || {}).textContent === 'Outbox'`, 10*time.Second)
		tab.Check()
		tab.Do(chromedp.Click("#nav-work"), chromedp.Click("#lang"))
		waitFor(t, tab, "Chinese again", zh+` && document.getElementById('lang').textContent === 'English'`, 10*time.Second)
		tab.Check()
	})
}
