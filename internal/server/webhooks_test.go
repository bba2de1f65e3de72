package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
)

// An admin deactivates a webhook: nothing queued for it is sent any more,
// no new event is queued for it, and it stays listed with its log.
func TestWebhookDeactivation(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newOrderWorld(t, e)
		admin := w.tok[auth.RoleAdmin]
		var calls atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			rw.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		hook := e.Post("/api/v1/webhooks", admin, map[string]any{"url": srv.URL, "secret": "0123456789abcdef-secret",
			"events": []string{"order.issued"}})
		apitest.Expect(t, hook, http.StatusCreated)
		hid := hook.Map(t)["id"].(string)

		// An order is issued while the endpoint is active: its delivery is
		// queued (no worker runs yet). Then the endpoint is deactivated.
		apitest.Expect(t, e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road)), http.StatusCreated)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/webhooks/" + hid, Token: w.tok[auth.RoleOffice]}), http.StatusForbidden)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/webhooks/" + uuid.NewString(), Token: admin}), http.StatusNotFound)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/webhooks/" + hid, Token: admin}), http.StatusNoContent)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/webhooks/" + hid, Token: admin}), http.StatusNoContent)
		// A later event queues nothing for it.
		apitest.Expect(t, e.Post("/api/v1/orders", w.tok[auth.RoleOffice], directOrder(w.road)), http.StatusCreated)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		worker := &jobs.Worker{Store: jobsdb.New(e.DB), Name: "test-webhooks", Handlers: orderService(e, srv.Client()).Handlers(),
			Poll: 10 * time.Millisecond, BackoffBase: 20 * time.Millisecond, BackoffMax: 50 * time.Millisecond}
		done := make(chan struct{})
		go func() { _ = worker.Run(ctx); close(done) }()
		var ds []any
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			r := e.Get("/api/v1/webhooks/"+hid+"/deliveries", admin)
			apitest.Expect(t, r, http.StatusOK)
			if ds = r.Map(t)["items"].([]any); len(ds) == 1 && ds[0].(map[string]any)["status"] != "pending" {
				break
			}
		}
		cancel()
		<-done
		if len(ds) != 1 || ds[0].(map[string]any)["status"] != "failed" {
			t.Fatalf("deliveries after deactivation %v, want the queued one failed", ds)
		}
		if n := calls.Load(); n != 0 {
			t.Errorf("the deactivated endpoint was called %d times", n)
		}
		list := e.Get("/api/v1/webhooks", admin).Map(t)["items"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["active"] != false {
			t.Errorf("webhooks %v, want the one, inactive", list)
		}
	})
}
