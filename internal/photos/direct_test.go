package photos_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

var testSecret = []byte("photos-test-secret-0123456789abcdef")

// direct turns on direct upload for e and serves fieldproof's own upload
// target (the real handler) for backends that cannot presign.
func direct(t *testing.T, e *env) *directEnv {
	t.Helper()
	if err := e.withDirect(photos.DirectDeps{Uploads: photosdb.NewUploads(e.db), Secret: testSecret}); err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	photoapi.RegisterUploadTarget(r.Group("/api/v1"), e.svc)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &directEnv{env: e, uploads: photosdb.NewUploads(e.db), target: srv.URL + "/api/v1/uploads/"}
}

type directEnv struct {
	*env
	uploads *photosdb.Uploads
	target  string
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (e *directEnv) create(t *testing.T, parent, photoID string, data []byte) (photos.Ticket, *photos.Photo, error) {
	t.Helper()
	return e.svc.CreateUpload(t.Context(), alice, photos.UploadRequest{ParentID: parent, PhotoID: photoID,
		SizeBytes: int64(len(data)), SHA256: sum(data)})
}

// url is where the client sends the bytes: the presigned URL, or the
// upload target with the token.
func (e *directEnv) url(tk photos.Ticket) string {
	if tk.URL != "" {
		return tk.URL
	}
	return e.target + tk.Token
}

// put sends body with a plain net/http PUT, as a phone would, and returns
// the status.
func (e *directEnv) put(t *testing.T, tk photos.Ticket, body []byte) int {
	t.Helper()
	return putURL(t, e.url(tk), tk.Headers, body)
}

func putURL(t *testing.T, url string, headers map[string]string, body []byte) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func (e *directEnv) complete(t *testing.T, parent string, tk photos.Ticket) (photos.Photo, bool, error) {
	t.Helper()
	return e.svc.CompleteUpload(t.Context(), alice, parent, tk.Upload.ID)
}

func (e *directEnv) staged(t *testing.T, tk photos.Ticket) bool {
	t.Helper()
	_, err := e.objects.Stat(t.Context(), tk.Upload.StagingKey)
	if err != nil && !errors.Is(err, storage.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

func (e *directEnv) sessionExists(t *testing.T, tk photos.Ticket) bool {
	t.Helper()
	_, err := e.uploads.GetUpload(t.Context(), tk.Upload.ID)
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestDirectUpload(t *testing.T) {
	eachBackend(t, func(t *testing.T, be *env) {
		e := direct(t, be)
		data := read(t, "gps/DSCN0010.jpg")
		id := uuid.NewString()
		lat, lon := 43.4674, 11.8851
		taken := time.Date(2008, 10, 22, 16, 30, 0, 0, time.FixedZone("CEST", 2*3600))
		tk, stored, err := e.svc.CreateUpload(t.Context(), alice, photos.UploadRequest{ParentID: "check-1", PhotoID: id,
			SizeBytes: int64(len(data)), SHA256: strings.ToUpper(sum(data)), ContentType: "image/jpeg",
			PhoneLat: &lat, PhoneLon: &lon, PhoneTime: &taken})
		if err != nil || stored != nil {
			t.Fatalf("create: %v, stored %v", err, stored)
		}
		if tk.Method != http.MethodPut || tk.Headers["Content-Type"] != "image/jpeg" {
			t.Errorf("ticket %+v", tk)
		}
		if s3 := be.objects.Name() == "s3"; s3 != (tk.URL != "") || s3 == (tk.Token != "") {
			t.Errorf("%s backend: url %q token %q", be.objects.Name(), tk.URL, tk.Token)
		}
		if d := tk.Upload.ExpiresAt.Sub(e.clock.Now()); d <= 0 || d > e.cfg.SignedURLTTL {
			t.Errorf("expires in %v, want within the signed-URL TTL", d)
		}
		// Asking again before the PUT returns the same session.
		again, _, err := e.svc.CreateUpload(t.Context(), alice, photos.UploadRequest{ParentID: "check-1", PhotoID: id,
			SizeBytes: int64(len(data)), SHA256: sum(data), ContentType: "image/jpeg", PhoneLat: &lat, PhoneLon: &lon, PhoneTime: &taken})
		if err != nil || again.Upload.ID != tk.Upload.ID {
			t.Fatalf("repeated create: %v, upload %s want %s", err, again.Upload.ID, tk.Upload.ID)
		}

		if code := e.put(t, tk, data); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("a photo exists before completion: %v", err)
		}
		// The sweeper leaves a live session's staged object alone, even
		// with no grace period at all.
		if _, err := e.svc.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !e.staged(t, tk) {
			t.Fatal("sweeper removed the staged object of a live upload")
		}

		// Concurrent completions: one photo, one created.
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for range 5 {
			wg.Go(func() {
				ph, c, err := e.complete(t, "check-1", tk)
				if err != nil || ph.ID != id {
					t.Errorf("complete: %v (photo %q)", err, ph.ID)
				}
				mu.Lock()
				if c {
					created++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		if created != 1 {
			t.Errorf("%d completions created the photo, want 1", created)
		}
		ph, c, err := e.complete(t, "check-1", tk)
		if err != nil || c || ph.ID != id {
			t.Fatalf("completing again: %v created %v", err, c)
		}
		if ph.SHA256 != sum(data) || ph.SizeBytes != int64(len(data)) || ph.ContentType != "image/jpeg" ||
			ph.UploadedBy != "alice" || ph.ParentID != "check-1" || ph.Width == 0 || ph.EXIF.Lat == nil {
			t.Errorf("photo %+v", ph)
		}
		if ph.PhoneLat == nil || *ph.PhoneLat != lat || ph.PhoneTime == nil || !ph.PhoneTime.Equal(taken) {
			t.Errorf("phone fix %v %v", ph.PhoneLat, ph.PhoneTime)
		}
		if strings.HasPrefix(ph.ObjectKey, storage.KindStaging+"/") || !strings.HasPrefix(ph.ObjectKey, storage.KindOriginals+"/") {
			t.Errorf("photo key %q is not a server-made originals key", ph.ObjectKey)
		}
		if e.staged(t, tk) {
			t.Error("staged object kept after completion")
		}
		c2, err := e.svc.Open(t.Context(), alice, id, photos.Original)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fetch(t, c2), data) {
			t.Error("original differs from the uploaded bytes")
		}
		// Declaring the stored photo again answers it: nothing to upload.
		if _, prev, err := e.create(t, "check-1", id, data); err != nil || prev == nil || prev.ID != id {
			t.Errorf("create for a stored photo: %v %v", prev, err)
		}
		if _, _, err := e.create(t, "check-1", id, read(t, "gps/DSCN0021.jpg")); kindOf(err) != errs.KindConflict {
			t.Errorf("create for a stored photo with other bytes: %v, want 409", err)
		}
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Errorf("sweep after completion removed %d: %v", n, err)
		}
		if n := countOriginals(t, e.objects); n != 1 {
			t.Errorf("%d originals, want 1", n)
		}
		// Only alice opened the session; to bob (who may not attach to
		// check-1) and on another check it does not exist.
		bob := alice
		bob.UserID = "bob"
		if _, _, err := e.svc.CompleteUpload(t.Context(), bob, "check-1", tk.Upload.ID); kindOf(err) != errs.KindNotFound {
			t.Errorf("bob completes alice's upload: %v", err)
		}
		if _, _, err := e.svc.CompleteUpload(t.Context(), alice, "check-2", tk.Upload.ID); kindOf(err) != errs.KindNotFound {
			t.Errorf("completing on another check: %v", err)
		}
	})
}

func TestDirectUploadCreateRules(t *testing.T) {
	eachBackend(t, func(t *testing.T, be *env) {
		e := direct(t, be)
		data := read(t, "gps/DSCN0010.jpg")
		req := func(mod func(*photos.UploadRequest)) photos.UploadRequest {
			r := photos.UploadRequest{ParentID: "check-1", PhotoID: uuid.NewString(), SizeBytes: int64(len(data)), SHA256: sum(data)}
			mod(&r)
			return r
		}
		cases := []struct {
			name string
			req  photos.UploadRequest
			kind errs.Kind
		}{
			{"over the size limit", req(func(r *photos.UploadRequest) { r.SizeBytes = e.cfg.MaxUploadBytes + 1 }), errs.KindTooLarge},
			{"no size", req(func(r *photos.UploadRequest) { r.SizeBytes = 0 }), errs.KindInvalid},
			{"bad sha256", req(func(r *photos.UploadRequest) { r.SHA256 = "abc" }), errs.KindInvalid},
			{"bad photo id", req(func(r *photos.UploadRequest) { r.PhotoID = "x" }), errs.KindInvalid},
			{"unsupported type", req(func(r *photos.UploadRequest) { r.ContentType = "text/html" }), errs.KindUnsupportedMedia},
			{"someone else's check", req(func(r *photos.UploadRequest) { r.ParentID = "check-bob" }), errs.KindNotFound},
		}
		for _, c := range cases {
			_, _, err := e.svc.CreateUpload(t.Context(), alice, c.req)
			if kindOf(err) != c.kind {
				t.Errorf("%s: %v, want kind %v", c.name, err, c.kind)
				continue
			}
			if _, ok, err := e.uploads.LiveUpload(t.Context(), c.req.PhotoID, e.clock.Now()); ok || err != nil {
				t.Errorf("%s: a session was issued (%v)", c.name, err)
			}
		}
		// One photo_id, two different declarations while the first is live.
		id := uuid.NewString()
		if _, _, err := e.create(t, "check-1", id, data); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.create(t, "check-1", id, read(t, "gps/DSCN0021.jpg")); kindOf(err) != errs.KindConflict {
			t.Errorf("second declaration of a live photo_id: %v, want 409", err)
		}
	})
}

// TestDirectUploadRejected: whatever fails verification at completion is
// removed (staged object and session), no photo exists, and the answer
// says why. On the local backend fieldproof's own PUT already refuses bytes
// of the wrong size or hash, so those are staged behind its back, as a
// presigned PUT to MinIO would have accepted them, to prove completion
// checks them on its own.
func TestDirectUploadRejected(t *testing.T) {
	eachBackend(t, func(t *testing.T, be *env) {
		e := direct(t, be)
		jpeg := read(t, "gps/DSCN0010.jpg")
		html := []byte("<!DOCTYPE html><html><body>not a photo</body></html>")
		corrupt := read(t, "invalid/corrupted.jpg")
		cases := []struct {
			name     string
			declared []byte // what the client declares
			ctype    string
			sent     []byte // what it PUTs
			kind     errs.Kind
			code     string
		}{
			{"wrong sha256", jpeg, "", append(append([]byte{}, jpeg[:len(jpeg)-1]...), jpeg[len(jpeg)-1]^1), errs.KindUnprocessable, "sha256_mismatch"},
			{"wrong size", jpeg, "", append(append([]byte{}, jpeg...), 0), errs.KindUnprocessable, "size_mismatch"},
			{"not an image", html, "", html, errs.KindUnsupportedMedia, "unsupported_media_type"},
			{"corrupt image", corrupt, "", corrupt, errs.KindUnprocessable, "corrupt_image"},
			{"dimensions", crafted64250(), "", crafted64250(), errs.KindUnprocessable, "image_too_large"},
			{"declared png", jpeg, "image/png", jpeg, errs.KindUnprocessable, "content_type_mismatch"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				id := uuid.NewString()
				tk, _, err := e.svc.CreateUpload(t.Context(), alice, photos.UploadRequest{ParentID: "check-1", PhotoID: id,
					SizeBytes: int64(len(c.declared)), SHA256: sum(c.declared), ContentType: c.ctype})
				if err != nil {
					t.Fatal(err)
				}
				code := e.put(t, tk, c.sent)
				switch {
				case code == http.StatusOK:
				case tk.Token != "" && (code == http.StatusUnprocessableEntity || code == http.StatusRequestEntityTooLarge):
					if e.staged(t, tk) {
						t.Fatalf("refused PUT (%d) left a staged object", code)
					}
					if _, err := e.objects.Put(t.Context(), tk.Upload.StagingKey, bytes.NewReader(c.sent), int64(len(c.sent)),
						storage.PutOptions{}); err != nil {
						t.Fatal(err)
					}
				default:
					t.Fatalf("PUT: %d", code)
				}
				_, _, err = e.complete(t, "check-1", tk)
				pe, ok := errs.As(err)
				if !ok || pe.Kind != c.kind || pe.Code != c.code {
					t.Fatalf("complete: %v, want %v/%s", err, c.kind, c.code)
				}
				if e.staged(t, tk) {
					t.Error("staged object kept after a failed completion")
				}
				if e.sessionExists(t, tk) {
					t.Error("session kept after a failed completion")
				}
				if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
					t.Errorf("a photo exists: %v", err)
				}
				if n := countOriginals(t, e.objects); n != 0 {
					t.Errorf("%d originals kept", n)
				}
				if _, _, err := e.complete(t, "check-1", tk); kindOf(err) != errs.KindNotFound {
					t.Errorf("completing a discarded upload: %v, want 404", err)
				}
			})
		}
		t.Run("nothing uploaded", func(t *testing.T) {
			tk, _, err := e.create(t, "check-1", uuid.NewString(), jpeg)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.complete(t, "check-1", tk); kindOf(err) != errs.KindUnprocessable {
				t.Fatalf("complete before PUT: %v, want 422", err)
			}
		})
	})
}

// TestUploadTargetToken: fieldproof's own upload URL (local disk) is
// refused when expired, tampered with, signed with another key, or sent
// with a body of another length.
func TestUploadTargetToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, be *env) {
		if be.objects.Name() != "local" {
			t.Skip("the object store presigns; fieldproof's own URL is not issued")
		}
		e := direct(t, be)
		data := read(t, "gps/DSCN0010.jpg")
		tk, _, err := e.create(t, "check-1", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(tk.Token, ".")
		if len(parts) != 3 {
			t.Fatalf("token %q", tk.Token)
		}
		id, exp, mac := parts[0], parts[1], parts[2]
		flip := func(s string) string {
			b := []byte(s)
			b[len(b)/2] ^= 1
			if b[len(b)/2] == '.' {
				b[len(b)/2] = 'A'
			}
			return string(b)
		}
		other := uuid.NewString()
		for name, tok := range map[string]string{
			"mac altered":     id + "." + exp + "." + flip(mac),
			"expiry extended": id + "." + exp + "9" + "." + mac,
			"other upload id": other + "." + exp + "." + mac,
			"no mac":          id + "." + exp,
			"garbage":         "abc",
		} {
			if code := putURL(t, e.target+tok, nil, data); code != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, code)
			}
		}
		// The same session signed with another secret.
		elsewhere := newEnv(t, e.db, e.objects, nil)
		if err := elsewhere.withDirect(photos.DirectDeps{Uploads: e.uploads, Secret: []byte("another-secret-0123456789abcdefghij")}); err != nil {
			t.Fatal(err)
		}
		if err := elsewhere.svc.PutStaged(t.Context(), tk.Token, bytes.NewReader(data), int64(len(data))); kindOf(err) != errs.KindForbidden {
			t.Errorf("token of another key: %v, want 403", err)
		}
		// Content-Length must be the declared size.
		if err := e.svc.PutStaged(t.Context(), tk.Token, bytes.NewReader(data), -1); kindOf(err) != errs.KindInvalid {
			t.Errorf("unknown length: %v, want 400", err)
		}
		if code := putURL(t, e.url(tk), nil, data[:len(data)-1]); code != http.StatusBadRequest {
			t.Errorf("short body: %d, want 400", code)
		}
		if code := putURL(t, e.url(tk), nil, append(append([]byte{}, data...), 1)); code != http.StatusRequestEntityTooLarge {
			t.Errorf("long body: %d, want 413", code)
		}
		if e.staged(t, tk) {
			t.Error("a refused PUT left a staged object")
		}
		// A body that claims the right length and then stops short.
		err = e.svc.PutStaged(t.Context(), tk.Token, io.LimitReader(bytes.NewReader(data), 100), int64(len(data)))
		if kindOf(err) != errs.KindInvalid || e.staged(t, tk) {
			t.Errorf("truncated body: %v, staged %v", err, e.staged(t, tk))
		}
		// Expired: the clock passes the URL's expiry.
		e.clock.Add(e.cfg.SignedURLTTL + time.Second)
		err = e.svc.PutStaged(t.Context(), tk.Token, bytes.NewReader(data), int64(len(data)))
		if pe, ok := errs.As(err); !ok || pe.Kind != errs.KindForbidden || pe.Code != "upload_url_expired" {
			t.Errorf("expired URL: %v", err)
		}
		if code := putURL(t, e.url(tk), nil, data); code != http.StatusForbidden {
			t.Errorf("expired URL over HTTP: %d, want 403", code)
		}
		if e.staged(t, tk) {
			t.Error("an expired URL stored bytes")
		}
	})
}

// TestDirectUploadExpiry: completion and the sweeper judge a session by
// the same rule (its URL's expiry plus the orphan grace), so the sweeper
// never removes what completion would still accept, and what it removes
// cannot be completed.
func TestDirectUploadExpiry(t *testing.T) {
	const grace = time.Hour
	eachBackendWith(t, func(d *photos.Deps) { d.Config.OrphanGrace = grace }, func(t *testing.T, be *env) {
		e := direct(t, be)
		data := read(t, "gps/DSCN0010.jpg")
		late, _, err := e.create(t, "check-1", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		abandoned, _, err := e.create(t, "check-2", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range []photos.Ticket{late, abandoned} {
			if code := e.put(t, tk, data); code != http.StatusOK {
				t.Fatalf("PUT: %d", code)
			}
		}
		// A staged object with no session at all, e.g. a PUT that landed
		// after its session was discarded.
		stray := storage.Key(storage.KindStaging, uuid.NewString())
		if _, err := e.objects.Put(t.Context(), stray, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}

		// Past the URL's expiry but within the grace: nothing is swept
		// (the stray is younger than the grace too) and completion works.
		e.clock.Add(e.cfg.SignedURLTTL + grace/2)
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("sweep within the grace removed %d: %v", n, err)
		}
		if _, created, err := e.complete(t, "check-1", late); err != nil || !created {
			t.Fatalf("late completion within the grace: %v", err)
		}
		// A new declaration of the abandoned photo is a new session: the
		// expired one is not handed out again.
		again, _, err := e.create(t, "check-2", abandoned.Upload.PhotoID, data)
		if err != nil || again.Upload.ID == abandoned.Upload.ID {
			t.Fatalf("re-declare after expiry: %v (same session %v)", err, again.Upload.ID == abandoned.Upload.ID)
		}

		// Past expiry plus grace: the abandoned session and its object go,
		// and so does the stray; the completed photo stays.
		e.clock.Add(grace)
		n, err := e.svc.Sweep(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("sweep after the grace removed %d, want 2: %v", n, err)
		}
		if e.staged(t, abandoned) || e.sessionExists(t, abandoned) {
			t.Error("expired session or its object survived the sweep")
		}
		if _, err := e.objects.Stat(t.Context(), stray); !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("stray staged object: %v", err)
		}
		if !e.sessionExists(t, again) {
			t.Error("the sweeper removed a live session")
		}
		if _, _, err := e.complete(t, "check-2", abandoned); kindOf(err) != errs.KindNotFound {
			t.Errorf("completing a swept upload: %v, want 404", err)
		}
		if n := countOriginals(t, e.objects); n != 1 {
			t.Errorf("%d originals, want the completed one", n)
		}
	})
}

// TestDirectUploadRetention: on a bucket with object locking, a committed
// original is under retention, while an original whose row never committed
// and the staged upload (never retained) can still be removed.
func TestDirectUploadRetention(t *testing.T) {
	eachBackendWith(t, func(d *photos.Deps) { d.RetentionDays = 1 }, func(t *testing.T, be *env) {
		s3, ok := be.objects.(*s3store.Store)
		if !ok {
			t.Skip("local disk has no object locking")
		}
		if !s3.Locking() {
			t.Fatal("test bucket without object locking")
		}
		e := direct(t, be)
		data := read(t, "gps/DSCN0010.jpg")
		tk, _, err := e.create(t, "check-1", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		if code := e.put(t, tk, data); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}

		// The database fails at commit: 503, the upload stays completable,
		// and the original just written is an unretained orphan.
		// Its upload intent lapses at once, so the sweep below may take the
		// orphan without moving the clock past the session's life.
		broken := newEnv(t, e.db, e.objects, func(d *photos.Deps) {
			d.Store, d.RetentionDays, d.Now = failingInsert{d.Store}, 1, e.clock.Now
			d.Config.IntentTTL = time.Nanosecond
		})
		if err := broken.withDirect(photos.DirectDeps{Uploads: e.uploads, Secret: testSecret}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := broken.svc.CompleteUpload(t.Context(), alice, "check-1", tk.Upload.ID); kindOf(err) != errs.KindUnavailable {
			t.Fatalf("complete with the database down: %v, want 503", err)
		}
		if !e.staged(t, tk) || !e.sessionExists(t, tk) {
			t.Fatal("a failed commit discarded the upload")
		}
		if n := countOriginals(t, e.objects); n != 1 {
			t.Fatalf("%d originals after the failed commit, want the orphan", n)
		}
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 1 {
			t.Fatalf("sweeping the orphan: removed %d, %v", n, err)
		}

		ph, created, err := e.complete(t, "check-1", tk)
		if err != nil || !created {
			t.Fatalf("complete: %v", err)
		}
		e.retainAll(t, ph.ID)
		if err := e.objects.Delete(t.Context(), ph.ObjectKey); !errors.Is(err, s3store.ErrRetained) {
			t.Errorf("delete of a committed original: %v, want ErrRetained", err)
		}
		if _, err := e.objects.Stat(t.Context(), ph.ObjectKey); err != nil {
			t.Errorf("committed original: %v", err)
		}
		if e.staged(t, tk) {
			t.Error("staged object kept (or locked) after completion")
		}
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Errorf("sweep with only the committed original: removed %d, %v", n, err)
		}
	})
}

// TestMultipartRetention: the multipart path retains committed originals
// the same way.
func TestMultipartRetention(t *testing.T) {
	eachBackendWith(t, func(d *photos.Deps) { d.RetentionDays = 1 }, func(t *testing.T, e *env) {
		if _, ok := e.objects.(*s3store.Store); !ok {
			t.Skip("local disk has no object locking")
		}
		ph, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, "gps/DSCN0021.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		e.retainAll(t, ph.ID)
		if err := e.objects.Delete(context.Background(), ph.ObjectKey); !errors.Is(err, s3store.ErrRetained) {
			t.Errorf("delete of a committed original: %v, want ErrRetained", err)
		}
	})
}
