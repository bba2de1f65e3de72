package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// rfc3339 is a phone's capture time: now in the county's offset, to the
// nanosecond so that "after the response" is decided by the clock, not
// by a truncated second.
func rfc3339(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339Nano)
}

// boardOrder issues an order through the API and returns its id and number.
func boardOrder(t *testing.T, c *consoletest.County, body map[string]any) (id, number string) {
	t.Helper()
	r := c.Env.Post("/api/v1/orders", c.Tokens[consoletest.Office], body)
	apitest.Expect(t, r, http.StatusCreated)
	m := r.Map(t)
	return m["id"].(string), m["number"].(string)
}

// The rectification board and an order's page, walked as the office walks
// them: an order from the failed check answered by the contractor through
// the API; the board lists it after an overdue one (marked); verifying it
// without a re-inspection, and then with one whose photo has not arrived,
// is refused with the reason; with the photo it closes; the board's
// status filter shows it closed; the PDF downloads. Another unit's
// contractor sees neither the order on the board nor its page.
func TestOrdersBoardInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		c := consoletest.Seed(t, e)
		orderID, number := boardOrder(t, c, map[string]any{"check_id": c.Check, "items": []string{"fenced", "protective_gear"},
			"defect": "基坑未设围挡，两名工人未戴安全帽。", "severity": "major", "required_action": "设置连续围挡，工人佩戴安全帽。"})
		// An order due in a moment: overdue by the time the board is read.
		lateID, lateNumber := boardOrder(t, c, map[string]any{"project_id": c.Road, "defect": "路肩未培土。",
			"severity": "critical", "required_action": "立即培土压实。", "deadline": rfc3339(time.Now().Add(1500 * time.Millisecond))})

		after := c.AnswerOrder(t, orderID)
		waitRendition(t, c, consoletest.Contractor, after)
		time.Sleep(time.Until(time.Now().Add(1600 * time.Millisecond)))

		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		tab.SignInTo(consoletest.Office, "/console/orders")
		rows := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('tr.order-row')].map(r => r.dataset.order + (r.classList.contains('overdue') ? ':overdue' : ''))`)
		if len(rows) != 2 || rows[0] != lateID+":overdue" || rows[1] != orderID {
			t.Fatalf("board rows %v, want the overdue %s first (marked) and then %s", rows, lateID, orderID)
		}
		if text := tab.Text(); !strings.Contains(text, lateNumber) || !strings.Contains(text, number) ||
			!strings.Contains(text, "已逾期") || !strings.Contains(text, "上坝村通村公路") {
			t.Fatalf("board text: %s", text)
		}
		tab.Shoot("orders")
		// The category filter asks the service: no drinking-water orders.
		tab.Go("/console/orders?category=drinking_water")
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('tr.order-row').length`); n != 0 {
			t.Fatalf("category filter listed %v orders", n)
		}

		tab.Go("/console/orders/" + orderID)
		text := tab.Text()
		for _, want := range []string{number, "上坝村通村公路", "基坑未设围挡", "已设置连续围挡", "整改前", "整改后", "已回复"} {
			if !strings.Contains(text, want) {
				t.Fatalf("order page lacks %q: %s", want, text)
			}
		}
		pairs := consoletest.Eval[float64](tab, `document.querySelectorAll('.pair img[src$="/thumbnail"]').length`)
		if pairs < 2 {
			t.Fatalf("before/after pair shows %v thumbnails", pairs)
		}
		// Verify without a re-inspection: refused, and the page says why.
		tab.Submit("#verify-form button[type=submit]")
		if text := tab.Text(); !strings.Contains(text, "未指定复查检查") {
			t.Fatalf("verify without a re-inspection: %s", text)
		}
		if code := consoletest.Eval[string](tab, `document.querySelector('.problem').dataset.code`); code != "validation_failed" {
			t.Fatalf("problem code %q", code)
		}

		// The inspector files the re-inspection; its photo is not there yet.
		checkID, fixed := c.FileReinspection(t)
		tab.Go("/console/orders/" + orderID)
		tab.Do(chromedp.SetValue("#verify-check", checkID))
		tab.Submit("#verify-form button[type=submit]")
		if text := tab.Text(); !strings.Contains(text, "没有自己的现场照片") {
			t.Fatalf("verify with a re-inspection without photos: %s", text)
		}
		tab.Shoot("order")

		apitest.Expect(t, c.UploadCheckPhoto(t, consoletest.Inspector, checkID, fixed,
			consoletest.Photo(t, "orientation/landscape_2.jpg")), http.StatusCreated)
		waitRendition(t, c, consoletest.Inspector, fixed)
		tab.Go("/console/orders/" + orderID)
		tab.Do(chromedp.SetValue("#verify-check", checkID))
		tab.Submit("#verify-form button[type=submit]")
		if p := tab.Path(); !strings.HasPrefix(p, "/console/orders/"+orderID+"?done=order_verified") {
			t.Fatalf("after verifying at %s: %s", p, tab.Text())
		}
		if text := tab.Text(); !strings.Contains(text, "已关闭") || !strings.Contains(text, "复查照片") {
			t.Fatalf("verified order: %s", text)
		}
		if n := consoletest.Eval[float64](tab, `document.querySelectorAll('#verify-form').length`); n != 0 {
			t.Fatal("a closed order still offers verify")
		}
		tab.Shoot("order-closed")

		tab.Go("/console/orders")
		if strings.Contains(tab.Text(), number) {
			t.Fatal("the closed order is still on the open board")
		}
		tab.Go("/console/orders?status=closed")
		if rows := consoletest.Eval[[]string](tab, `[...document.querySelectorAll('tr.order-row')].map(r => r.dataset.order)`); len(rows) != 1 || rows[0] != orderID {
			t.Fatalf("closed board rows %v, want %s", rows, orderID)
		}

		// The PDF, fetched by the page with its own session.
		got := consoletest.Eval[string](tab, `(() => { const x = new XMLHttpRequest();
			x.open('GET', '/console/files/orders/`+orderID+`/report.pdf', false);
			x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
			return x.status + ' ' + x.responseText.slice(0, 4); })()`)
		if got != "200 %PDF" {
			t.Fatalf("PDF report: %q", got)
		}

		// Another unit's contractor: not on their board; the page is the
		// API's not-found.
		other := client(t)
		signIn(t, other, site.URL, consoletest.Contractor2)
		if body := getWant(t, other, site.URL+"/console/orders?status=all", http.StatusOK); strings.Contains(body, number) {
			t.Fatal("contractor2 sees the other unit's order on the board")
		}
		getWant(t, other, site.URL+"/console/orders/"+orderID, http.StatusNotFound)
		// The volunteer watching the road sees where it stands, not the
		// unit's answer nor who did what.
		vol := client(t)
		signIn(t, vol, site.URL, consoletest.Volunteer)
		if body := getWant(t, vol, site.URL+"/console/orders/"+orderID, http.StatusOK); !strings.Contains(body, number) ||
			strings.Contains(body, "已设置连续围挡") || strings.Contains(body, "围挡已连续设置") || strings.Contains(body, "verify-form") {
			t.Fatal("the volunteer's order page shows more than the API shows them")
		}
		// The unit's own contractor sees it, and may not verify it.
		own := client(t)
		signIn(t, own, site.URL, consoletest.Contractor)
		if body := getWant(t, own, site.URL+"/console/orders?status=all", http.StatusOK); !strings.Contains(body, number) {
			t.Fatal("contractor1 does not see its unit's order")
		}
		if body := getWant(t, own, site.URL+"/console/orders/"+lateID, http.StatusOK); !strings.Contains(body, `action="/console/orders/`+lateID+`/acknowledge"`) ||
			strings.Contains(body, "verify-form") || strings.Contains(body, "cancel-form") {
			t.Fatal("contractor1's actions on an issued order are not just acknowledge")
		}
	})
}

// waitRendition waits for the background worker to make a photo's
// thumbnail, so the pages show it rather than "being processed".
func waitRendition(t *testing.T, c *consoletest.County, user, photoID string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := c.Env.Get("/api/v1/photos/"+photoID, c.Tokens[user])
		apitest.Expect(t, r, http.StatusOK)
		if st := r.Map(t)["rendition_status"]; st == "ready" {
			return
		} else if st == "failed" || time.Now().After(deadline) {
			t.Fatalf("photo %s rendition %v", photoID, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getWant(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %.300s", u, resp.StatusCode, want, b)
	}
	return string(b)
}
