package authapi_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
)

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func login(t *testing.T, e *apitest.Env, user, pw string) (apitest.Response, tokens) {
	t.Helper()
	r := e.Post("/api/v1/auth/login", "", map[string]string{"username": user, "password": pw})
	var tk tokens
	if r.Status == http.StatusOK {
		r.JSON(t, &tk)
	}
	return r, tk
}

func TestLoginRefreshLogout(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("insp", auth.RoleInspector, "", "")
		r, tk := login(t, e, "insp", apitest.Password)
		apitest.Expect(t, r, http.StatusOK)
		if tk.TokenType != "Bearer" || tk.ExpiresIn != 900 || tk.AccessToken == "" || tk.RefreshToken == "" {
			t.Fatalf("token response %+v", tk)
		}
		me := e.Get("/api/v1/me", tk.AccessToken)
		apitest.Expect(t, me, http.StatusOK)
		if m := me.Map(t); m["username"] != "insp" || m["role"] != "inspector" {
			t.Fatalf("me: %v", m)
		}
		if strings.Contains(string(me.Body), "password_hash") || strings.Contains(string(me.Body), "argon2") {
			t.Fatalf("me leaks password material: %s", me.Body)
		}

		// Rotation: the new refresh token works, the old one is dead...
		r = e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk.RefreshToken})
		apitest.Expect(t, r, http.StatusOK)
		var tk2 tokens
		r.JSON(t, &tk2)
		if tk2.RefreshToken == tk.RefreshToken {
			t.Fatal("refresh did not rotate the token")
		}
		// ...and presenting the old one again revokes the whole family,
		// including the token just issued.
		r = e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk.RefreshToken})
		apitest.Expect(t, r, http.StatusUnauthorized)
		r = e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk2.RefreshToken})
		apitest.Expect(t, r, http.StatusUnauthorized)

		// Logout ends a fresh family.
		_, tk3 := login(t, e, "insp", apitest.Password)
		apitest.Expect(t, e.Post("/api/v1/auth/logout", "", map[string]string{"refresh_token": tk3.RefreshToken}), http.StatusNoContent)
		apitest.Expect(t, e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk3.RefreshToken}), http.StatusUnauthorized)
		// Access and refresh tokens are never interchangeable.
		apitest.Expect(t, e.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tk3.AccessToken}), http.StatusUnauthorized)
		apitest.Expect(t, e.Get("/api/v1/me", tk3.RefreshToken), http.StatusUnauthorized)
	})
}

func TestLoginUnknownUserAndWrongPasswordLookTheSame(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		wrong, _ := login(t, e, "office1", "not the password")
		unknown, _ := login(t, e, "nobody", "not the password")
		apitest.Expect(t, wrong, http.StatusUnauthorized)
		apitest.Expect(t, unknown, http.StatusUnauthorized)
		if wrong.Map(t)["code"] != unknown.Map(t)["code"] || wrong.Map(t)["detail"] != unknown.Map(t)["detail"] {
			t.Fatalf("answers differ:\n%s\n%s", wrong.Body, unknown.Body)
		}
		if ct := wrong.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("content type %q", ct)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	tweak := func(c *config.Config) { c.LoginMaxFailures = 3; c.LoginIPFailures = 5 }
	apitest.EachBackend(t, tweak, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("vol", auth.RoleVolunteer, "", "B-001")
		for i := 0; i < 3; i++ {
			r, _ := login(t, e, "vol", "wrong password!")
			apitest.Expect(t, r, http.StatusUnauthorized)
		}
		// The account is now locked for the window, even with the right password.
		r, _ := login(t, e, "vol", apitest.Password)
		apitest.Expect(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		// Per address: spraying other accounts from one address is capped too,
		// and a forged X-Forwarded-For does not reset it (no trusted proxies).
		for i := 0; i < 2; i++ {
			r := e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
				Body:   map[string]string{"username": "ghost" + string(rune('a'+i)), "password": "wrong password!"},
				Header: map[string]string{"X-Forwarded-For": "203.0.113." + string(rune('1'+i))}})
			apitest.Expect(t, r, http.StatusUnauthorized)
		}
		e.CreateUser("insp2", auth.RoleInspector, "", "")
		r = e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body:   map[string]string{"username": "insp2", "password": apitest.Password},
			Header: map[string]string{"X-Forwarded-For": "198.51.100.7"}})
		apitest.Expect(t, r, http.StatusTooManyRequests)
	})
}

// forge signs claims with a method and key of the test's choosing.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessTokenRejections(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		u := e.CreateUser("admin2", auth.RoleAdmin, "", "")
		good := e.Login("admin2")
		now := time.Now()
		base := func() jwt.MapClaims {
			return jwt.MapClaims{"iss": e.Config.JWTIssuer, "aud": e.Config.JWTAudience, "sub": u.ID, "typ": "access",
				"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix()}
		}
		with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
		without := func(k string) jwt.MapClaims { c := base(); delete(c, k); return c }
		none, err := jwt.NewWithClaims(jwt.SigningMethodNone, base()).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(good, ".")
		sig := []byte(parts[2])
		sig[3] ^= 0x01
		tampered := parts[0] + "." + parts[1] + "." + string(sig)
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		escalated := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"admin"`, `"office"`, 1))) + "." + parts[2]

		cases := map[string]string{
			"alg none":          none,
			"wrong algorithm":   forge(t, jwt.SigningMethodHS512, apitest.JWTKey, base()),
			"wrong key":         forge(t, jwt.SigningMethodHS256, []byte("another-key-another-key-another-key!"), base()),
			"expired":           forge(t, jwt.SigningMethodHS256, apitest.JWTKey, with("exp", now.Add(-time.Hour).Unix())),
			"no exp":            forge(t, jwt.SigningMethodHS256, apitest.JWTKey, without("exp")),
			"wrong aud":         forge(t, jwt.SigningMethodHS256, apitest.JWTKey, with("aud", "someone-else")),
			"wrong iss":         forge(t, jwt.SigningMethodHS256, apitest.JWTKey, with("iss", "evil")),
			"not access type":   forge(t, jwt.SigningMethodHS256, apitest.JWTKey, with("typ", "refresh")),
			"unknown subject":   forge(t, jwt.SigningMethodHS256, apitest.JWTKey, with("sub", "0190aaaa-0000-7000-8000-000000000000")),
			"tampered sig":      tampered,
			"tampered payload":  escalated,
			"garbage":           "not-a-jwt",
			"empty three parts": "..",
		}
		for name, tok := range cases {
			r := e.Get("/api/v1/me", tok)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401: %s", name, r.Status, r.Body)
			}
		}
		// Oversized header: refused without parsing (400 or 401, never 5xx).
		r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer " + strings.Repeat("a", 64<<10)}})
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusBadRequest {
			t.Errorf("oversized header: %d", r.Status)
		}
		for _, h := range []string{"", "Basic YWRtaW46eA==", "Bearer", "bearer " + good} {
			r := e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/me", Header: map[string]string{"Authorization": h}})
			if r.Status != http.StatusUnauthorized {
				t.Errorf("Authorization %q: status %d", h, r.Status)
			}
		}
		apitest.Expect(t, e.Get("/api/v1/me", good), http.StatusOK)
	})
}

func TestUserAdministration(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("root", auth.RoleAdmin, "", "")
		e.CreateUser("clerk", auth.RoleOffice, "", "")
		admin, clerk := e.Login("root"), e.Login("clerk")

		body := map[string]any{"username": "builder1", "role": "contractor", "unit": "Qingshan Road Construction Co.",
			"password": apitest.Password, "display_name": "Wang Jun"}
		apitest.Expect(t, e.Post("/api/v1/users", clerk, body), http.StatusForbidden)
		r := e.Post("/api/v1/users", admin, body)
		apitest.Expect(t, r, http.StatusCreated)
		created := r.Map(t)
		if created["unit"] != "Qingshan Road Construction Co." || created["unit_id"] == nil {
			t.Fatalf("created: %v", created)
		}
		apitest.Expect(t, e.Post("/api/v1/users", admin, body), http.StatusConflict)

		bad := e.Post("/api/v1/users", admin, map[string]any{"username": "X", "role": "wizard", "password": "short"})
		apitest.Expect(t, bad, http.StatusUnprocessableEntity)
		fields := map[string]bool{}
		for _, f := range bad.Map(t)["errors"].([]any) {
			fields[f.(map[string]any)["field"].(string)] = true
		}
		for _, f := range []string{"username", "role", "password"} {
			if !fields[f] {
				t.Errorf("422 does not name %s: %s", f, bad.Body)
			}
		}
		apitest.Expect(t, e.Post("/api/v1/users", admin, map[string]any{"username": "x1", "sneaky": true}), http.StatusBadRequest)

		// Disabling takes effect on the next request, not when the token expires.
		tok := e.Login("builder1")
		apitest.Expect(t, e.Get("/api/v1/me", tok), http.StatusOK)
		id := created["id"].(string)
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + id, Token: admin, Body: map[string]any{"disabled": true}})
		apitest.Expect(t, r, http.StatusOK)
		apitest.Expect(t, e.Get("/api/v1/me", tok), http.StatusUnauthorized)
		r, _ = login(t, e, "builder1", apitest.Password)
		apitest.Expect(t, r, http.StatusUnauthorized)

		// Password reset generates a one-time password shown once.
		r = e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + id, Token: admin, Body: map[string]any{"disabled": false}})
		apitest.Expect(t, r, http.StatusOK)
		r = e.Post("/api/v1/users/"+id+"/password", admin, map[string]any{})
		apitest.Expect(t, r, http.StatusOK)
		pw, _ := r.Map(t)["password"].(string)
		r, _ = login(t, e, "builder1", pw)
		apitest.Expect(t, r, http.StatusOK)

		apitest.Expect(t, e.Get("/api/v1/users", clerk), http.StatusForbidden)
		list := e.Get("/api/v1/users?role=contractor", admin)
		apitest.Expect(t, list, http.StatusOK)
		if items := list.Map(t)["items"].([]any); len(items) != 1 {
			t.Fatalf("contractors: %s", list.Body)
		}
		apitest.Expect(t, e.Get("/api/v1/users/not-a-uuid", admin), http.StatusNotFound)
	})
}
