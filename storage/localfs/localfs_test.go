package localfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/storagetest"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s := newStore(t)
		t.Cleanup(func() { assertNoLeftovers(t, s.Dir()) })
		return s
	})
}

// assertNoLeftovers checks that no failed Put left a temp file behind.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tmpPrefix) {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestRejectsTraversal(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "store")
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	victim := filepath.Join(parent, "victim")
	if err := os.WriteFile(victim, []byte("do not touch"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := []string{
		"",
		"../victim",
		"a/../../victim",
		"a/../b",
		"./a",
		"a/./b",
		"/etc/passwd",
		"/" + victim,
		"a\\..\\..\\victim",
		"..\\victim",
		"C:/x",
		"a//b",
		"a/",
		"..",
		".",
		"a/.b.meta.json",
		"a/.tmp-123.partial",
		"a/b\x00c",
		"a/b\nc",
		strings.Repeat("a", 1025),
	}
	data := []byte("evil")
	for _, key := range bad {
		if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put %q: err = %v, want ErrInvalidKey", key, err)
		}
		if _, _, err := s.Get(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Get %q: err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Stat %q: err = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Delete %q: err = %v, want ErrInvalidKey", key, err)
		}
	}
	for _, prefix := range []string{"../", "a/../../", "/etc/", "..\\", "a/.hidden/"} {
		if err := s.List(ctx, prefix, func(storage.ObjectInfo) error { return nil }); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("List %q: err = %v, want ErrInvalidKey", prefix, err)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "do not touch" {
		t.Fatalf("victim file changed: %q, %v", b, err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Errorf("files appeared next to the store: %v", entries)
	}
}

// A symlink planted inside the tree must not lead the store outside it.
func TestSymlinkEscape(t *testing.T) {
	parent := t.TempDir()
	outside := filepath.Join(parent, "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(parent, "store")
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.Symlink(outside, filepath.Join(root, "originals")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	ctx := context.Background()
	if _, _, err := s.Get(ctx, "originals/secret"); err == nil {
		t.Error("Get through a symlink out of the root succeeded")
	}
	data := []byte("x")
	if _, err := s.Put(ctx, "originals/new", bytes.NewReader(data), 1, storage.PutOptions{}); err == nil {
		t.Error("Put through a symlink out of the root succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); err == nil {
		t.Error("file created outside the root")
	}
	var listed []string
	if err := s.List(ctx, "", func(i storage.ObjectInfo) error { listed = append(listed, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 0 {
		t.Errorf("List followed a symlink: %v", listed)
	}
}

func TestLayoutAndSidecar(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	key := storage.Key(storage.KindOriginals, "abcd1234-0000-0000-0000-000000000000")
	data := []byte("photo bytes")
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{ContentType: "image/jpeg", SHA256: sum(data)}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Dir(), "originals", "ab", "cd", "abcd1234-0000-0000-0000-000000000000")
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("object file: %q, %v", b, err)
	}
	side := filepath.Join(filepath.Dir(p), ".abcd1234-0000-0000-0000-000000000000"+metaSuffix)
	b, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), sum(data)) || !strings.Contains(string(b), "image/jpeg") {
		t.Errorf("sidecar = %s", b)
	}

	// Without a sidecar the bytes stay readable; the hash is just unknown.
	if err := os.Remove(side); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != "" || st.ContentType != "application/octet-stream" || st.Size != int64(len(data)) {
		t.Errorf("Stat without sidecar = %+v", st)
	}
}

// Bytes that changed on disk after Put must not be served as good.
func TestGetDetectsBitrot(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	key := storage.Key(storage.KindOriginals, "abcd1234")
	data := bytes.Repeat([]byte("evidence"), 1000)
	if _, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{SHA256: sum(data)}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Dir(), filepath.FromSlash(key))
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("X"), 4000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rc, _, err := s.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, storage.ErrChecksumMismatch) {
		t.Fatalf("reading corrupted object: err = %v, want ErrChecksumMismatch", err)
	}
}

// Put must stream: the allocation for a 20 MiB object stays far below
// 20 MiB.
func TestPutStreamsWithoutBuffering(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const size = 20 << 20
	src := io.LimitReader(zeroReader{}, size)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := s.Put(ctx, "staging/00/00/0000-big", src, size, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("Put of %d bytes allocated %d bytes", size, alloc)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestPingReadOnly makes the root refuse writes by a means that holds for
// root too (CI runs as root, which ignores directory permissions): see
// makeReadOnly.
func TestPingReadOnly(t *testing.T) {
	s := newStore(t)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping on a writable root: %v", err)
	}
	makeReadOnly(t, s.Dir())
	if err := s.Ping(context.Background()); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("Ping on read-only root: err = %v, want ErrUnavailable", err)
	}
}

// TestPingRootRemoved: a root directory removed under a running server
// (an unmounted volume, a cleaned-up path) takes no writes whoever runs it.
func TestPingRootRemoved(t *testing.T) {
	s := newStore(t)
	if err := os.Remove(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("Ping on a removed root: err = %v, want ErrUnavailable", err)
	}
}
