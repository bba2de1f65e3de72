// Package localfs is the local-disk storage backend, for single-node
// deployments and development.
//
// Layout: an object with key "a/b/c" is the file <root>/a/b/c; its content
// type and SHA-256 live in the sidecar <root>/a/b/.c.meta.json.
// storage.CheckKey refuses segments starting with a dot, so sidecars and
// in-flight temp files (".tmp-*.partial") can never be addressed,
// overwritten or listed as objects.
//
// One process per root: the per-key locks that keep a file and its sidecar
// consistent are in-memory only.
package localfs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fieldproof/fieldproof/storage"
)

const (
	filePerm = 0o640
	dirPerm  = 0o750

	tmpPrefix  = ".tmp-"
	tmpSuffix  = ".partial"
	metaSuffix = ".meta.json"

	copyBufSize = 256 << 10
)

// Store is a storage.Store on a local directory tree.
type Store struct {
	dir  string
	root *os.Root
	// Striped rather than per-key so memory stays constant; a collision
	// only serialises two unrelated writes briefly.
	locks [256]sync.Mutex
}

var _ storage.Store = (*Store)(nil)

// New opens (creating if needed) the directory root as a store. All file
// access goes through an os.Root, so even a symlink planted inside the tree
// cannot make the store touch files outside it.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("localfs: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("localfs: %w", err)
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("localfs: create root: %w", err)
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("localfs: open root: %w", err)
	}
	return &Store{dir: abs, root: r}, nil
}

// Close releases the root directory handle.
func (s *Store) Close() error { return s.root.Close() }

// Dir is the absolute root directory, for logs.
func (s *Store) Dir() string { return s.dir }

// Name implements storage.Store.
func (s *Store) Name() string { return "local" }

type meta struct {
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	// Size lets a reader detect a sidecar that does not belong to the file
	// next to it (e.g. the file was replaced by hand).
	Size int64 `json:"size"`
}

// Put implements storage.Store. The object appears under key only after
// all size bytes arrived, hashed correctly and reached the disk; until then
// it lives in a temp file that a failure removes.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	want, err := storage.CheckPut(ctx, "localfs", key, size, opts)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	contentType := opts.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	dir := path.Dir(key)
	if err := s.mkdirAll(dir); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}

	tmpData, err := s.writeTemp(dir, func(f *os.File) error {
		got, err := copyExact(ctx, f, r, size)
		if err != nil {
			return err
		}
		if want != "" && got != want {
			return fmt.Errorf("%w: declared sha256 %s, received bytes hash to %s", storage.ErrChecksumMismatch, want, got)
		}
		want = got
		return nil
	})
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = s.root.Remove(tmpData)
		}
	}()
	m := meta{ContentType: contentType, SHA256: want, Size: size}
	tmpMeta, err := s.writeTemp(dir, func(f *os.File) error { return json.NewEncoder(f).Encode(m) })
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: sidecar: %w", key, err)
	}
	defer func() {
		if !committed {
			_ = s.root.Remove(tmpMeta)
		}
	}()

	mu := s.lock(key)
	mu.Lock()
	defer mu.Unlock()
	// Last chance to honour a cancelled request: after this point the
	// object is visible.
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}
	sidecar := metaName(key)
	// On overwrite the old sidecar goes first, so a crash between the two
	// renames below leaves a file with no metadata (honestly "unknown")
	// rather than new bytes described by the old hash, or vice versa.
	if err := s.root.Remove(sidecar); err == nil {
		if err := s.syncDir(dir); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
		}
	} else if !isNotExist(err) {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: remove old sidecar: %w", key, err)
	}
	if err := s.root.Rename(tmpData, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}
	committed = true
	// The data rename must be durable before the sidecar's, for the same
	// reason as above.
	if err := s.syncDir(dir); err != nil {
		_ = s.root.Remove(tmpMeta)
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}
	if err := s.root.Rename(tmpMeta, sidecar); err != nil {
		_ = s.root.Remove(tmpMeta)
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: sidecar: %w", key, err)
	}
	if err := s.syncDir(dir); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: put %s: %w", key, err)
	}
	info := storage.ObjectInfo{Key: key, Size: size, ContentType: contentType, SHA256: want}
	if fi, err := s.root.Lstat(key); err == nil {
		info.LastModified = fi.ModTime()
	}
	return info, nil
}

// writeTemp creates a uniquely named temp file in dir, lets fill write it,
// and fsyncs it. It returns the temp file's name, or removes it on error.
func (s *Store) writeTemp(dir string, fill func(*os.File) error) (string, error) {
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	name := path.Join(dir, tmpPrefix+hex.EncodeToString(rnd[:])+tmpSuffix)
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return "", err
	}
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = s.root.Remove(name)
		return "", err
	}
	return name, nil
}

// copyExact copies exactly size bytes from r to w through a fixed buffer
// and returns their SHA-256. It fails if r ends early or has bytes left
// over: a size that does not match the stream means the client and server
// disagree about what the evidence is, so neither version is kept.
func copyExact(ctx context.Context, w io.Writer, r io.Reader, size int64) (string, error) {
	h := sha256.New()
	buf := make([]byte, copyBufSize)
	n, err := io.CopyBuffer(io.MultiWriter(w, h), &ctxReader{ctx: ctx, r: io.LimitReader(r, size)}, buf)
	if err != nil {
		return "", err
	}
	if n < size {
		return "", fmt.Errorf("reader ended after %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
	}
	if err := storage.ExpectEOF(r); err != nil {
		return "", fmt.Errorf("after %d bytes: %w", size, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Get implements storage.Store. The returned reader re-hashes the bytes and
// fails at EOF with storage.ErrChecksumMismatch if they no longer match the
// SHA-256 recorded at Put: a local disk has no bitrot protection of its own,
// and evidence that silently changed must not be served as good.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error) {
	if err := storage.CheckKey(key); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("localfs: get %s: %w", key, err)
	}
	mu := s.lock(key)
	mu.Lock()
	f, err := s.root.Open(key)
	if err != nil {
		mu.Unlock()
		return nil, storage.ObjectInfo{}, s.notExist("get", key, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		mu.Unlock()
		f.Close()
		if err == nil {
			err = fs.ErrNotExist
		}
		return nil, storage.ObjectInfo{}, s.notExist("get", key, err)
	}
	info := s.infoFor(key, fi)
	mu.Unlock()
	vr := &verifyingReader{ctx: ctx, f: f, key: key, size: fi.Size(), want: info.SHA256}
	if info.SHA256 != "" {
		vr.h = sha256.New()
	}
	return vr, info, nil
}

type verifyingReader struct {
	ctx  context.Context
	f    *os.File
	key  string
	h    hash.Hash
	want string
	size int64
	n    int64
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if err := v.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := v.f.Read(p)
	v.n += int64(n)
	if v.h != nil {
		v.h.Write(p[:n])
	}
	if err == io.EOF {
		if v.n != v.size {
			return n, fmt.Errorf("localfs: get %s: file is %d bytes, expected %d", v.key, v.n, v.size)
		}
		if v.h != nil {
			if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
				return n, fmt.Errorf("%w: %s on disk hashes to %s, recorded %s", storage.ErrChecksumMismatch, v.key, got, v.want)
			}
		}
	}
	return n, err
}

func (v *verifyingReader) Close() error { return v.f.Close() }

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: stat %s: %w", key, err)
	}
	mu := s.lock(key)
	mu.Lock()
	defer mu.Unlock()
	fi, err := s.root.Lstat(key)
	if err != nil {
		return storage.ObjectInfo{}, s.notExist("stat", key, err)
	}
	if !fi.Mode().IsRegular() {
		return storage.ObjectInfo{}, fmt.Errorf("localfs: stat %s: %w", key, storage.ErrNotExist)
	}
	return s.infoFor(key, fi), nil
}

// infoFor builds ObjectInfo from the file and its sidecar. A missing or
// mismatched sidecar yields an empty SHA256 ("unknown") rather than an
// error, so the bytes stay readable.
func (s *Store) infoFor(key string, fi fs.FileInfo) storage.ObjectInfo {
	info := storage.ObjectInfo{
		Key:          key,
		Size:         fi.Size(),
		ContentType:  "application/octet-stream",
		LastModified: fi.ModTime(),
	}
	b, err := s.root.ReadFile(metaName(key))
	if err != nil {
		return info
	}
	var m meta
	if json.Unmarshal(b, &m) != nil || m.Size != fi.Size() {
		return info
	}
	if m.ContentType != "" {
		info.ContentType = m.ContentType
	}
	info.SHA256 = m.SHA256
	return info
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localfs: delete %s: %w", key, err)
	}
	mu := s.lock(key)
	mu.Lock()
	defer mu.Unlock()
	fi, err := s.root.Lstat(key)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return fmt.Errorf("localfs: delete %s: %w", key, err)
	}
	if fi.IsDir() {
		// "originals/ab" names a shard directory, not an object.
		return nil
	}
	// Data first: a crash in between leaves an orphan sidecar, which
	// nothing reads, rather than a file without its hash.
	if err := s.root.Remove(key); err != nil && !isNotExist(err) {
		return fmt.Errorf("localfs: delete %s: %w", key, err)
	}
	if err := s.root.Remove(metaName(key)); err != nil && !isNotExist(err) {
		return fmt.Errorf("localfs: delete %s: sidecar: %w", key, err)
	}
	dir := path.Dir(key)
	if err := s.syncDir(dir); err != nil {
		return fmt.Errorf("localfs: delete %s: %w", key, err)
	}
	return nil
}

// List implements storage.Store. It walks only the directory the prefix
// points into and visits entries in key order (a directory "d" sorts as
// "d/"), so it streams without collecting the whole listing.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	if err := storage.CheckPrefix(prefix); err != nil {
		return err
	}
	dir := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir = prefix[:i]
	}
	return s.walk(ctx, dir, prefix, fn)
}

func (s *Store) walk(ctx context.Context, dir, prefix string, fn func(storage.ObjectInfo) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localfs: list: %w", err)
	}
	f, err := s.root.Open(dir)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return fmt.Errorf("localfs: list %s: %w", dir, err)
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return fmt.Errorf("localfs: list %s: %w", dir, err)
	}
	sortKey := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(sortKey(a), sortKey(b)) })
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		key := e.Name()
		if dir != "." {
			key = dir + "/" + key
		}
		switch {
		case e.IsDir():
			sub := key + "/"
			if strings.HasPrefix(sub, prefix) || strings.HasPrefix(prefix, sub) {
				if err := s.walk(ctx, key, prefix, fn); err != nil {
					return err
				}
			}
		case e.Type().IsRegular():
			if !strings.HasPrefix(key, prefix) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("localfs: list: %w", err)
			}
			info, err := s.Stat(ctx, key)
			if errors.Is(err, storage.ErrNotExist) {
				continue // deleted while we listed
			}
			if err != nil {
				return err
			}
			if err := fn(info); err != nil {
				return err
			}
		}
		// Symlinks and other special files are not objects.
	}
	return nil
}

// Retain implements storage.Store: a local disk cannot enforce retention
// against its own administrator, so it does not pretend to.
func (s *Store) Retain(ctx context.Context, key string, until time.Time) error {
	return fmt.Errorf("localfs: retain: %w", storage.ErrNotSupported)
}

// SignedURL implements storage.Store: there is no server to sign for.
func (s *Store) SignedURL(ctx context.Context, method, key string, ttl time.Duration) (string, error) {
	return "", fmt.Errorf("localfs: signed url: %w", storage.ErrNotSupported)
}

// Ping implements storage.Store by creating and removing a file, since a
// read-only or full disk is what actually breaks uploads.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localfs: ping: %w", err)
	}
	name, err := s.writeTemp(".", func(f *os.File) error {
		_, err := f.Write([]byte("ping"))
		return err
	})
	if err != nil {
		return fmt.Errorf("localfs: ping %s: %w: %w", s.dir, storage.ErrUnavailable, err)
	}
	if err := s.root.Remove(name); err != nil {
		return fmt.Errorf("localfs: ping %s: %w: %w", s.dir, storage.ErrUnavailable, err)
	}
	return nil
}

func (s *Store) lock(key string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(key))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}

// mkdirAll creates dir and fsyncs the parent of every directory it
// created, so the new path survives a crash together with the file that
// will be renamed into it.
func (s *Store) mkdirAll(dir string) error {
	if fi, err := s.root.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	parts := strings.Split(dir, "/")
	var toSync []string
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		err := s.root.Mkdir(p, dirPerm)
		switch {
		case err == nil:
			toSync = append(toSync, path.Dir(p))
		case errors.Is(err, fs.ErrExist):
		default:
			return err
		}
	}
	for _, d := range toSync {
		if err := s.syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) syncDir(dir string) error {
	f, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Store) notExist(op, key string, err error) error {
	if isNotExist(err) {
		return fmt.Errorf("localfs: %s %s: %w", op, key, storage.ErrNotExist)
	}
	return fmt.Errorf("localfs: %s %s: %w", op, key, err)
}

// isNotExist also treats ENOTDIR as missing: for key "a/b/c" where "a/b"
// is a file, there is no such object.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func metaName(key string) string {
	dir, name := path.Split(key)
	return dir + "." + name + metaSuffix
}
