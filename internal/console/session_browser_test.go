package console_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// Signing in and out in the browser: Chinese by default, English by the
// switch, a wrong password said plainly, and a signed-out cookie dead.
func TestSignInAndOutInTheBrowser(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")

		tab.Go("/console/")
		if p := tab.Path(); !strings.HasPrefix(p, "/console/signin") {
			t.Fatalf("signed out, /console/ went to %s, want the sign-in page", p)
		}
		if !strings.Contains(tab.Text(), "登录") {
			t.Fatalf("sign-in page is not Chinese: %s", tab.Text())
		}
		tab.Shoot("signin")

		tab.SignInFails("office1", "wrong password!")
		if !strings.Contains(tab.Text(), "用户名或密码错误") {
			t.Fatalf("wrong password: page says %q", tab.Text())
		}
		tab.SignIn("office1", apitest.Password)
		if p := tab.Path(); strings.HasPrefix(p, "/console/signin") {
			t.Fatalf("still on %s after signing in: %s", p, tab.Text())
		}
		tab.Go("/console/signin?lang=en")
		tab.Go("/console/")
		if !strings.Contains(tab.Text(), "Sign out") {
			t.Fatalf("English switch did not hold: %s", tab.Text())
		}
		tab.Submit("form[action='/console/signout'] button")
		if p := tab.Path(); !strings.HasPrefix(p, "/console/signin") {
			t.Fatalf("after sign-out at %s", p)
		}
		tab.Go("/console/")
		if p := tab.Path(); !strings.HasPrefix(p, "/console/signin") {
			t.Fatalf("signed-out browser reached %s", p)
		}
	})
}

// client is a cookie-keeping HTTP client that does not follow redirects,
// for the refusals a browser cannot be made to send.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs c in through the form, as a browser does, and returns the
// session's CSRF token as the pages carry it.
func signIn(t *testing.T, c *http.Client, base, user string) string {
	t.Helper()
	pre := fieldFrom(t, c, base+"/console/signin", "_csrf")
	resp, err := c.PostForm(base+"/console/signin", url.Values{"_csrf": {pre}, "username": {user}, "password": {apitest.Password},
		"next": {"/console/orders"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", user, resp.StatusCode)
	}
	return fieldFrom(t, c, base+"/console/password", "_csrf")
}

func fieldFrom(t *testing.T, c *http.Client, u, name string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	_, rest, ok := strings.Cut(b.String(), `name="`+name+`" value="`)
	if !ok {
		t.Fatalf("GET %s (%d): no %s field", u, resp.StatusCode, name)
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// A forged CSRF token, a missing one and a cross-site POST are refused
// with 403 and change nothing; the real token works. The session cookie is
// HttpOnly and SameSite=Lax.
func TestForgedAndCrossSiteFormsAreRefused(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		site := consoletest.Serve(t, e)
		c := client(t)
		tok := signIn(t, c, site.URL, "office1")
		u, _ := url.Parse(site.URL + "/console/")
		var session *http.Cookie
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == "fp_session" {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		post := func(form url.Values, header map[string]string) int {
			req, _ := http.NewRequest(http.MethodPost, site.URL+"/console/signout", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range header {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		for name, c := range map[string]struct {
			form   url.Values
			header map[string]string
		}{
			"no token":         {url.Values{}, nil},
			"forged token":     {url.Values{"_csrf": {"AAAA" + tok[4:]}}, nil},
			"cross-site fetch": {url.Values{"_csrf": {tok}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
			"foreign origin":   {url.Values{"_csrf": {tok}}, map[string]string{"Origin": "https://evil.example"}},
		} {
			if got := post(c.form, c.header); got != http.StatusForbidden {
				t.Errorf("%s: sign-out answered %d, want 403", name, got)
			}
		}
		// Still signed in after every refusal.
		if got := fieldFrom(t, c, site.URL+"/console/password", "_csrf"); got != tok {
			t.Fatalf("session changed by a refused POST")
		}
		if got := post(url.Values{"_csrf": {tok}}, map[string]string{"Origin": site.URL, "Sec-Fetch-Site": "same-origin"}); got != http.StatusSeeOther {
			t.Fatalf("real sign-out answered %d", got)
		}
		// The cookie the server set is HttpOnly and SameSite=Lax.
		c2 := client(t)
		pre := fieldFrom(t, c2, site.URL+"/console/signin", "_csrf")
		resp, err := c2.PostForm(site.URL+"/console/signin", url.Values{"_csrf": {pre}, "username": {"office1"}, "password": {apitest.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		set := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
		if !strings.Contains(set, "fp_session=") || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
			t.Fatalf("session cookie attributes: %s", set)
		}
		// A sign-in form posted without its pre-session cookie is refused.
		resp, err = client(t).PostForm(site.URL+"/console/signin", url.Values{"_csrf": {pre}, "username": {"office1"}, "password": {apitest.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("login CSRF: %d", resp.StatusCode)
		}
	})
}

// Behind a TLS-terminating proxy (X-Forwarded-Proto: https) or over TLS,
// the session cookie is Secure; over plain HTTP on a laptop it cannot be.
func TestSessionCookieIsSecureOverTLS(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		site := consoletest.Serve(t, e)
		for _, proto := range []string{"https", ""} {
			c := client(t)
			pre := fieldFrom(t, c, site.URL+"/console/signin", "_csrf")
			req, _ := http.NewRequest(http.MethodPost, site.URL+"/console/signin", strings.NewReader(url.Values{
				"_csrf": {pre}, "username": {"office1"}, "password": {apitest.Password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if proto != "" {
				req.Header.Set("X-Forwarded-Proto", proto)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var session string
			for _, v := range resp.Header.Values("Set-Cookie") {
				if strings.HasPrefix(v, "fp_session=") {
					session = v
				}
			}
			if secure := strings.Contains(session, "; Secure"); secure != (proto == "https") {
				t.Errorf("forwarded proto %q: session cookie %q", proto, session)
			}
		}
	})
}
