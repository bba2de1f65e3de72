package checkapi_test

import (
	"net/http"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// The Idempotency-Key header works on any authenticated POST; a township is
// the simplest thing to create twice.
func TestIdempotencyKeyReplay(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("office1", auth.RoleOffice, "", "")
		tok := e.Login("office1")
		post := func(key string, body any) apitest.Response {
			return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/townships", Token: tok, Body: body,
				Header: map[string]string{"Idempotency-Key": key}})
		}
		first := post("k-1", map[string]any{"name": "Qingshan"})
		apitest.Expect(t, first, http.StatusCreated)
		again := post("k-1", map[string]any{"name": "Qingshan"})
		apitest.Expect(t, again, http.StatusCreated)
		if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay %s (%v), first %s", again.Body, again.Header, first.Body)
		}
		apitest.Expect(t, post("k-1", map[string]any{"name": "Other"}), http.StatusConflict)

		r := e.Get("/api/v1/townships", tok)
		var list struct {
			Items []map[string]any `json:"items"`
		}
		r.JSON(t, &list)
		n := 0
		for _, it := range list.Items {
			if it["name"] == "Qingshan" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d townships named Qingshan, want 1", n)
		}
		// Without the header nothing changes: a second create is a conflict.
		r = e.Post("/api/v1/townships", tok, map[string]any{"name": "Qingshan"})
		if r.Status == http.StatusCreated {
			t.Fatalf("second create without key: %d", r.Status)
		}
	})
}
