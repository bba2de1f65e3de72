package demo_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/demo"
)

// The demo county is Chinese — project names, townships, units, people —
// with ASCII usernames; it loads twice without change, and the demo
// contractor's unit has a located project (the field-day driver orders on
// it).
func TestDemoCountyIsChinese(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		if _, _, err := e.Server.Auth.EnsureAdmin(ctx, "admin-pass-for-the-demo-test"); err != nil {
			t.Fatal(err)
		}
		svc := demo.Services{Auth: e.Server.Auth, Projects: e.Server.Projects, Checks: e.Server.Checks,
			Photos: e.Server.Photos, Orders: e.Server.Orders}
		lines, err := demo.Load(ctx, svc, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "上坝村通村公路") {
			t.Errorf("load summary does not name the road:\n%s", strings.Join(lines, "\n"))
		}
		again, err := demo.Load(ctx, svc, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(again) != 0 {
			t.Errorf("second load: %v %v", again, err)
		}
		office := login(t, e, "office")
		r := e.Get("/api/v1/projects?limit=100", office)
		apitest.Expect(t, r, http.StatusOK)
		var page struct {
			Items []struct {
				Name     string `json:"name"`
				Township string `json:"township"`
				Unit     string `json:"responsible_unit"`
				Location any    `json:"location"`
			} `json:"items"`
		}
		r.JSON(t, &page)
		if len(page.Items) != 12 {
			t.Fatalf("%d projects", len(page.Items))
		}
		for _, p := range page.Items {
			for _, s := range []string{p.Name, p.Township, p.Unit} {
				if !hasHan(s) {
					t.Errorf("project %q of %q, %q: %q is not Chinese", p.Name, p.Township, p.Unit, s)
				}
			}
		}
		q := e.Get("/api/v1/projects?q="+url.QueryEscape("上坝村")+"&township="+url.QueryEscape("青山乡"), office)
		apitest.Expect(t, q, http.StatusOK)
		if n := len(q.Map(t)["items"].([]any)); n != 2 {
			t.Errorf("search 上坝村 in 青山乡: %d projects, want the road and the library", n)
		}
		for _, u := range demo.Users {
			if !hasHan(u.Name) || strings.ContainsFunc(u.Username, func(r rune) bool { return r > 127 }) {
				t.Errorf("user %q %q: want an ASCII username and a Chinese name", u.Username, u.Name)
			}
		}
		// The contractor sees its unit's projects, one of them located.
		con := e.Get("/api/v1/projects?limit=100", login(t, e, "contractor"))
		apitest.Expect(t, con, http.StatusOK)
		located := false
		for _, p := range con.Map(t)["items"].([]any) {
			located = located || p.(map[string]any)["location"] != nil
		}
		if !located {
			t.Error("the demo contractor's unit has no located project")
		}
		// The console has work to show: a flagged check awaiting review and
		// an order issued from it, which the road's contractor sees.
		rq := e.Get("/api/v1/review-queue", office)
		apitest.Expect(t, rq, http.StatusOK)
		if n := len(rq.Map(t)["items"].([]any)); n != 1 {
			t.Errorf("review queue: %d items, want the failed safety check", n)
		}
		ol := e.Get("/api/v1/orders", login(t, e, "contractor"))
		apitest.Expect(t, ol, http.StatusOK)
		if n := len(ol.Map(t)["items"].([]any)); n != 1 {
			t.Errorf("the road's contractor sees %d orders, want 1", n)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// login signs in as a demo user with its published password.
func login(t *testing.T, e *apitest.Env, username string) string {
	t.Helper()
	for _, u := range demo.Users {
		if u.Username == username {
			r := e.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": u.Password})
			apitest.Expect(t, r, http.StatusOK)
			return r.Map(t)["access_token"].(string)
		}
	}
	t.Fatalf("no demo user %s", username)
	return ""
}
