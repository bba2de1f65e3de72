package photos_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// streamed uploads b with its size declared, as a raw PUT does.
func (e *env) streamed(t *testing.T, parent, id string, b []byte) (photos.Photo, bool, error) {
	t.Helper()
	return e.svc.Upload(t.Context(), alice, photos.UploadInput{ParentID: parent, PhotoID: id, Size: int64(len(b)),
		Body: bytes.NewReader(b)})
}

func TestStreamedUploadStoresExactBytes(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		for _, name := range []string{"gps/DSCN0010.jpg", "mobile/HMD_Nokia_8.3_5G.jpg", "heic/iphone_13_pro_max.HEIC"} {
			data := read(t, name)
			t.Run(name, func(t *testing.T) {
				id := uuid.NewString()
				ph, created, err := e.streamed(t, "check-1", id, data)
				if err != nil || !created {
					t.Fatalf("upload: %v (created %v)", err, created)
				}
				sum := sha256.Sum256(data)
				if ph.SHA256 != hex.EncodeToString(sum[:]) || ph.SizeBytes != int64(len(data)) || ph.Width == 0 {
					t.Errorf("row sha %s size %d %dx%d, want %x %d", ph.SHA256, ph.SizeBytes, ph.Width, ph.Height, sum, len(data))
				}
				rc, info, err := e.objects.Get(t.Context(), ph.ObjectKey)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("stored bytes differ (%d vs %d): %v", len(got), len(data), err)
				}
				if info.SHA256 != ph.SHA256 {
					t.Errorf("store records sha %q, row %s", info.SHA256, ph.SHA256)
				}
			})
		}
	})
}

// failingBody delivers part of a photo, then fails as a dropped phone
// connection does.
type failingBody struct {
	data []byte
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func TestStreamedRejectionsLeaveNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		good := read(t, "gps/DSCN0010.jpg")
		corrupt := read(t, "invalid/corrupted.jpg")
		cases := []struct {
			name string
			size int64
			body io.Reader
			kind errs.Kind
			code string
		}{
			{"html", 60, bytes.NewReader([]byte("<!DOCTYPE html><html><body>not a photo at all</body></html>")),
				errs.KindUnsupportedMedia, "unsupported_media_type"},
			{"declared too large", e.cfg.MaxUploadBytes + 1, bytes.NewReader(good), errs.KindTooLarge, "file_too_large"},
			{"corrupt", int64(len(corrupt)), bytes.NewReader(corrupt), errs.KindUnprocessable, "corrupt_image"},
			{"dimensions", int64(len(crafted64250())), bytes.NewReader(crafted64250()), errs.KindUnprocessable, "image_too_large"},
			{"longer than declared", int64(len(good)) - 100, bytes.NewReader(good), errs.KindUnprocessable, "size_mismatch"},
			{"shorter than declared", int64(len(good)) + 100, bytes.NewReader(good), errs.KindUnprocessable, "size_mismatch"},
			{"disconnect mid-body", int64(len(good)), &failingBody{data: good[:len(good)/2], err: syscall.ECONNRESET},
				errs.KindInvalid, "upload_interrupted"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				id := uuid.NewString()
				_, _, err := e.svc.Upload(t.Context(), alice, photos.UploadInput{ParentID: "check-1", PhotoID: id,
					Size: c.size, Body: c.body})
				if pe, ok := errs.As(err); !ok || pe.Kind != c.kind || pe.Code != c.code {
					t.Fatalf("err %v, want %v/%s", err, c.kind, c.code)
				}
				if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
					t.Errorf("a row exists after rejection: %v", err)
				}
				// A failed put may be removed on the side; the sweeper has
				// whatever is left.
				if n := e.originalsAfterSweep(t); n != 0 {
					t.Errorf("%d objects kept after rejection and sweep", n)
				}
			})
		}
	})
}

func TestStreamedReplaysAndRaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data, other := read(t, "gps/DSCN0021.jpg"), read(t, "gps/DSCN0029.jpg")
		id := uuid.NewString()
		first, created, err := e.streamed(t, "check-1", id, data)
		if err != nil || !created {
			t.Fatalf("first: %v", err)
		}
		// A replay by either route answers the stored photo.
		again, created, err := e.streamed(t, "check-1", id, data)
		if err != nil || created || again.ObjectKey != first.ObjectKey {
			t.Fatalf("streamed replay: created %v err %v", created, err)
		}
		if _, created, err := e.upload(t, "check-1", id, data); err != nil || created {
			t.Fatalf("multipart replay of a streamed photo: created %v err %v", created, err)
		}
		if _, _, err := e.streamed(t, "check-1", id, other); kindOf(err) != errs.KindConflict {
			t.Fatalf("same id, other bytes: %v, want conflict", err)
		}
		id2 := uuid.NewString()
		var wg sync.WaitGroup
		var mu sync.Mutex
		createdN := 0
		for i := range 8 {
			wg.Go(func() {
				up := e.streamed
				if i%2 == 1 {
					up = e.upload
				}
				_, c, err := up(t, "check-2", id2, other)
				if err != nil {
					t.Errorf("concurrent retry: %v", err)
				}
				mu.Lock()
				if c {
					createdN++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		if createdN != 1 {
			t.Errorf("%d retries reported created, want 1", createdN)
		}
		if n := e.originalsAfterSweep(t); n != 2 {
			t.Errorf("%d originals after sweep, want 2", n)
		}
	})
}

// With no memory to spare, a sized upload falls back to the spool path and
// an unsized one spills to disk; both store the same photo and leave no
// temp file behind.
func TestUploadBeyondMemoryBudgetSpools(t *testing.T) {
	tmp := t.TempDir()
	eachBackendWith(t, func(d *photos.Deps) { d.Config.UploadMemory = 64 << 10; d.TempDir = tmp }, func(t *testing.T, e *env) {
		data := read(t, "gps/DSCN0010.jpg")
		if int64(len(data)) <= 64<<10 {
			t.Fatalf("sample of %d bytes fits the budget", len(data))
		}
		for _, up := range []func(*testing.T, string, string, []byte) (photos.Photo, bool, error){e.streamed, e.upload} {
			id := uuid.NewString()
			ph, created, err := up(t, "check-1", id, data)
			sum := sha256.Sum256(data)
			if err != nil || !created || ph.SHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("upload: %v (created %v, sha %s)", err, created, ph.SHA256)
			}
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("temp files left: %v", left)
		}
	})
}
