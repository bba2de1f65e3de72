package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
)

// TestRetryTakesOverTheKeyOfAKilledRequest: a replica claimed an
// Idempotency-Key and was killed with the request in flight (it never
// completes nor releases the key). The phone's retry is told 409
// idempotency_in_progress with a Retry-After while the dead request's
// lease runs, and once it has lapsed the retry runs and its answer is
// what later retries replay: the phone can finish.
func TestRetryTakesOverTheKeyOfAKilledRequest(t *testing.T) {
	const lease = time.Second
	apitest.EachBackend(t, func(c *config.Config) { c.Checks.IdempotencyLease = lease }, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleInspector]
		raw, err := json.Marshal(w.check(w.road))
		if err != nil {
			t.Fatal(err)
		}
		key := uuid.NewString()
		sum := sha256.Sum256(append([]byte("application/json\n"), raw...))
		_, dead, err := e.Server.Idempotency.Begin(t.Context(), w.users[auth.RoleInspector].ID, key,
			http.MethodPost, "/api/v1/checks", hex.EncodeToString(sum[:]))
		if err != nil || dead == nil {
			t.Fatalf("the killed request's claim: %v %v", dead, err)
		}
		post := func() apitest.Response {
			return e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks", Token: tok, Body: raw,
				Content: "application/json", Header: map[string]string{"Idempotency-Key": key}})
		}

		r := post()
		apitest.Expect(t, r, http.StatusConflict)
		if r.Header.Get("Retry-After") == "" {
			t.Error("409 idempotency_in_progress without Retry-After: the phone cannot tell when to retry")
		}
		time.Sleep(lease + 200*time.Millisecond)
		first := post()
		apitest.Expect(t, first, http.StatusCreated)
		again := post()
		apitest.Expect(t, again, http.StatusCreated)
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Errorf("the retry after the takeover is not replayed: %q\n%s\n%s", again.Header.Get("Idempotent-Replayed"), first.Body, again.Body)
		}
	})
}
