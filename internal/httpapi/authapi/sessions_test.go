package authapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
)

// expectCode fails unless r is a problem with the wanted status and code.
func expectCode(t *testing.T, r apitest.Response, status int, code string) {
	t.Helper()
	apitest.Expect(t, r, status)
	if got := r.Map(t)["code"]; got != code {
		t.Fatalf("code %v, want %s: %s", got, code, r.Body)
	}
}

// Every token issued before a reset, a change or a disable is refused on
// the very next request, on any route, not when it would have expired.
func TestSessionsEndOnPasswordResetChangeAndDisable(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("boss", auth.RoleAdmin, "", "")
		admin := e.Login("boss")
		u := e.CreateUser("walker", auth.RoleInspector, "", "")
		// alive: the token authenticates, on /me and on an ordinary route
		// alike (which may answer 403 while a reset password is unchanged).
		alive := func(tok string) bool {
			t.Helper()
			me, list := e.Get("/api/v1/me", tok), e.Get("/api/v1/projects", tok)
			if (me.Status == http.StatusUnauthorized) != (list.Status == http.StatusUnauthorized) {
				t.Fatalf("/me %d but /projects %d", me.Status, list.Status)
			}
			return me.Status != http.StatusUnauthorized
		}
		refreshes := func(rt string) bool {
			t.Helper()
			return e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": rt}).Status == http.StatusOK
		}

		// An admin's reset ends both of the user's sessions (two phones).
		_, phone1 := login(t, e, "walker", apitest.Password)
		_, phone2 := login(t, e, "walker", apitest.Password)
		if !alive(phone1.AccessToken) || !alive(phone2.AccessToken) {
			t.Fatal("fresh tokens refused")
		}
		r := e.Post("/api/v1/users/"+u.ID+"/password", admin, map[string]any{"password": "temporary password 1"})
		apitest.Expect(t, r, http.StatusOK)
		for i, tk := range []tokens{phone1, phone2} {
			if alive(tk.AccessToken) {
				t.Fatalf("phone %d: access token still works after a password reset", i+1)
			}
			if refreshes(tk.RefreshToken) {
				t.Fatalf("phone %d: refresh token still works after a password reset", i+1)
			}
		}

		// The user's own change ends every session, the one that asked too.
		_, a := login(t, e, "walker", "temporary password 1")
		_, b := login(t, e, "walker", "temporary password 1")
		r = e.Post("/api/v1/me/password", a.AccessToken, map[string]string{
			"current_password": "temporary password 1", "new_password": apitest.Password})
		apitest.Expect(t, r, http.StatusNoContent)
		for _, tk := range []tokens{a, b} {
			if alive(tk.AccessToken) || refreshes(tk.RefreshToken) {
				t.Fatal("a token issued before the password change still works")
			}
		}
		_, c := login(t, e, "walker", apitest.Password)
		if !alive(c.AccessToken) {
			t.Fatal("the new password's session does not work")
		}

		// Disabling ends the session for good: re-enabling does not bring
		// the old token back.
		patch := func(disabled bool) {
			t.Helper()
			apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + u.ID, Token: admin,
				Body: map[string]any{"disabled": disabled}}), http.StatusOK)
		}
		patch(true)
		if alive(c.AccessToken) {
			t.Fatal("access token works for a disabled account")
		}
		patch(false)
		if alive(c.AccessToken) || refreshes(c.RefreshToken) {
			t.Fatal("a token from before the account was disabled works again after re-enabling")
		}
		_, d := login(t, e, "walker", apitest.Password)
		if !alive(d.AccessToken) {
			t.Fatal("a re-enabled account cannot log in")
		}

		// Editing other fields ends nothing.
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + u.ID, Token: admin,
			Body: map[string]any{"display_name": "Li Wei"}}), http.StatusOK)
		if !alive(d.AccessToken) {
			t.Fatal("a display-name edit ended the session")
		}
	})
}

var pathParam = regexp.MustCompile(`[:*][A-Za-z_]+`)

// An account whose password was reset may read itself, change the password
// and log out, and nothing else: every other authenticated route (taken
// from the router, so a new one cannot slip past) answers 403
// password_change_required.
func TestMustChangePasswordGatesEveryOtherRoute(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("boss", auth.RoleAdmin, "", "")
		admin := e.Login("boss")
		// An admin under reset is the widest case: every route is theirs.
		u := e.CreateUser("deputy", auth.RoleAdmin, "", "")
		r := e.Post("/api/v1/users/"+u.ID+"/password", admin, map[string]any{})
		apitest.Expect(t, r, http.StatusOK)
		pw := r.Map(t)["password"].(string)
		r, tk := login(t, e, "deputy", pw)
		apitest.Expect(t, r, http.StatusOK)

		me := e.Get("/api/v1/me", tk.AccessToken)
		apitest.Expect(t, me, http.StatusOK)
		if me.Map(t)["must_change_password"] != true {
			t.Fatalf("/me does not say the password must change: %s", me.Body)
		}
		const id = "0190aaaa-0000-7000-8000-000000000001"
		open := map[string]bool{"GET /api/v1/me": true, "POST /api/v1/me/password": true}
		gated := 0
		for _, rt := range e.Server.Routes {
			key := rt.Method + " " + rt.Path
			if open[key] || len(rt.Path) < 8 || rt.Path[:8] != "/api/v1/" {
				continue
			}
			req := apitest.Request{Method: rt.Method, Path: pathParam.ReplaceAllString(rt.Path, id), SkipContract: true}
			if rt.Method != http.MethodGet && rt.Method != http.MethodDelete {
				req.Body = map[string]any{}
			}
			if anon := e.Do(req); anon.Status != http.StatusUnauthorized || anon.Map(t)["code"] != "missing_token" {
				continue // a public route (login, refresh, signed links): no session to gate
			}
			req.Token, req.SkipContract = tk.AccessToken, false
			res := e.Do(req)
			if res.Status != http.StatusForbidden || res.Map(t)["code"] != "password_change_required" {
				t.Errorf("%s: %d %s, want 403 password_change_required", key, res.Status, res.Body)
			}
			gated++
		}
		if gated < 40 {
			t.Fatalf("only %d routes checked: the route walk is broken", gated)
		}
		// Refreshing does not lift the gate.
		r = e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk.RefreshToken})
		apitest.Expect(t, r, http.StatusOK)
		var tk2 tokens
		r.JSON(t, &tk2)
		expectCode(t, e.Get("/api/v1/projects", tk2.AccessToken), http.StatusForbidden, "password_change_required")

		// Changing it lifts the gate (for a new session: the old ones end).
		apitest.Expect(t, e.Post("/api/v1/me/password", tk2.AccessToken,
			map[string]string{"current_password": pw, "new_password": "my own long password"}), http.StatusNoContent)
		expectCode(t, e.Get("/api/v1/projects", tk2.AccessToken), http.StatusUnauthorized, "invalid_token")
		_, tk3 := login(t, e, "deputy", "my own long password")
		apitest.Expect(t, e.Get("/api/v1/projects", tk3.AccessToken), http.StatusOK)
		apitest.Expect(t, e.Get("/api/v1/users", tk3.AccessToken), http.StatusOK)
		// Logout (refresh-token based) was never gated.
		apitest.Expect(t, e.Post("/api/v1/auth/logout", "", map[string]string{"refresh_token": tk3.RefreshToken}), http.StatusNoContent)
	})
}

// Twenty wrong passwords for one account at once: each attempt is counted
// before its password is checked, so at most the limit (5) are checked and
// answered 401; the rest are throttled. Without the atomic count every one
// of them reached the hash.
func TestConcurrentWrongPasswordsAreCountedBeforeTheCheck(t *testing.T) {
	const limit, attempts = 5, 20
	tweak := func(c *config.Config) { c.LoginMaxFailures = limit; c.LoginIPFailures = 1000 }
	apitest.EachBackend(t, tweak, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("target", auth.RoleOffice, "", "")
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			statuses = map[int]int{}
		)
		start := make(chan struct{})
		for i := 0; i < attempts; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := e.Post("/api/v1/auth/login", "", map[string]string{"username": "target", "password": "a wrong guess!"})
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		checked, throttled := statuses[http.StatusUnauthorized], statuses[http.StatusTooManyRequests]
		t.Logf("%d attempts: %d checked (401), %d throttled (429), all: %v", attempts, checked, throttled, statuses)
		if checked > limit {
			t.Fatalf("%d wrong passwords reached the password check; the limit is %d", checked, limit)
		}
		if checked+throttled != attempts {
			t.Fatalf("unexpected answers: %v", statuses)
		}
		// Throttled attempts were not failures: the count stays at the limit,
		// the account stays locked, even for the right password.
		r, _ := login(t, e, "target", apitest.Password)
		apitest.Expect(t, r, http.StatusTooManyRequests)
	})
}

// Counting before the check must not turn successes into failures: logins
// with the right password never use up an address's allowance, and a
// success clears the account's count.
func TestSuccessfulLoginsAreNotCountedAsFailures(t *testing.T) {
	tweak := func(c *config.Config) { c.LoginMaxFailures = 3; c.LoginIPFailures = 3 }
	apitest.EachBackend(t, tweak, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("clerk", auth.RoleOffice, "", "")
		for i := 0; i < 6; i++ {
			r, _ := login(t, e, "clerk", apitest.Password)
			apitest.Expect(t, r, http.StatusOK)
		}
		for i := 0; i < 2; i++ {
			r, _ := login(t, e, "clerk", "a wrong guess!")
			apitest.Expect(t, r, http.StatusUnauthorized)
		}
		// A success clears the account's two failures but not the address's.
		r, _ := login(t, e, "clerk", apitest.Password)
		apitest.Expect(t, r, http.StatusOK)
		r, _ = login(t, e, "clerk", "a wrong guess!")
		apitest.Expect(t, r, http.StatusUnauthorized)
		// The address has had three failures now: locked.
		r, _ = login(t, e, "clerk", apitest.Password)
		apitest.Expect(t, r, http.StatusTooManyRequests)
	})
}

// An attempt refused by one limit is not a failure against the other: a
// sprayer whose address is throttled cannot lock the accounts it names,
// whether its guesses come one by one or all at once.
func TestThrottledAttemptsDoNotCountAgainstTheAccount(t *testing.T) {
	tweak := func(c *config.Config) {
		c.LoginMaxFailures, c.LoginIPFailures = 4, 2
		c.TrustedProxies = []string{"192.0.2.0/24"} // httptest's remote address
	}
	apitest.EachBackend(t, tweak, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("victim", auth.RoleOffice, "", "")
		e.CreateUser("victim2", auth.RoleOffice, "", "")
		from := func(ip, user, pw string) apitest.Response {
			return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
				Body: map[string]string{"username": user, "password": pw}, Header: map[string]string{"X-Forwarded-For": ip}})
		}
		for i := 0; i < 2; i++ {
			apitest.Expect(t, from("203.0.113.9", "ghost", "a wrong guess!"), http.StatusUnauthorized)
		}
		for i := 0; i < 5; i++ {
			expectCode(t, from("203.0.113.9", "victim", "a wrong guess!"), http.StatusTooManyRequests, "too_many_login_attempts")
		}
		apitest.Expect(t, from("198.51.100.4", "victim", apitest.Password), http.StatusOK)

		// Ten at once from a fresh address: the address admits two, and the
		// eight it refuses are given back to the account as well.
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); from("203.0.113.77", "victim2", "a wrong guess!") }()
		}
		wg.Wait()
		apitest.Expect(t, from("198.51.100.4", "victim2", apitest.Password), http.StatusOK)
	})
}

// A shift logging in at once from one office address (one NAT) is not
// throttled by its own successes: attempts are counted only once they hold
// a hashing slot, so those still queueing are not "in flight" against the
// address's limit, and each success is given back.
func TestManySimultaneousGoodLoginsFromOneAddress(t *testing.T) {
	const phones = 16
	tweak := func(c *config.Config) { c.LoginMaxFailures, c.LoginIPFailures, c.HashConcurrency = 5, 3, 2 }
	apitest.EachBackend(t, tweak, func(t *testing.T, e *apitest.Env) {
		for i := 0; i < phones; i++ {
			e.CreateUser(fmt.Sprintf("phone%02d", i), auth.RoleVolunteer, "", "JT-1")
		}
		var wg sync.WaitGroup
		statuses := make([]int, phones)
		start := make(chan struct{})
		for i := 0; i < phones; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := e.Post("/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("phone%02d", i), "password": apitest.Password})
				statuses[i] = r.Status
			}()
		}
		close(start)
		wg.Wait()
		for i, st := range statuses {
			if st != http.StatusOK {
				t.Errorf("phone%02d: %d", i, st)
			}
		}
	})
}
