package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

// TestUploadWhileObjectStoreIsDown puts a proxy between fieldproof and the
// real MinIO and makes it refuse connections (MinIO stopped) and then hang
// them (MinIO paused, network black hole). Either way an upload answers 503
// with Retry-After within the storage deadline, leaves no photo, and /readyz
// says so; once MinIO is back, the phone's retry with the same UUID makes
// exactly one photo, with no restart of fieldproof.
func TestUploadWhileObjectStoreIsDown(t *testing.T) {
	ep := testenv.S3Endpoint(t)
	proxy := testenv.NewProxy(t, ep.Endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	objs, err := s3store.New(ctx, s3store.Config{Endpoint: proxy.Addr(), AccessKey: ep.AccessKey, SecretKey: ep.SecretKey,
		Bucket: ep.Bucket, OpTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 2 * time.Second
	e := apitest.New(t, storetest.Postgres(t), objs, "postgres_minio", func(c *config.Config) {
		c.Photos.StorageDeadline = deadline
	})
	w := newCheckWorld(t, e)
	tok := w.tok[auth.RoleVolunteer]
	b := w.check(w.road)
	photoID := uuid.NewString()
	b["photo_ids"] = []string{photoID}
	apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
	checkID := b["id"].(string)
	data := readPhoto(t, "gps/DSCN0021.jpg")

	for _, f := range []struct {
		name  string
		fault testenv.Fault
	}{{"refused", testenv.Refuse}, {"hanging", testenv.Hang}} {
		t.Run(f.name, func(t *testing.T) {
			proxy.Set(f.fault)
			start := time.Now()
			r := uploadPhoto(t, e, tok, checkID, photoID, data)
			took := time.Since(start)
			apitest.Expect(t, r, http.StatusServiceUnavailable)
			if r.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			// The deadline plus a margin for the spooling and hashing done
			// before the object store is called.
			if took > deadline+time.Second {
				t.Errorf("answered after %v, deadline %v", took, deadline)
			}
			items := e.Get("/api/v1/checks/"+checkID+"/photos", tok).Map(t)["items"].([]any)
			if len(items) != 0 {
				t.Errorf("%d photos after a failed upload", len(items))
			}
			if st := e.Get("/api/v1/checks/"+checkID, tok).Map(t)["status"]; st != "incomplete" {
				t.Errorf("check status %v", st)
			}
			if r := e.Get("/readyz", ""); r.Status != http.StatusServiceUnavailable {
				t.Errorf("readyz %d while the object store is down", r.Status)
			}
		})
	}

	proxy.Set(testenv.Forward)
	apitest.Expect(t, uploadPhoto(t, e, tok, checkID, photoID, data), http.StatusCreated)
	apitest.Expect(t, uploadPhoto(t, e, tok, checkID, photoID, data), http.StatusOK)
	if items := e.Get("/api/v1/checks/"+checkID+"/photos", tok).Map(t)["items"].([]any); len(items) != 1 {
		t.Errorf("%d photos after the retry, want 1", len(items))
	}
	if st := e.Get("/api/v1/checks/"+checkID, tok).Map(t)["status"]; st != "complete" {
		t.Errorf("check status %v", st)
	}
	apitest.Expect(t, e.Get("/readyz", ""), http.StatusOK)
}
