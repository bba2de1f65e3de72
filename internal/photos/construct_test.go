package photos_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
)

// The service is whole when New returns: the parent routes and direct
// upload come in Deps, so no wiring step can be forgotten or run late.
func TestNewTakesRoutesAndDirectUpload(t *testing.T) {
	responses := &fakeParents{parents: map[string]photos.Parent{}, owner: map[string]string{}}
	responses.add(photos.Parent{Kind: "order_response", ID: "resp-1", ProjectID: "proj-1"}, "carol")
	owns := func(_ context.Context, id string) (bool, error) { return id == "resp-1", nil }
	carol := auth.Principal{UserID: "carol", Role: auth.RoleContractor}

	eachBackendWith(t, func(d *photos.Deps) {
		d.Routes = []photos.Route{{Owns: owns, Parents: responses}}
	}, func(t *testing.T, e *env) {
		// resp-1 is answered by the route, check-1 by the checks' Parents.
		if _, err := e.svc.List(t.Context(), carol, "resp-1"); err != nil {
			t.Errorf("routed parent: %v", err)
		}
		if _, err := e.svc.List(t.Context(), alice, "resp-1"); kindOf(err) != errs.KindNotFound {
			t.Errorf("routed parent, not its author: %v, want 404", err)
		}
		if _, err := e.svc.List(t.Context(), alice, "check-1"); err != nil {
			t.Errorf("unrouted parent: %v", err)
		}
		if _, err := e.svc.List(t.Context(), carol, "check-1"); kindOf(err) != errs.KindNotFound {
			t.Errorf("unrouted parent, not its author: %v, want 404", err)
		}

		req := photos.UploadRequest{ParentID: "check-1", PhotoID: "0193a0b4-7c1e-7000-8000-000000000001",
			SizeBytes: 10, SHA256: strings.Repeat("ab", 32)}
		// Without Direct, direct upload answers 503; with it, it works.
		if _, _, err := e.svc.CreateUpload(t.Context(), alice, req); kindOf(err) != errs.KindUnavailable {
			t.Errorf("direct upload off: %v, want 503", err)
		}
		if err := e.withDirect(photos.DirectDeps{Uploads: photosdb.NewUploads(e.db), Secret: []byte("short")}); err == nil {
			t.Error("New accepted a direct-upload secret under 32 bytes")
		}
		if err := e.withDirect(photos.DirectDeps{Secret: testSecret}); err == nil {
			t.Error("New accepted direct upload without an upload store")
		}
		if err := e.withDirect(photos.DirectDeps{Uploads: photosdb.NewUploads(e.db), Secret: testSecret}); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.svc.CreateUpload(t.Context(), alice, req)
		if kindOf(err) == errs.KindUnavailable {
			t.Errorf("direct upload on: %v", err)
		}
	})
}
