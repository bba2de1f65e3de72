package photoapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// parents lets "alice" use check-1 and nobody else anything.
type parents struct{}

func (parents) lookup(p auth.Principal, id string) (photos.Parent, error) {
	if p.UserID != "alice" || id != "check-1" {
		return photos.Parent{}, errs.NotFound("check")
	}
	return photos.Parent{Kind: "check", ID: id, ProjectID: "proj-1"}, nil
}

func (f parents) ForUpload(_ context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return f.lookup(p, id)
}

func (f parents) ForView(_ context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return f.lookup(p, id)
}

// router mounts the handlers behind a stand-in for RequireAuth that takes
// the user from a header. The full router (auth, OpenAPI validation) is
// exercised once the checks service provides Parents and the routes mount.
func router(t testing.TB) *gin.Engine {
	gin.SetMode(gin.TestMode)
	db := storetest.SQLite(t)
	objs, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.PhotoConfig{MaxUploadBytes: 1 << 20, MaxPixels: 64_000_000, MaxSide: 16384, GPSMismatchM: 200,
		TimeMismatch: time.Hour, PHashDistance: 6, StorageDeadline: 5 * time.Second, SignedURLTTL: time.Minute,
		UploadMemory: 8 << 20}
	svc, err := photos.New(photos.Deps{Store: photosdb.NewPhotos(db), Jobs: jobsdb.New(db), Objects: objs,
		Parents: parents{}, Config: cfg, Log: storetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	g := r.Group("/api/v1", func(c *gin.Context) {
		p := auth.Principal{UserID: c.GetHeader("X-Test-User"), Role: auth.RoleInspector}
		c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
	})
	photoapi.Register(g, svc, photoapi.Options{MaxUploadBytes: cfg.MaxUploadBytes})
	return r
}

func multipartBody(t *testing.T, id string, file []byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("photo_id", id)
	_ = w.WriteField("lat", "43.4674")
	_ = w.WriteField("lon", "11.8851")
	_ = w.WriteField("taken_at", "2008-10-22T16:30:00+02:00")
	fw, _ := w.CreateFormFile("file", "whatever.jpg")
	_, _ = fw.Write(file)
	_ = w.Close()
	return &b, w.FormDataContentType()
}

func do(r http.Handler, method, path, user string, body *bytes.Buffer, ctype string) *httptest.ResponseRecorder {
	if body == nil {
		body = &bytes.Buffer{}
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("X-Test-User", user)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func TestUploadAndRead(t *testing.T) {
	r := router(t)
	data, err := os.ReadFile("../../../testdata/photos/gps/DSCN0010.jpg")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	body, ct := multipartBody(t, id, data)
	raw := body.Bytes()
	if rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", bytes.NewBuffer(raw), ct); rec.Code != http.StatusCreated {
		t.Fatalf("upload201: %d %s", rec.Code, rec.Body)
	}
	rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", bytes.NewBuffer(raw), ct)
	if rec.Code != http.StatusOK {
		t.Fatalf("replay200: %d %s", rec.Code, rec.Body)
	}
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if got["id"] != id || got["rendition_status"] != "pending" || got["phone"].(map[string]any)["lat"] != 43.4674 {
		t.Errorf("body %v", got)
	}
	if _, ok := got["object_key"]; ok {
		t.Error("object key leaked")
	}

	html, hct := multipartBody(t, uuid.NewString(), []byte("<html><body>hi</body></html>"))
	if rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", html, hct); rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("html415: %d", rec.Code)
	}
	big, bct := multipartBody(t, uuid.NewString(), append(append([]byte{}, data...), make([]byte, 3<<20)...))
	if rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", big, bct); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("big413: %d", rec.Code)
	}

	rec = do(r, "GET", "/api/v1/photos/"+id+"/original", "alice", nil, "")
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), data) || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("original200: %d, %d bytes, nosniff %q", rec.Code, rec.Body.Len(), rec.Header().Get("X-Content-Type-Options"))
	}
	for _, path := range []string{"/api/v1/photos/" + id, "/api/v1/photos/" + id + "/original"} {
		if rec := do(r, "GET", path, "bob", nil, ""); rec.Code != http.StatusNotFound {
			t.Errorf("%s as bob: %d, want 404", path, rec.Code)
		}
	}
	rec = do(r, "GET", "/api/v1/checks/check-1/photos", "alice", nil, "")
	if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(id)) {
		t.Errorf("list200: %d %s", rec.Code, rec.Body)
	}
}
