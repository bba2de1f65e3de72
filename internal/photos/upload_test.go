package photos_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/storage"
)

func TestUploadEXIFMatchesManifest(t *testing.T) {
	manifest := string(read(t, "MANIFEST.tsv"))
	eachBackend(t, func(t *testing.T, e *env) {
		for _, line := range strings.Split(strings.TrimSpace(manifest), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Split(line, "\t")
			name := f[0]
			if name == "invalid/corrupted.jpg" {
				continue // refused; see TestRejections
			}
			t.Run(name, func(t *testing.T) {
				data := read(t, name)
				id := uuid.NewString()
				ph, created, err := e.upload(t, "check-1", id, data)
				if err != nil || !created {
					t.Fatalf("upload: %v (created %v)", err, created)
				}
				ph, err = e.store.Get(t.Context(), id) // as stored
				if err != nil {
					t.Fatal(err)
				}
				checkCoord(t, "lat", f[1], ph.EXIF.Lat)
				checkCoord(t, "lon", f[2], ph.EXIF.Lon)
				if f[3] == "-" {
					if ph.EXIF.TakenAt != nil {
						t.Errorf("taken_at %v, want none", ph.EXIF.TakenAt)
					}
				} else if ph.EXIF.TakenAt == nil || ph.EXIF.TakenAt.Format("2006:01:02 15:04:05") != f[3] {
					t.Errorf("taken_at %v, want %s", ph.EXIF.TakenAt, f[3])
				} else if f[4] != "-" && (!ph.EXIF.OffsetKnown || ph.EXIF.TakenAt.Format("-07:00") != f[4]) {
					t.Errorf("offset %v known=%v, want %s", ph.EXIF.TakenAt, ph.EXIF.OffsetKnown, f[4])
				}
				// Without an offset the camera's clock is a wall clock, never an instant.
				local, hasLocal := ph.EXIF.TakenLocal()
				instant, hasInstant := ph.EXIF.TakenInstant()
				var wantLocal string // the manifest's "2008:10:22 16:28:39" as "2008-10-22T16:28:39"
				if len(f[3]) == len("2006:01:02 15:04:05") {
					wantLocal = strings.ReplaceAll(f[3][:10], ":", "-") + "T" + f[3][11:]
				}
				switch {
				case f[3] == "-" && (hasLocal || hasInstant):
					t.Errorf("no capture time, yet local %q instant %v", local, instant)
				case f[3] != "-" && (!hasLocal || !strings.HasPrefix(local, wantLocal)):
					t.Errorf("local %q, want %s", local, wantLocal)
				case f[3] != "-" && hasInstant != (f[4] != "-"):
					t.Errorf("instant %v (%v) with offset %s", instant, hasInstant, f[4])
				case hasInstant && instant.Format("2006:01:02 15:04:05-07:00") != f[3]+f[4]:
					t.Errorf("instant %v, want %s%s", instant, f[3], f[4])
				}
				if want, _ := strconv.Atoi(f[7]); ph.EXIF.Orientation != want {
					t.Errorf("orientation %d, want %d", ph.EXIF.Orientation, want)
				}
				if want := dash(f[8]); ph.EXIF.Make != want {
					t.Errorf("make %q, want %q", ph.EXIF.Make, want)
				}
				if want := dash(f[9]); ph.EXIF.Model != want {
					t.Errorf("model %q, want %q", ph.EXIF.Model, want)
				}
				if w, _ := strconv.Atoi(f[5]); ph.Width != w && ph.Height != w {
					t.Errorf("size %dx%d, manifest %sx%s", ph.Width, ph.Height, f[5], f[6])
				}
				if sum := sha256.Sum256(data); ph.SHA256 != hex.EncodeToString(sum[:]) || ph.SizeBytes != int64(len(data)) {
					t.Errorf("sha/size %s/%d do not match the upload", ph.SHA256, ph.SizeBytes)
				}
				if name == "invalid/image00971.jpg" && len(ph.EXIF.Warnings) == 0 {
					t.Log("no EXIF warnings recorded for the malformed block")
				}
			})
		}
	})
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func checkCoord(t *testing.T, what, want string, got *float64) {
	t.Helper()
	if want == "-" {
		if got != nil {
			t.Errorf("%s %v, want none", what, *got)
		}
		return
	}
	w, _ := strconv.ParseFloat(want, 64)
	if got == nil || math.Abs(*got-w) > 1e-6 {
		t.Errorf("%s %v, want %v", what, got, w)
	}
}

// countingReader records how much of a body was consumed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// crafted64250 is a JPEG header declaring 64250x64250: a decompression bomb
// that must be refused from the header alone.
func crafted64250() []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	b = append(b, 0xFF, 0xDB, 0x00, 0x43, 0x00)
	b = append(b, bytes.Repeat([]byte{1}, 64)...)
	b = append(b, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFA, 0xFA, 0xFA, 0xFA, 0x03,
		0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00)
	b = append(b, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00)
	b = append(b, bytes.Repeat([]byte{0x55}, 512)...)
	return append(b, 0xFF, 0xD9)
}

func TestRejections(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		big := append(append([]byte{}, read(t, "gps/DSCN0010.jpg")...), make([]byte, 30<<20)...)
		cases := []struct {
			name string
			body []byte
			kind errs.Kind
			code string
		}{
			{"html named jpg", []byte("<!DOCTYPE html><html><body>not a photo</body></html>"), errs.KindUnsupportedMedia, "unsupported_media_type"},
			{"too large", big, errs.KindTooLarge, "file_too_large"},
			{"dimensions", crafted64250(), errs.KindUnprocessable, "image_too_large"},
			{"corrupt", read(t, "invalid/corrupted.jpg"), errs.KindUnprocessable, "corrupt_image"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				id := uuid.NewString()
				body := &countingReader{r: bytes.NewReader(c.body)}
				_, _, err := e.svc.Upload(t.Context(), alice, photos.UploadInput{ParentID: "check-1", PhotoID: id, Body: body})
				pe, ok := errs.As(err)
				if !ok || pe.Kind != c.kind || pe.Code != c.code {
					t.Fatalf("err %v, want %v/%s", err, c.kind, c.code)
				}
				if c.kind == errs.KindTooLarge && body.n > e.cfg.MaxUploadBytes+1 {
					t.Errorf("read %d bytes of an oversized body", body.n)
				}
				if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
					t.Errorf("a row exists after rejection: %v", err)
				}
				if n := countOriginals(t, e.objects); n != 0 {
					t.Errorf("%d objects kept after rejection", n)
				}
			})
		}
	})
}

func TestIdempotentRetries(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data := read(t, "gps/DSCN0021.jpg")
		id := uuid.NewString()
		first, created, err := e.upload(t, "check-1", id, data)
		if err != nil || !created {
			t.Fatalf("first: %v", err)
		}
		again, created, err := e.upload(t, "check-1", id, data)
		if err != nil || created || again.ObjectKey != first.ObjectKey {
			t.Fatalf("replay: created %v err %v", created, err)
		}
		if _, _, err := e.upload(t, "check-1", id, read(t, "gps/DSCN0029.jpg")); kindOf(err) != errs.KindConflict {
			t.Fatalf("same id, other bytes: %v, want conflict", err)
		}

		// Ten concurrent retries of a new photo: one row, one object.
		id2 := uuid.NewString()
		other := read(t, "gps/DSCN0029.jpg")
		var wg sync.WaitGroup
		var mu sync.Mutex
		createdN := 0
		for range 10 {
			wg.Go(func() {
				_, c, err := e.upload(t, "check-2", id2, other)
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
		stored, err := e.store.StoredPhotoIDs(t.Context(), []string{"check-2"})
		if ids := stored["check-2"]; err != nil || len(ids) != 1 || ids[0] != id2 {
			t.Fatalf("stored ids %v, %v", ids, err)
		}
		if _, err := e.svc.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := countOriginals(t, e.objects); n != 2 {
			t.Errorf("%d originals after sweep, want 2", n)
		}
	})
}

func TestFlags(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		// The check was filed 5 km away and a day later than DSCN0010.
		taken := time.Date(2008, 10, 22, 16, 28, 39, 0, time.FixedZone("CEST", 2*3600))
		e.parents.add(photos.Parent{Kind: "check", ID: "check-far", ProjectID: "proj-1", Lat: 43.51, Lon: 11.88,
			CapturedAt: taken.Add(24 * time.Hour)}, "alice")
		e.parents.add(photos.Parent{Kind: "check", ID: "check-near", ProjectID: "proj-1", Lat: 43.4674, Lon: 11.8851,
			CapturedAt: taken.Add(10 * time.Minute),
			Route:      [][2]float64{{11.880, 43.460}, {11.890, 43.465}, {11.890, 43.475}}}, "alice")
		far, _, err := e.upload(t, "check-far", uuid.NewString(), read(t, "gps/DSCN0010.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if far.Flags.GPSMismatch == nil || far.Flags.GPSMismatch.Value < 4000 {
			t.Errorf("gps_mismatch %+v", far.Flags.GPSMismatch)
		}
		if far.Flags.TimeMismatch == nil {
			t.Error("no time_mismatch a day apart")
		}
		if far.Flags.NoEXIF || far.Flags.NoCaptureMetadata || far.Flags.Duplicate != nil {
			t.Errorf("flags %+v", far.Flags)
		}
		near, _, err := e.upload(t, "check-near", uuid.NewString(), read(t, "gps/DSCN0010.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if near.Flags.GPSMismatch != nil || near.Flags.TimeMismatch != nil {
			t.Errorf("near photo flagged: %+v", near.Flags)
		}
		if near.Flags.Duplicate == nil || near.Flags.Duplicate.PhotoID != far.ID {
			t.Errorf("duplicate %+v, want %s", near.Flags.Duplicate, far.ID)
		}
		if near.ChainageM == nil || near.Side == "" {
			t.Errorf("no chainage/side: %v %q", near.ChainageM, near.Side)
		}
		// EXIF with nothing but an orientation: it has EXIF, so not
		// no_exif, but nothing in it says where, when or with what.
		for _, name := range []string{"orientation/landscape_1.jpg", "orientation/landscape_6.jpg"} {
			plain, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if plain.Flags.NoEXIF || !plain.Flags.NoCaptureMetadata {
				t.Errorf("%s (orientation-only EXIF): no_exif=%v no_capture_metadata=%v, want false, true", name,
					plain.Flags.NoEXIF, plain.Flags.NoCaptureMetadata)
			}
		}
		// No EXIF block at all (its only APP1 is XMP).
		bare, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, "invalid/image00971.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if !bare.Flags.NoEXIF || bare.Flags.NoCaptureMetadata {
			t.Errorf("photo without EXIF: no_exif=%v no_capture_metadata=%v, want true, false",
				bare.Flags.NoEXIF, bare.Flags.NoCaptureMetadata)
		}
		// And the same photo with its EXIF block cut out.
		stripped, _, err := e.upload(t, "check-1", uuid.NewString(), stripEXIF(t, read(t, "gps/DSCN0021.jpg")))
		if err != nil {
			t.Fatal(err)
		}
		if !stripped.Flags.NoEXIF || stripped.Flags.NoCaptureMetadata || stripped.EXIF.TakenAt != nil {
			t.Errorf("stripped photo: flags %+v exif %+v, want no_exif only", stripped.Flags, stripped.EXIF)
		}
	})
}

// stripEXIF removes a JPEG's APP1 "Exif" segments, as a messaging app does.
func stripEXIF(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte{}, b[:2]...)
	pos, dropped := 2, 0
	for pos+4 <= len(b) && b[pos] == 0xFF && b[pos+1] != 0xDA {
		n := int(b[pos+2])<<8 | int(b[pos+3])
		seg := b[pos : pos+2+n]
		if b[pos+1] == 0xE1 && bytes.HasPrefix(seg[4:], []byte("Exif\x00\x00")) {
			dropped++
		} else {
			out = append(out, seg...)
		}
		pos += 2 + n
	}
	if dropped == 0 {
		t.Fatal("stripEXIF: no EXIF segment found")
	}
	return append(out, b[pos:]...)
}

// hangingStore never answers Put until its context ends: an object store
// that accepts connections and then goes silent.
type hangingStore struct{ storage.Store }

func (hangingStore) Put(ctx context.Context, _ string, _ io.Reader, _ int64, _ storage.PutOptions) (storage.ObjectInfo, error) {
	<-ctx.Done()
	return storage.ObjectInfo{}, fmt.Errorf("%w: %w", storage.ErrUnavailable, ctx.Err())
}

func TestObjectStoreDown(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		cfg := e.cfg
		cfg.StorageDeadline = 500 * time.Millisecond
		down := newEnv(t, e.db, hangingStore{e.objects}, func(d *photos.Deps) { d.Config = cfg })
		for _, up := range []func(*testing.T, string, string, []byte) (photos.Photo, bool, error){down.upload, down.streamed} {
			id := uuid.NewString()
			start := time.Now()
			_, _, err := up(t, "check-1", id, read(t, "gps/DSCN0010.jpg"))
			pe, ok := errs.As(err)
			if !ok || pe.Kind != errs.KindUnavailable || pe.RetryAfter <= 0 {
				t.Fatalf("err %v, want 503 with Retry-After", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("row exists: %v", err)
			}
		}
	})
}

// changingStore refuses every put as a store does whose bytes changed
// between this server and it (a faulty link or NIC): the store's own
// checksum or chunk signature no longer matches.
type changingStore struct{ storage.Store }

func (changingStore) Put(_ context.Context, key string, r io.Reader, _ int64, _ storage.PutOptions) (storage.ObjectInfo, error) {
	_, _ = io.Copy(io.Discard, r)
	return storage.ObjectInfo{}, fmt.Errorf("put %s: %w: the bytes received hash differently", key, storage.ErrChecksumMismatch)
}

// The phone's bytes were fine; the hop to the store changed them. That is
// the server's trouble and a retry cures it: 503 with Retry-After, never a
// 500 and never a 4xx that would make the phone give up on its evidence.
func TestBytesChangedOnTheWayToTheStore(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		bad := newEnv(t, e.db, changingStore{e.objects}, nil)
		for _, up := range []func(*testing.T, string, string, []byte) (photos.Photo, bool, error){bad.upload, bad.streamed} {
			id := uuid.NewString()
			_, _, err := up(t, "check-1", id, read(t, "gps/DSCN0010.jpg"))
			pe, ok := errs.As(err)
			if !ok || pe.Kind != errs.KindUnavailable || pe.RetryAfter <= 0 {
				t.Fatalf("err %v, want 503 with Retry-After", err)
			}
			if _, err := e.store.Get(t.Context(), id); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("row exists: %v", err)
			}
		}
	})
}

// failingInsert stores objects fine but its database insert fails, as if
// the database went away between Put and commit.
type failingInsert struct{ photos.Store }

func (failingInsert) Insert(context.Context, photos.Photo) error {
	return errs.Unavailable("database_unavailable", time.Second, errors.New("connection reset"))
}

func TestInsertFailureLeavesOrphanThatIsSwept(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		broken := newEnv(t, e.db, e.objects, func(d *photos.Deps) { d.Store = failingInsert{d.Store} })
		data := read(t, "gps/DSCN0010.jpg")
		id := uuid.NewString()
		if _, _, err := broken.upload(t, "check-1", id, data); kindOf(err) != errs.KindUnavailable {
			t.Fatalf("err %v, want 503", err)
		}
		if n := countOriginals(t, e.objects); n != 1 {
			t.Fatalf("%d objects after failed insert, want the orphan", n)
		}
		// The commit may have happened for all the upload knows, so its
		// intent keeps the object until the intent lapses.
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("swept %d within the intent's life, %v", n, err)
		}
		e.clock.Add(e.cfg.IntentTTL + time.Second)
		if n, err := e.svc.Sweep(t.Context()); err != nil || n != 1 {
			t.Fatalf("swept %d, %v", n, err)
		}
		if n := countOriginals(t, e.objects); n != 0 {
			t.Fatalf("%d objects after sweep", n)
		}
		if _, created, err := e.upload(t, "check-1", id, data); err != nil || !created {
			t.Fatalf("retry: %v", err)
		}
		if _, created, err := e.upload(t, "check-1", id, data); err != nil || created {
			t.Fatalf("second retry: %v %v", created, err)
		}
		if stored, _ := e.store.StoredPhotoIDs(t.Context(), []string{"check-1"}); len(stored["check-1"]) != 1 {
			t.Errorf("stored %v", stored)
		}
		if _, err := e.svc.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := countOriginals(t, e.objects); n != 1 {
			t.Errorf("sweeper removed a referenced original: %d left", n)
		}
	})
}

func TestReadingAndReconcile(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data := read(t, "mobile/HMD_Nokia_8.3_5G.jpg")
		ph, _, err := e.upload(t, "check-1", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		bob := alice
		bob.UserID = "bob"
		if _, err := e.svc.Get(t.Context(), bob, ph.ID); kindOf(err) != errs.KindNotFound {
			t.Errorf("bob reads alice's photo: %v", err)
		}
		if _, err := e.svc.Open(t.Context(), bob, ph.ID, photos.Original); kindOf(err) != errs.KindNotFound {
			t.Errorf("bob opens alice's photo: %v", err)
		}
		c, err := e.svc.Open(t.Context(), alice, ph.ID, photos.Original)
		if err != nil {
			t.Fatal(err)
		}
		got := fetch(t, c)
		if sha256.Sum256(got) != sha256.Sum256(data) {
			t.Error("original differs from the upload")
		}
		var problems []photos.Problem
		if err := e.svc.Reconcile(t.Context(), func(p photos.Problem) { problems = append(problems, p) }); err != nil || len(problems) != 0 {
			t.Fatalf("reconcile on a healthy store: %v %v", problems, err)
		}
		if err := e.objects.Delete(t.Context(), ph.ObjectKey); err != nil {
			t.Fatalf("cannot remove the object to simulate loss: %v", err)
		}
		if err := e.svc.Reconcile(t.Context(), func(p photos.Problem) { problems = append(problems, p) }); err != nil {
			t.Fatal(err)
		}
		if len(problems) != 1 || problems[0].Issue != "missing" || problems[0].PhotoID != ph.ID {
			t.Errorf("reconcile: %+v", problems)
		}
	})
}

func fetch(t *testing.T, c photos.Content) []byte {
	t.Helper()
	if c.Body != nil {
		defer c.Body.Close()
		b, err := io.ReadAll(c.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	resp, err := httpGet(t.Context(), c.URL)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestRenditions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		var ids []string
		for i := 1; i <= 8; i++ {
			ph, _, err := e.upload(t, "check-1", uuid.NewString(), read(t, fmt.Sprintf("orientation/landscape_%d.jpg", i)))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ph.ID)
		}
		heic, _, err := e.upload(t, "check-2", uuid.NewString(), read(t, "heic/iphone_13_pro_max.HEIC"))
		if err != nil {
			t.Fatal(err)
		}
		e.renderAll(t, append(ids, heic.ID)...)
		ref := thumb(t, e, ids[0])
		for i, id := range ids {
			img := thumb(t, e, id)
			if b := img.Bounds(); b.Dx() <= b.Dy() || b.Dx() != 320 {
				t.Errorf("landscape_%d thumbnail %v, want landscape 320 wide", i+1, b)
				continue
			}
			if d := meanDiff(ref, img); d > 0.1 {
				t.Errorf("landscape_%d differs from landscape_1 by %.2f: not upright", i+1, d)
			}
		}
		if b := thumb(t, e, heic.ID).Bounds(); b.Dy() != 320 || b.Dx() >= b.Dy() {
			t.Errorf("HEIC thumbnail %v, want portrait 320 high", b)
		}
		got, _ := e.store.Get(t.Context(), heic.ID)
		if got.RenditionStatus != photos.RenditionReady || got.PHash == nil {
			t.Errorf("heic status %s phash %v", got.RenditionStatus, got.PHash)
		}
		// The landscapes are one picture: the later ones in check-1 match
		// each other but reuse is only flagged across checks.
		one, _ := e.store.Get(t.Context(), ids[3])
		if one.Flags.PossibleReuse != nil {
			t.Errorf("same-check photos flagged as reuse: %+v", one.Flags.PossibleReuse)
		}
		again, _, err := e.upload(t, "check-2", uuid.NewString(), read(t, "orientation/landscape_3.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		e.renderAll(t, again.ID)
		if r, _ := e.store.Get(t.Context(), again.ID); r.Flags.PossibleReuse == nil {
			t.Error("no possible_reuse for the same picture on another check")
		}
	})
}

func thumb(t *testing.T, e *env, id string) image.Image {
	t.Helper()
	c, err := e.svc.Open(t.Context(), alice, id, photos.Thumbnail)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(fetch(t, c)))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// meanDiff is the mean absolute grey difference (0-1) of two same-size images.
func meanDiff(a, b image.Image) float64 {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		return 1
	}
	var sum float64
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			sum += math.Abs(grey(a.At(ab.Min.X+x, ab.Min.Y+y)) - grey(b.At(bb.Min.X+x, bb.Min.Y+y)))
		}
	}
	return sum / float64(ab.Dx()*ab.Dy())
}
