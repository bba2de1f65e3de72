package s3store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/storagetest"
)

func testConfig(t *testing.T) Config {
	t.Helper()
	ep := testenv.S3Endpoint(t)
	return Config{
		Endpoint:  ep.Endpoint,
		AccessKey: ep.AccessKey,
		SecretKey: ep.SecretKey,
		Bucket:    ep.Bucket,
	}
}

// newTestStore creates a store on a fresh bucket and empties and removes
// the bucket when the test ends. Retention in these tests is GOVERNANCE,
// which the root user may bypass, so even locked versions go.
func newTestStore(t *testing.T, mod func(*Config)) *Store {
	t.Helper()
	cfg := testConfig(t)
	if mod != nil {
		mod(&cfg)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := New(ctx, cfg)
	if err != nil {
		if testenv.Required() {
			t.Fatalf("New: %v", err)
		}
		t.Skipf("MinIO at %s not usable: %v", cfg.Endpoint, err)
	}
	t.Cleanup(func() { removeBucket(t, s) })
	return s
}

func removeBucket(t *testing.T, s *Store) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if oi.Err != nil {
			t.Logf("cleanup: list %s: %v", s.bucket, oi.Err)
			break
		}
		err := s.client.RemoveObject(ctx, s.bucket, oi.Key, minio.RemoveObjectOptions{VersionID: oi.VersionID, GovernanceBypass: true})
		if err != nil {
			t.Logf("cleanup: remove %s@%s: %v", oi.Key, oi.VersionID, err)
		}
	}
	if err := s.client.RemoveBucket(ctx, s.bucket); err != nil {
		t.Logf("cleanup: remove bucket %s: %v", s.bucket, err)
	}
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newTestStore(t, nil) })
}

// With the threshold at 1 byte nothing gets the server-side checksum
// header: this runs the suite over Put's own hash check (and its removal of
// a bad version) and, for the 20 MiB object, over a real multipart upload.
func TestConformanceClientSideChecksum(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return newTestStore(t, func(c *Config) { c.MultipartThreshold = 1 })
	})
}

func TestNewBucketHasLockingAndVersioning(t *testing.T) {
	s := newTestStore(t, nil)
	if !s.Versioned() {
		t.Error("new bucket is not versioned")
	}
	if !s.Locking() {
		t.Error("new bucket has no object lock; MinIO supports it, so Retain tests would silently skip")
	}
	// A second store on the now existing bucket must see the same.
	s2, err := New(t.Context(), Config{
		Endpoint: testConfig(t).Endpoint, AccessKey: testConfig(t).AccessKey, SecretKey: testConfig(t).SecretKey,
		Bucket: s.bucket,
	})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Locking() != s.Locking() || s2.Versioned() != s.Versioned() {
		t.Errorf("reopened bucket: locking %v versioned %v; created: %v %v", s2.Locking(), s2.Versioned(), s.Locking(), s.Versioned())
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// The server itself, not only Put's own hashing, must refuse bytes that do
// not match the declared checksum header.
func TestServerVerifiesDeclaredChecksum(t *testing.T) {
	s := newTestStore(t, nil)
	ctx := t.Context()
	data := randBytes(t, 10000)
	wrong := sha256.Sum256([]byte("something else"))
	_, err := s.client.PutObject(ctx, s.bucket, "raw/wrong", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		DisableMultipart: true,
		UserMetadata:     map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(wrong[:])},
	})
	if err == nil {
		t.Fatal("MinIO accepted bytes that do not match x-amz-checksum-sha256")
	}
	t.Logf("MinIO's answer to a wrong x-amz-checksum-sha256: code %q, status %d: %v",
		errCode(err), minio.ToErrorResponse(err).StatusCode, err)
	if mapped := s.mapErr(ctx, "put", "raw/wrong", err); !errors.Is(mapped, storage.ErrChecksumMismatch) {
		t.Errorf("mapErr(%v) = %v, want ErrChecksumMismatch", err, mapped)
	}
	versions := listVersions(t, s, "raw/wrong")
	if len(versions) != 0 {
		t.Errorf("rejected upload left versions: %+v", versions)
	}
}

// Without a declared hash, minio-go sends a SHA-256 trailer and MinIO
// keeps it, so Stat still knows the hash.
func TestStatReportsServerComputedSHA256(t *testing.T) {
	s := newTestStore(t, nil)
	ctx := t.Context()
	data := randBytes(t, 70000)
	key := storage.Key(storage.KindStaging, "abcd0000")
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != sum(data) {
		t.Errorf("Stat SHA256 = %q, want the server-stored checksum %s", st.SHA256, sum(data))
	}
}

func listVersions(t *testing.T, s *Store, key string) []minio.ObjectInfo {
	t.Helper()
	var out []minio.ObjectInfo
	for oi := range s.client.ListObjects(t.Context(), s.bucket, minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		if oi.Key == key {
			out = append(out, oi)
		}
	}
	return out
}

// Documents what MinIO does with a retained object, and that Store turns
// the silent delete marker into a refusal.
func TestRetentionSemantics(t *testing.T) {
	s := newTestStore(t, nil)
	if !s.Locking() {
		t.Fatal("bucket without object lock")
	}
	ctx := t.Context()
	data := randBytes(t, 5000)
	key := storage.Key(storage.KindOriginals, "abcd1111")
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{SHA256: sum(data)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Retain(ctx, key, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); !errors.Is(err, ErrRetained) {
		t.Fatalf("Store.Delete of retained object: err = %v, want ErrRetained", err)
	}
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); !errors.Is(err, ErrRetained) {
		t.Fatalf("Store.Put over retained object: err = %v, want ErrRetained", err)
	}
	vs := listVersions(t, s, key)
	if len(vs) != 1 || vs[0].IsDeleteMarker {
		t.Fatalf("versions after refused delete: %+v", vs)
	}
	retained := vs[0].VersionID

	// What S3/MinIO itself does: deleting the locked version by id is
	// refused ...
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: retained})
	if err == nil {
		t.Fatal("MinIO deleted a version under GOVERNANCE retention without bypass")
	}
	t.Logf("MinIO, delete of retained version by id: %v (code %s)", err, errCode(err))

	// ... but a plain delete "succeeds" by stacking a delete marker: the
	// key then reads as missing although the locked bytes are still there.
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("MinIO refused a plain delete of a retained object (expected a delete marker): %v", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Stat after delete marker: err = %v, want ErrNotExist", err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{VersionID: retained})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("retained version after delete marker: %d bytes, err %v", len(got), err)
	}

	// GOVERNANCE lets an administrator with bypass clean up mistakes.
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: retained, GovernanceBypass: true}); err != nil {
		t.Errorf("governance bypass delete: %v", err)
	}
}

func TestRetentionModeConfig(t *testing.T) {
	for _, m := range []string{"", "governance", "GOVERNANCE", "COMPLIANCE"} {
		if _, err := newStore(Config{Endpoint: "127.0.0.1:1", Bucket: "b", RetentionMode: m}); err != nil {
			t.Errorf("RetentionMode %q: %v", m, err)
		}
	}
	if _, err := newStore(Config{Endpoint: "127.0.0.1:1", Bucket: "b", RetentionMode: "FOREVER"}); err == nil {
		t.Error("RetentionMode FOREVER accepted")
	}
	s, err := newStore(Config{Endpoint: "https://s3.example.com", Bucket: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if s.client.EndpointURL().Scheme != "https" || s.retentionMode != minio.Governance || s.opTimeout != DefaultOpTimeout {
		t.Errorf("defaults: %s %s %s", s.client.EndpointURL(), s.retentionMode, s.opTimeout)
	}
}

// blackhole accepts TCP connections and never reads or answers: a hung
// server, the case a plain connect timeout does not catch.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestUnavailable(t *testing.T) {
	const opTimeout = time.Second
	const limit = 5 * time.Second
	for _, tc := range []struct {
		name string
		addr func(*testing.T) string
	}{
		{"ClosedPort", closedPort},
		{"Blackhole", blackhole},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := tc.addr(t)
			cfg := Config{Endpoint: addr, AccessKey: "k", SecretKey: "secret-key", Bucket: "fp-unreachable", OpTimeout: opTimeout}
			s, err := newStore(cfg)
			if err != nil {
				t.Fatal(err)
			}
			// Without this the retention check before Put would be skipped
			// and only PutObject itself tested; with it both are.
			s.locking = true
			key := storage.Key(storage.KindOriginals, "abcd2222")
			check := func(op string, f func(context.Context) error) {
				t.Helper()
				start := time.Now()
				err := f(t.Context())
				elapsed := time.Since(start)
				if !errors.Is(err, storage.ErrUnavailable) {
					t.Errorf("%s: err = %v, want ErrUnavailable", op, err)
				}
				if elapsed > limit {
					t.Errorf("%s took %s, want < %s (OpTimeout %s)", op, elapsed, limit, opTimeout)
				}
				t.Logf("%s: %s: %v", op, elapsed.Round(time.Millisecond), err)
			}
			check("New", func(ctx context.Context) error { _, err := New(ctx, cfg); return err })
			check("Ping", s.Ping)
			check("Stat", func(ctx context.Context) error { _, err := s.Stat(ctx, key); return err })
			check("Get", func(ctx context.Context) error {
				rc, _, err := s.Get(ctx, key)
				if err == nil {
					rc.Close()
				}
				return err
			})
			check("Delete", func(ctx context.Context) error { return s.Delete(ctx, key) })
			check("List", func(ctx context.Context) error {
				return s.List(ctx, "", func(storage.ObjectInfo) error { return nil })
			})
			s.locking = false
			for _, size := range []int{1000, 8 << 20} {
				data := make([]byte, size)
				check("Put", func(ctx context.Context) error {
					_, err := s.Put(ctx, key, bytes.NewReader(data), int64(size), storage.PutOptions{SHA256: sum(data)})
					return err
				})
			}
			if tc.name == "ClosedPort" {
				_, err := s.Stat(t.Context(), key)
				if err == nil || !strings.Contains(err.Error(), "refused") {
					t.Errorf("error should keep the original cause: %v", err)
				}
			}
		})
	}
}

// The caller cancelling is not the backend being unavailable.
func TestCallerCancelIsNotUnavailable(t *testing.T) {
	s, err := newStore(Config{Endpoint: blackhole(t), Bucket: "fp-bucket", OpTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err = s.Stat(ctx, "a/b")
	if err == nil || errors.Is(err, storage.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Stat cancelled by caller: err = %v, want context.Canceled and not ErrUnavailable", err)
	}
}

// A transfer that keeps moving must not be cut off by OpTimeout: the
// watchdog measures stalls, not total time.
func TestSlowUploadWithinProgressTimeout(t *testing.T) {
	s := newTestStore(t, func(c *Config) { c.OpTimeout = time.Second })
	data := randBytes(t, 64<<10)
	r := &slowReader{data: data, chunk: 4 << 10, delay: 200 * time.Millisecond} // ~3.2s total
	key := storage.Key(storage.KindStaging, "abcd3333")
	start := time.Now()
	if _, err := s.Put(t.Context(), key, r, int64(len(data)), storage.PutOptions{SHA256: sum(data)}); err != nil {
		t.Fatalf("slow but steady Put: %v", err)
	}
	if elapsed := time.Since(start); elapsed < 2*time.Second {
		t.Fatalf("upload took only %s; the test did not exercise a transfer longer than OpTimeout", elapsed)
	}
	rc, _, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	// A slow consumer must not trip the watchdog either.
	var got []byte
	buf := make([]byte, 16<<10)
	for {
		time.Sleep(400 * time.Millisecond)
		n, err := rc.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("slow read: %v", err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("slow read returned different bytes")
	}
}

type slowReader struct {
	data  []byte
	chunk int
	delay time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	n := copy(p[:min(len(p), r.chunk)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// A source that stalls mid-upload must fail the Put within OpTimeout,
// leaving nothing. It is the client's fault, not MinIO's, so the error is a
// timeout but not ErrUnavailable (which would make callers answer 503).
func TestStalledUploadFails(t *testing.T) {
	s := newTestStore(t, func(c *Config) { c.OpTimeout = time.Second })
	key := storage.Key(storage.KindStaging, "abcd4444")
	pr, pw := io.Pipe()
	go func() {
		pw.Write(make([]byte, 1000))
		// then nothing, never closed until the test ends
	}()
	t.Cleanup(func() { pw.Close() })
	start := time.Now()
	_, err := s.Put(t.Context(), key, pr, 100000, storage.PutOptions{})
	if err == nil || errors.Is(err, storage.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled Put: err = %v, want a DeadlineExceeded that is not ErrUnavailable", err)
	}
	t.Logf("stalled source: %v", err)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("stalled Put took %s", elapsed)
	}
	if _, err := s.Stat(t.Context(), key); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat after stalled Put: %v", err)
	}
}

// MinIO's listing extension carries content type and the recorded hash, so
// callers listing evidence do not need a HEAD per object.
func TestListCarriesMetadata(t *testing.T) {
	s := newTestStore(t, nil)
	ctx := t.Context()
	data := randBytes(t, 3000)
	key := storage.Key(storage.KindOriginals, "abcd5555")
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{ContentType: "image/jpeg", SHA256: sum(data)}); err != nil {
		t.Fatal(err)
	}
	var got []storage.ObjectInfo
	if err := s.List(ctx, "originals/", func(i storage.ObjectInfo) error { got = append(got, i); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != key || got[0].Size != 3000 || got[0].ContentType != "image/jpeg" || got[0].SHA256 != sum(data) {
		t.Fatalf("List = %+v", got)
	}
}
