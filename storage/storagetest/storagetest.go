// Package storagetest is the conformance suite every storage.Store backend
// must pass. It checks the properties evidence handling relies on — bytes
// come back exactly, a bad upload leaves nothing behind, retained objects
// stay readable — against the real backend, not a mock.
package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/storage"
)

// Run runs the suite. newStore must return a store with no objects in it;
// it is called once per subtest and may register cleanups on t.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, storage.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyObject", testEmptyObject},
		{"Overwrite", testOverwrite},
		{"ChecksumMismatch", testChecksumMismatch},
		{"ChecksumMismatchKeepsPrevious", testChecksumMismatchKeepsPrevious},
		{"ShortReader", testShortReader},
		{"LongReader", testLongReader},
		{"Missing", testMissing},
		{"DeleteIdempotent", testDeleteIdempotent},
		{"List", testList},
		{"Large20MiBStreamed", testLargeStreamed},
		{"UndeclaredReportsReceivedSHA", testUndeclaredReportsReceivedSHA},
		{"ConcurrentPuts", testConcurrentPuts},
		{"CancelledContext", testCancelledContext},
		{"CancelMidStream", testCancelMidStream},
		{"SignedURL", testSignedURL},
		{"Retain", testRetain},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newKey returns a fresh sharded key, made the way the services make them.
func newKey(t *testing.T, kind string) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	h := hex.EncodeToString(b)
	id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	k, err := storage.BuildKey(kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// onlyReader hides every method but Read, so a backend cannot seek, size or
// re-read the input — as with an HTTP request body.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func put(t *testing.T, s storage.Store, key string, data []byte, opts storage.PutOptions) storage.ObjectInfo {
	t.Helper()
	info, err := s.Put(ctxFor(t), key, onlyReader{bytes.NewReader(data)}, int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
	return info
}

func getBytes(t *testing.T, s storage.Store, key string) ([]byte, storage.ObjectInfo) {
	t.Helper()
	rc, info, err := s.Get(ctxFor(t), key)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get %s: read: %v", key, err)
	}
	return b, info
}

func assertNotExist(t *testing.T, s storage.Store, key string) {
	t.Helper()
	_, err := s.Stat(ctxFor(t), key)
	if !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Stat %s: err = %v, want ErrNotExist", key, err)
	}
	rc, _, err := s.Get(ctxFor(t), key)
	if err == nil {
		rc.Close()
	}
	if !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Get %s: err = %v, want ErrNotExist", key, err)
	}
}

func assertContent(t *testing.T, s storage.Store, key string, want []byte) {
	t.Helper()
	got, _ := getBytes(t, s, key)
	if !bytes.Equal(got, want) {
		t.Fatalf("Get %s: %d bytes (sha %s), want %d bytes (sha %s)", key, len(got), sha(got), len(want), sha(want))
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	key := newKey(t, storage.KindOriginals)
	data := randomBytes(t, 300<<10+7)
	sum := sha(data)
	info := put(t, s, key, data, storage.PutOptions{ContentType: "image/jpeg", SHA256: sum})
	if info.Key != key || info.Size != int64(len(data)) || info.SHA256 != sum {
		t.Errorf("Put info = %+v, want key %s size %d sha %s", info, key, len(data), sum)
	}
	got, ginfo := getBytes(t, s, key)
	if !bytes.Equal(got, data) {
		t.Fatalf("Get returned different bytes: sha %s, want %s", sha(got), sum)
	}
	if ginfo.Size != int64(len(data)) || ginfo.ContentType != "image/jpeg" || ginfo.SHA256 != sum {
		t.Errorf("Get info = %+v", ginfo)
	}
	st, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if st.Key != key || st.Size != int64(len(data)) || st.ContentType != "image/jpeg" || st.SHA256 != sum {
		t.Errorf("Stat = %+v, want size %d image/jpeg sha %s", st, len(data), sum)
	}
	if st.LastModified.IsZero() || time.Since(st.LastModified) > time.Hour {
		t.Errorf("Stat LastModified = %v", st.LastModified)
	}

	// Without a declared hash a backend may not know it, but if it reports
	// one it must be right.
	key2 := newKey(t, storage.KindStaging)
	put(t, s, key2, data, storage.PutOptions{})
	st2, err := s.Stat(ctxFor(t), key2)
	if err != nil {
		t.Fatal(err)
	}
	if st2.SHA256 != "" && st2.SHA256 != sum {
		t.Errorf("Stat without declared sha: SHA256 = %s, want %s or empty", st2.SHA256, sum)
	}
	if st2.ContentType == "" {
		t.Errorf("Stat without content type: ContentType is empty")
	}
	assertContent(t, s, key2, data)
}

// A body streamed in as it arrives has no SHA-256 to declare yet: Put must
// report the hash of exactly the bytes it received (the photo's row
// records it), and the bytes must be the ones stored.
func testUndeclaredReportsReceivedSHA(t *testing.T, s storage.Store) {
	key := newKey(t, storage.KindOriginals)
	data := randomBytes(t, 2<<20+13)
	body := &trickle{data: data, step: 31 << 10} // one-shot, in uneven pieces, like a request body
	info, err := s.Put(ctxFor(t), key, body, int64(len(data)), storage.PutOptions{ContentType: "image/jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	if info.SHA256 != sha(data) || info.Size != int64(len(data)) {
		t.Errorf("Put info = %+v, want sha %s size %d", info, sha(data), len(data))
	}
	assertContent(t, s, key, data)
}

// trickle hands out its bytes at most step at a time and is not seekable.
type trickle struct {
	data []byte
	step int
}

func (r *trickle) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.step)], r.data)
	r.data = r.data[n:]
	return n, nil
}

func testEmptyObject(t *testing.T, s storage.Store) {
	key := newKey(t, storage.KindOriginals)
	put(t, s, key, nil, storage.PutOptions{ContentType: "text/plain", SHA256: sha(nil)})
	assertContent(t, s, key, nil)
	st, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size != 0 || st.SHA256 != sha(nil) {
		t.Errorf("Stat = %+v", st)
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	key := newKey(t, storage.KindRenditions)
	a, b := randomBytes(t, 1000), randomBytes(t, 2000)
	put(t, s, key, a, storage.PutOptions{ContentType: "image/jpeg", SHA256: sha(a)})
	put(t, s, key, b, storage.PutOptions{ContentType: "image/png", SHA256: sha(b)})
	assertContent(t, s, key, b)
	st, err := s.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size != 2000 || st.SHA256 != sha(b) || st.ContentType != "image/png" {
		t.Errorf("Stat after overwrite = %+v", st)
	}
}

func testChecksumMismatch(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	for _, n := range []int{0, 1, 64 << 10} {
		key := newKey(t, storage.KindOriginals)
		data := randomBytes(t, n)
		wrong := sha(append(slices.Clone(data), 'x'))
		_, err := s.Put(ctx, key, onlyReader{bytes.NewReader(data)}, int64(n), storage.PutOptions{SHA256: wrong})
		if !errors.Is(err, storage.ErrChecksumMismatch) {
			t.Fatalf("Put %d bytes with wrong sha: err = %v, want ErrChecksumMismatch", n, err)
		}
		assertNotExist(t, s, key)
		assertListed(t, s, key, nil)
	}
}

// A corrupted re-upload must not replace evidence that was stored fine.
func testChecksumMismatchKeepsPrevious(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	key := newKey(t, storage.KindOriginals)
	good := randomBytes(t, 10<<10)
	put(t, s, key, good, storage.PutOptions{ContentType: "image/jpeg", SHA256: sha(good)})
	bad := randomBytes(t, 10<<10)
	_, err := s.Put(ctx, key, onlyReader{bytes.NewReader(bad)}, int64(len(bad)), storage.PutOptions{SHA256: sha(good)})
	if !errors.Is(err, storage.ErrChecksumMismatch) {
		t.Fatalf("Put with wrong sha over existing object: err = %v, want ErrChecksumMismatch", err)
	}
	assertContent(t, s, key, good)
	st, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != sha(good) || st.ContentType != "image/jpeg" {
		t.Errorf("Stat after rejected overwrite = %+v", st)
	}
}

func testShortReader(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	for _, declareSHA := range []bool{false, true} {
		key := newKey(t, storage.KindOriginals)
		data := randomBytes(t, 100<<10)
		var opts storage.PutOptions
		if declareSHA {
			opts.SHA256 = sha(data)
		}
		_, err := s.Put(ctx, key, onlyReader{bytes.NewReader(data[:len(data)/2])}, int64(len(data)), opts)
		if err == nil {
			t.Fatalf("Put with a reader shorter than size (sha declared: %v) succeeded", declareSHA)
		}
		assertNotExist(t, s, key)
	}
}

func testLongReader(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	for _, declareSHA := range []bool{false, true} {
		key := newKey(t, storage.KindOriginals)
		data := randomBytes(t, 100<<10)
		size := int64(len(data) - 10)
		var opts storage.PutOptions
		if declareSHA {
			// The hash of the declared prefix: only the size check can
			// catch the surplus.
			opts.SHA256 = sha(data[:size])
		}
		_, err := s.Put(ctx, key, onlyReader{bytes.NewReader(data)}, size, opts)
		if err == nil {
			t.Fatalf("Put with a reader longer than size (sha declared: %v) succeeded", declareSHA)
		}
		assertNotExist(t, s, key)
	}
}

func testMissing(t *testing.T, s storage.Store) {
	assertNotExist(t, s, newKey(t, storage.KindOriginals))
}

func testDeleteIdempotent(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	key := newKey(t, storage.KindStaging)
	data := randomBytes(t, 1234)
	put(t, s, key, data, storage.PutOptions{SHA256: sha(data)})
	for i := range 2 {
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
		assertNotExist(t, s, key)
	}
	if err := s.Delete(ctx, newKey(t, storage.KindStaging)); err != nil {
		t.Fatalf("Delete of a never-stored key: %v", err)
	}
	assertListed(t, s, key, nil)
}

// assertListed checks that List(prefix) yields exactly want, in order.
func assertListed(t *testing.T, s storage.Store, prefix string, want []string) {
	t.Helper()
	var got []string
	err := s.List(ctxFor(t), prefix, func(info storage.ObjectInfo) error {
		got = append(got, info.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List %q: %v", prefix, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List %q = %q, want %q", prefix, got, want)
	}
}

func testList(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	// Keys chosen so that naive per-directory walking would get the order
	// wrong: "-" (0x2d) and "." (0x2e) sort before "/" (0x2f).
	keys := []string{
		"originals/ab/cd/abcd-0002",
		"originals/ab/cd/abcd-0001",
		"originals/ab/cd-x/abcd-0003",
		"originals/ab/cd.x",
		"originals/ab/ce/abce-0001",
		"originals/ab/c",
		"originals/ac/00/ac00-0001",
		"renditions/ab/cd/abcd-0001_thumb.jpg",
		"staging/ab/cd/abcd-0001",
	}
	data := []byte("x")
	for _, k := range keys {
		put(t, s, k, data, storage.PutOptions{SHA256: sha(data), ContentType: "text/plain"})
	}
	sorted := slices.Sorted(slices.Values(keys))
	under := func(p string) []string {
		var out []string
		for _, k := range sorted {
			if strings.HasPrefix(k, p) {
				out = append(out, k)
			}
		}
		return out
	}
	for _, p := range []string{"", "originals/", "originals/ab/", "originals/ab/cd/", "originals/ab/c", "originals/ab/cd", "renditions/", "originals/zz/", "nothing/"} {
		assertListed(t, s, p, under(p))
	}
	var infos []storage.ObjectInfo
	if err := s.List(ctx, "originals/ab/cd/", func(info storage.ObjectInfo) error {
		infos = append(infos, info)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		if info.Size != 1 {
			t.Errorf("List info %+v: size %d, want 1", info, info.Size)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := s.List(ctx, "originals/", func(storage.ObjectInfo) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("List stopping after 2: err = %v, calls = %d; want the callback's error after 2 calls", err, n)
	}
}

// genReader yields a deterministic pseudo-random stream of n bytes without
// ever holding it in memory; the same seed gives the same bytes.
func genReader(seed uint64, n int64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return onlyReader{io.LimitReader(mrand.NewChaCha8(s), n)}
}

func testLargeStreamed(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	const size = 20 << 20
	seed := mrand.Uint64()
	h := sha256.New()
	if _, err := io.Copy(h, genReader(seed, size)); err != nil {
		t.Fatal(err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key := newKey(t, storage.KindOriginals)
	info, err := s.Put(ctx, key, genReader(seed, size), size, storage.PutOptions{ContentType: "video/mp4", SHA256: sum})
	if err != nil {
		t.Fatalf("Put 20 MiB: %v", err)
	}
	if info.Size != size || info.SHA256 != sum {
		t.Errorf("Put info = %+v", info)
	}
	rc, ginfo, err := s.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != size || got != sum {
		t.Fatalf("read back %d bytes sha %s, want %d bytes sha %s", n, got, int64(size), sum)
	}
	if ginfo.SHA256 != sum || ginfo.Size != size {
		t.Errorf("Get info = %+v", ginfo)
	}

	// The same size without a declared hash must also work, and must not be
	// confused by a stream that comes in small reads.
	key2 := newKey(t, storage.KindStaging)
	if _, err := s.Put(ctx, key2, onlyReader{&tinyReads{r: genReader(seed, size)}}, size, storage.PutOptions{}); err != nil {
		t.Fatalf("Put 20 MiB without sha: %v", err)
	}
	st, err := s.Stat(ctx, key2)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size != size || (st.SHA256 != "" && st.SHA256 != sum) {
		t.Errorf("Stat = %+v, want size %d and sha %s or empty", st, int64(size), sum)
	}
}

// tinyReads returns at most 1000 bytes per Read, like a slow network.
type tinyReads struct{ r io.Reader }

func (t *tinyReads) Read(p []byte) (int, error) {
	if len(p) > 1000 {
		p = p[:1000]
	}
	return t.r.Read(p)
}

func testConcurrentPuts(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	const n = 16
	keys := make([]string, n)
	datas := make([][]byte, n)
	for i := range n {
		keys[i] = newKey(t, storage.KindOriginals)
		datas[i] = randomBytes(t, 64<<10+i)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Put(ctx, keys[i], onlyReader{bytes.NewReader(datas[i])}, int64(len(datas[i])),
				storage.PutOptions{ContentType: "image/jpeg", SHA256: sha(datas[i])})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	for i := range n {
		assertContent(t, s, keys[i], datas[i])
	}
}

func testCancelledContext(t *testing.T, s storage.Store) {
	key := newKey(t, storage.KindOriginals)
	data := randomBytes(t, 1000)
	put(t, s, key, data, storage.PutOptions{SHA256: sha(data)})

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	other := newKey(t, storage.KindOriginals)
	if _, err := s.Put(ctx, other, onlyReader{bytes.NewReader(data)}, int64(len(data)), storage.PutOptions{}); err == nil {
		t.Error("Put with cancelled context succeeded")
	}
	if rc, _, err := s.Get(ctx, key); err == nil {
		rc.Close()
		t.Error("Get with cancelled context succeeded")
	}
	if _, err := s.Stat(ctx, key); err == nil {
		t.Error("Stat with cancelled context succeeded")
	}
	if err := s.List(ctx, "", func(storage.ObjectInfo) error { return nil }); err == nil {
		t.Error("List with cancelled context succeeded")
	}
	// A cancelled request must not take anything with it either.
	if err := s.Delete(ctx, key); err == nil {
		t.Error("Delete with cancelled context succeeded")
	}
	assertNotExist(t, s, other)
	assertContent(t, s, key, data)
}

// cancelAfter cancels its context once n bytes have been read, then keeps
// serving bytes, as a client that disconnects mid-upload while buffered
// data is still in flight.
type cancelAfter struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func testCancelMidStream(t *testing.T, s storage.Store) {
	const size = 4 << 20
	key := newKey(t, storage.KindOriginals)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &cancelAfter{r: genReader(1, size), n: size / 2, cancel: cancel}
	if _, err := s.Put(ctx, key, r, size, storage.PutOptions{}); err == nil {
		t.Fatal("Put cancelled mid-stream succeeded")
	}
	assertNotExist(t, s, key)
}

func testSignedURL(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	key := newKey(t, storage.KindRenditions)
	data := randomBytes(t, 5000)
	put(t, s, key, data, storage.PutOptions{ContentType: "image/jpeg", SHA256: sha(data)})

	u, err := s.SignedURL(ctx, http.MethodGet, key, time.Minute)
	if errors.Is(err, storage.ErrNotSupported) {
		if _, err := s.SignedURL(ctx, http.MethodPut, key, time.Minute); !errors.Is(err, storage.ErrNotSupported) {
			t.Errorf("SignedURL PUT: err = %v; GET was ErrNotSupported so PUT should be too", err)
		}
		t.Skipf("%s: signed URLs not supported", s.Name())
	}
	if err != nil {
		t.Fatalf("SignedURL GET: %v", err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET signed URL: status %d, %d bytes, err %v", resp.StatusCode, len(body), err)
	}

	putKey := newKey(t, storage.KindStaging)
	pu, err := s.SignedURL(ctx, http.MethodPut, putKey, time.Minute)
	if err != nil {
		t.Fatalf("SignedURL PUT: %v", err)
	}
	upload := randomBytes(t, 7000)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, pu, bytes.NewReader(upload))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT signed URL: status %d: %s", resp.StatusCode, msg)
	}
	assertContent(t, s, putKey, upload)

	// A URL for one key must not open another.
	other := strings.Replace(u, key, putKey, 1)
	if resp, err := http.Get(other); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("a GET URL signed for %s also opened %s", key, putKey)
		}
	}
	if _, err := s.SignedURL(ctx, http.MethodDelete, key, time.Minute); err == nil {
		t.Error("SignedURL DELETE succeeded; only GET and PUT are allowed")
	}
}

// testRetain checks the property evidence needs, through the Store
// interface alone: once Retain succeeded, neither Delete nor an overwrite
// can change what Get returns for the key. (Bytes that survive only as a
// hidden old version would not count: the API could no longer serve them.)
func testRetain(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	key := newKey(t, storage.KindOriginals)
	data := randomBytes(t, 4096)
	put(t, s, key, data, storage.PutOptions{ContentType: "image/jpeg", SHA256: sha(data)})

	// Short, so a throwaway test server could clean up after itself.
	until := time.Now().Add(time.Hour)
	err := s.Retain(ctx, key, until)
	if errors.Is(err, storage.ErrNotSupported) {
		assertContent(t, s, key, data)
		t.Skipf("%s: retention not supported", s.Name())
	}
	if err != nil {
		t.Fatalf("Retain: %v", err)
	}

	if err := s.Delete(ctx, key); err == nil {
		t.Logf("%s: Delete of a retained object returned nil", s.Name())
	} else {
		t.Logf("%s: Delete of a retained object refused: %v", s.Name(), err)
	}
	assertContent(t, s, key, data)

	other := randomBytes(t, 4096)
	if _, err := s.Put(ctx, key, onlyReader{bytes.NewReader(other)}, int64(len(other)), storage.PutOptions{SHA256: sha(other)}); err == nil {
		t.Errorf("%s: Put over a retained object succeeded", s.Name())
	} else {
		t.Logf("%s: overwrite of a retained object refused: %v", s.Name(), err)
	}
	assertContent(t, s, key, data)
	st, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != sha(data) {
		t.Errorf("Stat after overwrite attempt: sha %s, want %s", st.SHA256, sha(data))
	}

	if err := s.Retain(ctx, newKey(t, storage.KindOriginals), until); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Retain of a missing key: err = %v, want ErrNotExist", err)
	}
}

func testPing(t *testing.T, s storage.Store) {
	if err := s.Ping(ctxFor(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if s.Name() == "" {
		t.Error("Name is empty")
	}
}
