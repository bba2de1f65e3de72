package console_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// The office reviews in the browser (the end-to-end walk, from the
// queue to the closed order's PDF): the queue shows the flagged check,
// its filters narrow it, the check's page shows what the office judges
// by, and its review actions go through the services — a return reaches
// the inspector's phone on its next sync, an order from the failed items
// exists. A volunteer is refused the queue; a contractor sees the check
// as the API lets them.
func TestReviewQueueAndCheckInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		county := consoletest.Seed(t, e)
		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		if tab == nil {
			return
		}
		tab.SignIn(consoletest.Office, apitest.Password)
		if p := tab.Path(); p != "/console/queue" {
			t.Fatalf("office landed on %s, want the review queue", p)
		}
		row := `tr[data-check="` + county.Check + `"]`
		rows := func() int { return consoletest.Eval[int](tab, `document.querySelectorAll('`+row+`').length`) }
		if rows() != 1 {
			t.Fatalf("queue does not show the flagged check: %s", tab.Text())
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('`+row+` [data-flag="gps_mismatch"]').length`); n != 1 {
			t.Errorf("the photo's gps_mismatch flag is not tagged on the row")
		}
		tab.Shoot("queue")

		filter := func(sel, value string, want int) {
			t.Helper()
			tab.Go("/console/queue")
			tab.Do(chromedp.SetValue(sel, value))
			tab.Submit("form.filters button[type=submit]")
			if got := rows(); got != want {
				t.Errorf("filter %s=%q: %d rows, want %d (%s)", sel, value, got, want, tab.Path())
			}
		}
		filter("#q-flag", "gps_mismatch", 1)
		filter("#q-flag", "duplicate", 0)
		filter("#q-township", "青山乡", 1)
		filter("#q-township", "河塘镇", 0)
		filter("#q-unit", consoletest.OtherUnit, 0)
		filter("#q-author", county.Users[consoletest.Inspector].ID, 1)
		// The project is typed: its code, its name, or enough of either.
		filter("#q-project", "2026-RD-001", 1)
		filter("#q-project", "上坝村通村", 1)
		filter("#q-project", "河塘镇农村饮水", 0)
		// The hostile project's name, typed back, is the input's text and
		// the filter's answer, never markup.
		filter("#q-project", consoletest.HostileName, 0)
		if got := consoletest.Eval[string](tab, `document.querySelector('#q-project').value`); got != consoletest.HostileName {
			t.Errorf("project input echoes %q", got)
		}
		filter("#q-project", "no such project", 0)
		if !strings.Contains(tab.Text(), "没有找到与输入相符的项目") || consoletest.Eval[int](tab, `document.querySelectorAll('form.filters').length`) != 1 {
			t.Errorf("an unmatched project is not said beside the filters: %s", tab.Text())
		}
		tab.Go("/console/queue?project_id=" + county.Road)
		if rows() != 1 {
			t.Errorf("project_id link: %d rows", rows())
		}
		if !strings.Contains(tab.Text(), "没有符合条件") && rows() == 0 {
			t.Errorf("an empty queue says nothing")
		}

		// Keyset pages: a second flagged check comes first, one a page.
		second, _ := county.FileFailedSafetyCheck(t, consoletest.Inspector, county.Road)
		tab.Go("/console/queue?limit=1")
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('tr[data-check="`+second+`"]').length`); n != 1 || rows() != 0 {
			t.Errorf("first page of one: %s", tab.Text())
		}
		tab.Submit("a[rel=next]")
		if rows() != 1 {
			t.Errorf("second page lacks the older check: %s", tab.Text())
		}

		// The check's page.
		tab.Go("/console/queue")
		tab.Submit(row + ` a[href="/console/checks/` + county.Check + `"]`)
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('tr.failed').length`); n != 2 {
			t.Errorf("%d failed items highlighted, want 2", n)
		}
		for _, item := range []string{"fenced", "protective_gear"} {
			if n := consoletest.Eval[int](tab, `document.querySelectorAll('tr.failed[data-item="`+item+`"]').length`); n != 1 {
				t.Errorf("failed item %s not highlighted", item)
			}
		}
		text := tab.Text()
		for _, want := range []string{"施工现场设置围挡", "基坑未设围挡", "SHA-256", "上坝村通村公路"} {
			if !strings.Contains(text, want) {
				t.Errorf("check page lacks %q", want)
			}
		}
		ph := e.Get("/api/v1/photos/"+county.Photo, county.Tokens[consoletest.Office])
		apitest.Expect(t, ph, http.StatusOK)
		if sha, _ := ph.Map(t)["sha256"].(string); sha == "" || !strings.Contains(text, sha) {
			t.Errorf("photo SHA-256 %q not shown", sha)
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('[data-map]').length`); n != 1 {
			t.Errorf("no map element")
		}
		// The thumbnail loads once the rendition job has made it.
		img := `document.querySelector('figure[data-photo="` + county.Photo + `"] img')`
		for deadline := time.Now().Add(30 * time.Second); ; {
			ok := consoletest.Eval[bool](tab, `(() => { const i = `+img+`; return !!i && i.complete && i.naturalWidth > 0; })()`)
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("thumbnail never loaded")
			}
			time.Sleep(300 * time.Millisecond)
			tab.Go("/console/checks/" + county.Check)
		}
		if got := consoletest.Eval[bool](tab, `document.querySelector('[data-map]').dataset.ready === 'true'`); !got {
			t.Errorf("map was not drawn")
		}
		tab.Shoot("check")

		// Accept the photo's flag.
		tab.Do(chromedp.SendKeys(`textarea[id="reason-`+county.Photo+`"]`, "与检查员电话核实，相机位置设置错误。"))
		tab.Submit(`form.decide:has(input[name=subject][value="` + county.Photo + `"]) button[value=accepted]`)
		if !strings.Contains(tab.Text(), "已记录审核意见") {
			t.Errorf("no notice after the decision: %s", tab.Text())
		}
		if n := consoletest.Eval[int](tab, `document.querySelectorAll('form.decide').length`); n != 0 {
			t.Errorf("%d flags still offered for decision after accepting", n)
		}

		// Return for correction; the author's phone gets the note.
		note := "请补拍围挡整改前的全景照片。"
		tab.Do(chromedp.SendKeys("#return-note", note))
		tab.Submit("form.return button[type=submit]")
		if !strings.Contains(tab.Text(), "已退回") || !strings.Contains(tab.Text(), note) {
			t.Errorf("returned check's page: %s", tab.Text())
		}
		if !syncCarries(t, e, county.Tokens[consoletest.Inspector], note) {
			t.Errorf("the inspector's /sync does not carry the return note")
		}

		// Open an order from the failed items.
		tab.Do(chromedp.SendKeys("#order-action", "三日内设置连续围挡，工人佩戴安全帽。"))
		// The order's page is the board's; here only where it leads counts.
		tab.Do(chromedp.Click("form.order button[type=submit]"))
		orderPath := regexp.MustCompile(`^/console/orders/([0-9a-f-]{36})`)
		var m []string
		for deadline := time.Now().Add(20 * time.Second); m == nil; {
			if time.Now().After(deadline) {
				t.Fatalf("opening an order left the browser at %s: %s", tab.Path(), tab.Text())
			}
			time.Sleep(100 * time.Millisecond)
			m = orderPath.FindStringSubmatch(tab.Path())
		}
		or := e.Get("/api/v1/orders/"+m[1], county.Tokens[consoletest.Office])
		apitest.Expect(t, or, http.StatusOK)
		o := or.Map(t)
		if o["source_check_id"] != county.Check {
			t.Errorf("order's source check %v", o["source_check_id"])
		}
		if items, _ := o["items"].([]any); len(items) != 2 {
			t.Errorf("order items %v, want the two failed ones", o["items"])
		}

		// The rest of the office's day on this order, end to end: the
		// contractor answers and the inspector re-inspects on their phones
		// (the API), the office verifies in the browser, the board shows
		// the order closed and its PDF downloads.
		orderID := m[1]
		county.AnswerOrder(t, orderID)
		recheck, fixed := county.FileReinspection(t)
		apitest.Expect(t, county.UploadCheckPhoto(t, consoletest.Inspector, recheck, fixed,
			consoletest.Photo(t, "orientation/landscape_2.jpg")), http.StatusCreated)
		tab.Go("/console/orders/" + orderID)
		tab.Do(chromedp.SetValue("#verify-check", recheck))
		tab.Submit("#verify-form button[type=submit]")
		if text := tab.Text(); !strings.Contains(text, "已关闭") {
			t.Fatalf("after verifying: %s", text)
		}
		tab.Go("/console/orders?status=closed")
		if rows := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('tr.order-row')].map(r => r.dataset.order)`); len(rows) != 1 || rows[0] != orderID {
			t.Fatalf("closed board rows %v, want %s", rows, orderID)
		}
		tab.Submit(`tr.order-row a[href="/console/orders/` + orderID + `"]`)
		got := consoletest.Eval[string](tab, `(() => { const x = new XMLHttpRequest();
			x.open('GET', document.querySelector('a[href$="/report.pdf"]').getAttribute('href'), false);
			x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
			return x.status + ' ' + x.getResponseHeader('Content-Type') + ' ' + x.responseText.slice(0, 4); })()`)
		if got != "200 application/pdf %PDF" {
			t.Fatalf("the order's PDF from its page: %q", got)
		}

		// A refused action says why, with the API's status: the check was
		// already returned.
		c := client(t)
		tok := signIn(t, c, site.URL, consoletest.Office)
		status, body := postForm(t, c, site.URL+"/console/checks/"+county.Check+"/return", url.Values{"_csrf": {tok}, "note": {"again"}})
		if api := e.Post("/api/v1/checks/"+county.Check+"/return", county.Tokens[consoletest.Office], map[string]any{"note": "again"}); status != api.Status {
			t.Errorf("second return: page %d, API %d", status, api.Status)
		}
		if !strings.Contains(body, "该检查已被退回") {
			t.Errorf("refused return does not say why")
		}

		// A volunteer is refused the queue, and told so.
		v := client(t)
		signIn(t, v, site.URL, consoletest.Volunteer)
		status, body = get(t, v, site.URL+"/console/queue")
		if status != http.StatusForbidden || !strings.Contains(body, "您没有权限") {
			t.Errorf("volunteer's queue: %d", status)
		}
		// A contractor of the road's unit sees the check as the API lets
		// them, without the review actions.
		k := client(t)
		signIn(t, k, site.URL, consoletest.Contractor)
		status, body = get(t, k, site.URL+"/console/checks/"+county.Check)
		api := e.Get("/api/v1/checks/"+county.Check, county.Tokens[consoletest.Contractor])
		if status != api.Status {
			t.Errorf("contractor's check page %d, API %d", status, api.Status)
		}
		if status == http.StatusOK && (strings.Contains(body, "/return\"") || strings.Contains(body, "/order\"")) {
			t.Errorf("contractor is offered review actions")
		}
		// Who filed it is county staff's to know (policy.PeopleNames), not
		// the contractor's: the page names the author's role only.
		if status == http.StatusOK && (strings.Contains(body, consoletest.Inspector) || !strings.Contains(body, "检查员")) {
			t.Errorf("contractor's check page names the author (or not even its role)")
		}
		status, _ = get(t, client2(t, site.URL, consoletest.Contractor2), site.URL+"/console/checks/"+county.Check)
		if api := e.Get("/api/v1/checks/"+county.Check, county.Tokens[consoletest.Contractor2]); status != api.Status {
			t.Errorf("other unit's contractor: page %d, API %d", status, api.Status)
		}
	})
}

func client2(t *testing.T, base, user string) *http.Client {
	c := client(t)
	signIn(t, c, base, user)
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// syncCarries reports whether the phone's sync, read to its end, carries s.
func syncCarries(t *testing.T, e *apitest.Env, token, s string) bool {
	t.Helper()
	cursor := ""
	e.Seal()
	for i := 0; i < 50; i++ {
		r := e.Get("/api/v1/sync?cursor="+url.QueryEscape(cursor), token)
		apitest.Expect(t, r, http.StatusOK)
		if strings.Contains(string(r.Body), s) {
			return true
		}
		m := r.Map(t)
		next, _ := m["cursor"].(string)
		if more, _ := m["more"].(bool); !more || next == "" {
			return false
		}
		cursor = next
	}
	return false
}
