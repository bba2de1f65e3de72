package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// public are the console routes a browser reaches without a session.
var public = map[string]bool{
	"GET /console":              true,
	"GET /console/static/*path": true,
	"GET /console/signin":       true,
	"POST /console/signin":      true, // guarded by the pre-session CSRF token instead
	"POST /console/signout":     true, // needs the session's CSRF token when there is a session
}

// Every console route but the public few needs a session: without one a
// page redirects to sign-in and anything else is 401; with one, a POST
// without the CSRF token is 403; and a person who must change their
// password reaches only the password page. A new route is covered by
// being registered — nothing to add here unless it is public.
func TestEveryConsoleRouteIsGuarded(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		must := e.CreateUser("newbie", auth.RoleOffice, "", "")
		if _, _, err := e.Server.Auth.ResetPassword(context.Background(), must.ID, apitest.Password); err != nil {
			t.Fatal(err)
		}
		site := consoletest.Serve(t, e)
		anon := client(t)
		signed := client(t)
		signIn(t, signed, site.URL, "office1")
		newbie := client(t)
		pre := fieldFrom(t, newbie, site.URL+"/console/signin", "_csrf")
		resp, err := newbie.PostForm(site.URL+"/console/signin", url.Values{"_csrf": {pre}, "username": {"newbie"},
			"password": {apitest.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()

		n := 0
		for _, r := range e.Server.Routes {
			if !strings.HasPrefix(r.Path, "/console") {
				continue
			}
			key := r.Method + " " + r.Path
			if public[key] {
				continue
			}
			n++
			path := fill(r.Path)
			do := func(c *http.Client) *http.Response {
				req, _ := http.NewRequest(r.Method, site.URL+path, strings.NewReader(""))
				if r.Method == http.MethodPost {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			got := do(anon)
			switch r.Method {
			case http.MethodGet:
				if got.StatusCode != http.StatusSeeOther || !strings.HasPrefix(got.Header.Get("Location"), "/console/signin") {
					t.Errorf("%s without a session: %d to %q, want 303 to sign-in", key, got.StatusCode, got.Header.Get("Location"))
				}
			default:
				if got.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s without a session: %d, want 401", key, got.StatusCode)
				}
				if got := do(signed); got.StatusCode != http.StatusForbidden {
					t.Errorf("%s signed in, without a CSRF token: %d, want 403", key, got.StatusCode)
				}
			}
			if r.Method == http.MethodGet && !strings.HasPrefix(r.Path, "/console/password") {
				got := do(newbie)
				if got.StatusCode != http.StatusSeeOther || got.Header.Get("Location") != "/console/password" {
					t.Errorf("%s for a person who must change their password: %d to %q, want the password page",
						key, got.StatusCode, got.Header.Get("Location"))
				}
			}
		}
		if n < 3 {
			t.Fatalf("only %d guarded console routes: is the console mounted?", n)
		}
		// An unknown console path is a page, with the console's headers;
		// an unknown API path stays problem+json.
		for path, ct := range map[string]string{"/console/no-such-page": "text/html", "/api/v1/no-such-route": "application/problem+json"} {
			resp, err := signed.Get(site.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) {
				t.Errorf("GET %s: %d %s, want 404 %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), ct)
			}
			if strings.HasPrefix(path, "/console") && resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s: no CSP", path)
			}
		}
	})
}

// fill puts ids into a route template.
func fill(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = uuid.NewString()
		case strings.HasPrefix(p, "*"):
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}
