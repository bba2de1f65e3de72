package server_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
)

// TestPresignedOriginalExpires: on MinIO an original is handed out as a
// presigned URL only to a user who may see its check, and that URL stops
// working when it expires. (On local disk the server streams the bytes
// itself after checking the caller, so there is no URL to outlive.)
func TestPresignedOriginalExpires(t *testing.T) {
	apitest.EachBackend(t, func(c *config.Config) { c.Photos.SignedURLTTL = 2 * time.Second }, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, vol, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0021.jpg")), http.StatusCreated)

		apitest.Expect(t, e.Get("/api/v1/photos/"+photoID+"/original", w.otherVolunteerTok), http.StatusNotFound)
		r := e.Get("/api/v1/photos/"+photoID+"/original", vol)
		if e.Backend == "embedded" {
			apitest.Expect(t, r, http.StatusOK)
			return
		}
		apitest.Expect(t, r, http.StatusFound)
		url := r.Header.Get("Location")
		get := func() int {
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		if s := get(); s != http.StatusOK {
			t.Fatalf("fresh presigned URL: %d", s)
		}
		time.Sleep(3 * time.Second)
		if s := get(); s != http.StatusForbidden {
			t.Fatalf("expired presigned URL answered %d, want 403", s)
		}
	})
}
