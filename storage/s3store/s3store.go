// Package s3store is the MinIO/S3 storage backend.
//
// Buckets it creates have object locking (and therefore versioning) when
// the server allows it, or at least versioning: an overwrite or delete then
// leaves the previous bytes as a non-current version an administrator can
// restore. Objects put under retention with Retain cannot be deleted or
// overwritten through this package at all.
//
// The credentials need, besides object read/write/list/delete,
// s3:GetObjectRetention and s3:GetObjectLegalHold (so the retention check
// before Delete and Put can see the lock), s3:PutObjectRetention (Retain)
// and, for New to create the bucket, s3:CreateBucket,
// s3:PutBucketVersioning and s3:GetBucketObjectLockConfiguration.
package s3store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/fieldproof/fieldproof/storage"
)

const (
	// DefaultOpTimeout bounds data calls; see Config.OpTimeout.
	DefaultOpTimeout = 30 * time.Second
	// metaTimeout bounds calls that move no object data (Ping, Stat,
	// retention checks), so /readyz and HEADs fail fast.
	metaTimeout = 5 * time.Second

	// maxSinglePut is S3's limit for one PUT request.
	maxSinglePut = 5 << 30

	metaSHA256 = "Sha256" // stored as X-Amz-Meta-Sha256
)

// ErrRetained: Delete or Put refused because the current version of the
// object is under retention or legal hold.
var ErrRetained = errors.New("s3store: object is under retention")

// Config configures a Store.
type Config struct {
	// Endpoint is host:port; an http:// or https:// prefix is accepted and
	// sets UseSSL accordingly.
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	// Region defaults to "us-east-1" (MinIO's default). Setting it also
	// spares a GetBucketLocation round trip before the first request.
	Region string
	UseSSL bool
	// OpTimeout bounds how long a data call (Put, Get, List, Delete,
	// Retain) may go without progress: a Put or Get fails if no bytes
	// moved for OpTimeout, rather than after OpTimeout in total, so a
	// large photo on a slow phone connection is not cut off while a hung
	// MinIO still is. A Put whose source stops delivering for OpTimeout
	// fails too, with an error wrapping context.DeadlineExceeded but not
	// storage.ErrUnavailable, since the client and not MinIO stalled.
	// Default 30s. Ping and Stat use the smaller of 5s and OpTimeout.
	OpTimeout time.Duration
	// RetentionMode is the object-lock mode Retain applies: "GOVERNANCE"
	// (default; a user with s3:BypassGovernanceRetention can still correct
	// mistakes) or "COMPLIANCE" (nobody can shorten or remove it, not even
	// root).
	RetentionMode string
	// MultipartThreshold: objects larger than this are uploaded in parts.
	// S3 cannot check a declared whole-object SHA-256 against a multipart
	// upload, so for those Put verifies the hash itself and deletes the
	// uploaded version on mismatch. Default and maximum 5 GiB, S3's
	// single-PUT limit; tests lower it to exercise that path.
	MultipartThreshold int64
}

// Store is a storage.Store on one S3 bucket.
type Store struct {
	client        *minio.Client
	core          minio.Core
	bucket        string
	opTimeout     time.Duration
	metaTimeout   time.Duration
	retentionMode minio.RetentionMode
	threshold     int64
	locking       bool
	versioned     bool
}

var _ storage.Store = (*Store)(nil)

// New connects to the server and makes sure the bucket exists. A bucket it
// creates gets object locking if the server accepts that, otherwise
// versioning. An existing bucket is used as it is; see Locking and
// Versioned. It fails (wrapping storage.ErrUnavailable) if the server
// cannot be reached within OpTimeout.
func New(ctx context.Context, cfg Config) (*Store, error) {
	s, err := newStore(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newStore builds the client without touching the network.
func newStore(cfg Config) (*Store, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("s3store: Endpoint is required")
	}
	if cfg.Bucket == "" {
		return nil, errors.New("s3store: Bucket is required")
	}
	endpoint, secure := cfg.Endpoint, cfg.UseSSL
	if strings.Contains(endpoint, "://") {
		u, err := url.Parse(endpoint)
		if err != nil {
			return nil, fmt.Errorf("s3store: Endpoint: %w", err)
		}
		switch u.Scheme {
		case "http":
			secure = false
		case "https":
			secure = true
		default:
			return nil, fmt.Errorf("s3store: Endpoint scheme %q: want http or https", u.Scheme)
		}
		if u.Path != "" && u.Path != "/" {
			return nil, fmt.Errorf("s3store: Endpoint %q: a path is not supported", cfg.Endpoint)
		}
		endpoint = u.Host
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	mode := minio.RetentionMode(strings.ToUpper(cfg.RetentionMode))
	if mode == "" {
		mode = minio.Governance
	}
	if !mode.IsValid() {
		return nil, fmt.Errorf("s3store: RetentionMode %q: want GOVERNANCE or COMPLIANCE", cfg.RetentionMode)
	}
	op := cfg.OpTimeout
	if op <= 0 {
		op = DefaultOpTimeout
	}
	threshold := cfg.MultipartThreshold
	if threshold <= 0 || threshold > maxSinglePut {
		threshold = maxSinglePut
	}
	base, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    secure,
		Region:    region,
		Transport: recordingTransport{base},
		// Required by minio-go before it will send an x-amz-checksum-*
		// header or trailer.
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	return &Store{
		client:        client,
		core:          minio.Core{Client: client},
		bucket:        cfg.Bucket,
		opTimeout:     op,
		metaTimeout:   min(op, metaTimeout),
		retentionMode: mode,
		threshold:     threshold,
	}, nil
}

func (s *Store) setup(ctx context.Context) error {
	ctx, cancel := withTimeout(ctx, s.opTimeout)
	defer cancel()
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.mapErr(ctx, "bucket exists", s.bucket, err)
	}
	if !exists {
		if err := s.createBucket(ctx); err != nil {
			return err
		}
	}
	lock, _, _, _, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	switch {
	case err == nil:
		s.locking = lock == "Enabled"
	case errCode(err) == "ObjectLockConfigurationNotFoundError":
		s.locking = false
	default:
		// Some S3 implementations do not know the call at all; that is
		// "no locking", but an unreachable server is not.
		mapped := s.mapErr(ctx, "get object lock config", s.bucket, err)
		if errors.Is(mapped, storage.ErrUnavailable) {
			return mapped
		}
		s.locking = false
	}
	vc, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		mapped := s.mapErr(ctx, "get bucket versioning", s.bucket, err)
		if errors.Is(mapped, storage.ErrUnavailable) {
			return mapped
		}
	}
	s.versioned = s.locking || vc.Enabled()
	return nil
}

func (s *Store) createBucket(ctx context.Context) error {
	err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{ObjectLocking: true})
	if err == nil || alreadyOurs(err) {
		return nil
	}
	if mapped := s.mapErr(ctx, "make bucket", s.bucket, err); errors.Is(mapped, storage.ErrUnavailable) {
		return mapped
	}
	// The server refused object locking (e.g. a gateway or an S3 clone
	// without it): versioning alone still keeps overwritten and deleted
	// bytes.
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil && !alreadyOurs(err) {
		return s.mapErr(ctx, "make bucket", s.bucket, err)
	}
	if err := s.client.EnableVersioning(ctx, s.bucket); err != nil {
		return s.mapErr(ctx, "enable versioning", s.bucket, err)
	}
	return nil
}

func alreadyOurs(err error) bool {
	// Two replicas starting at once both try to create the bucket.
	return errCode(err) == "BucketAlreadyOwnedByYou"
}

// Locking reports whether the bucket has object locking, i.e. whether
// Retain works.
func (s *Store) Locking() bool { return s.locking }

// Versioned reports whether the bucket keeps old versions on overwrite and
// delete.
func (s *Store) Versioned() bool { return s.versioned }

// Bucket is the bucket name, for logs.
func (s *Store) Bucket() string { return s.bucket }

// Name implements storage.Store.
func (s *Store) Name() string { return "s3" }

// Put implements storage.Store. Up to MultipartThreshold a declared SHA-256
// travels as the x-amz-checksum-sha256 header, so MinIO itself refuses
// bytes that do not match before anything is stored; without one, minio-go
// computes it and MinIO stores it, so Stat can still report it. In every
// case the bytes are hashed here too, and a mismatch the server missed
// removes the version just written.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	want, err := storage.CheckPut(ctx, "s3store", key, size, opts)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	if s.locking && !opts.NewKey {
		if err := s.refuseIfRetained(ctx, "put", key); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	contentType := opts.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	popts := minio.PutObjectOptions{
		ContentType:  contentType,
		UserMetadata: map[string]string{},
	}
	if want != "" {
		popts.UserMetadata[metaSHA256] = want
	}
	serverChecks := size <= s.threshold
	if serverChecks {
		popts.DisableMultipart = true
		if want != "" {
			raw, _ := hex.DecodeString(want)
			popts.UserMetadata["x-amz-checksum-sha256"] = base64.StdEncoding.EncodeToString(raw)
		} else {
			popts.Checksum = minio.ChecksumSHA256
		}
	}

	wctx, wd := newWatchdog(ctx, s.opTimeout)
	defer wd.stop()
	er := &exactReader{ctx: wctx, r: r, size: size, remaining: size, h: sha256.New(), wd: wd}
	ui, err := s.client.PutObject(wctx, s.bucket, key, er, size, popts)
	// An early error response can return PutObject while the HTTP client
	// is still inside er.Read; stopping the watchdog releases that read so
	// the snapshot below does not wait on the source.
	wd.stop()
	remaining, got, inErr := er.result()
	if inErr != nil {
		// The input was wrong (short, long, unreadable); whatever minio-go
		// made of the aborted request is secondary.
		return storage.ObjectInfo{}, fmt.Errorf("s3store: put %s: %w", key, inErr)
	}
	if err != nil {
		if want != "" && remaining == 0 && got != want {
			return storage.ObjectInfo{}, fmt.Errorf("s3store: put %s: %w: declared %s, received bytes hash to %s (server: %v)",
				key, storage.ErrChecksumMismatch, want, got, err)
		}
		mapped := s.mapErr(wctx, "put", key, err)
		if remaining == 0 && (errors.Is(mapped, storage.ErrChecksumMismatch) || errCode(err) == "SignatureDoesNotMatch") {
			// Every byte was sent and hashed right here (it matched any
			// declared SHA-256), yet the store's check of the body (the
			// checksum trailer, or the chunk signatures of a streamed put)
			// failed: the bytes changed on the way. Sending them again
			// cures it, so it is the store being unavailable, not the
			// caller's bytes being wrong.
			return storage.ObjectInfo{}, fmt.Errorf("s3store: put %s: %w: the store received other bytes than were sent: %w",
				key, storage.ErrUnavailable, err)
		}
		return storage.ObjectInfo{}, mapped
	}
	if want != "" && got != want {
		// Only reachable above MultipartThreshold (or if the server ignored
		// the checksum header): remove exactly the version just written,
		// so on a versioned bucket the previous bytes become current again.
		rctx, cancel := withTimeout(context.WithoutCancel(ctx), s.opTimeout)
		defer cancel()
		rerr := s.client.RemoveObject(rctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: ui.VersionID})
		if rerr != nil {
			return storage.ObjectInfo{}, fmt.Errorf("s3store: put %s: %w: declared %s, received %s; removing version %q also failed: %v",
				key, storage.ErrChecksumMismatch, want, got, ui.VersionID, rerr)
		}
		return storage.ObjectInfo{}, fmt.Errorf("s3store: put %s: %w: declared %s, received bytes hash to %s",
			key, storage.ErrChecksumMismatch, want, got)
	}
	// LastModified stays as the server reported it: a single PUT's
	// response carries none, and an invented timestamp has no place next
	// to evidence. Stat has the real one.
	return storage.ObjectInfo{
		Key:          key,
		Size:         size,
		ContentType:  contentType,
		SHA256:       got,
		LastModified: ui.LastModified,
	}, nil
}

// exactReader feeds PutObject exactly size bytes, hashing them on the way.
// If the source ends early or has more, it fails the read before the final
// byte goes out, so the server sees an incomplete request and stores
// nothing (Go's HTTP client would otherwise send the full Content-Length
// and only complain afterwards).
type exactReader struct {
	mu        sync.Mutex
	ctx       context.Context
	r         io.Reader
	size      int64
	remaining int64
	h         hash.Hash
	wd        *watchdog
	err       error
	buf       []byte
	res       chan readResult
}

type readResult struct {
	n   int
	err error
}

// maxSourceRead caps one read from the source; minio-go may offer a whole
// 16 MiB part buffer.
const maxSourceRead = 256 << 10

func (e *exactReader) Read(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return 0, e.err
	}
	if e.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.remaining {
		p = p[:e.remaining]
	}
	n, err := e.readSource(p)
	if n > 0 {
		e.wd.kick()
		e.h.Write(p[:n])
		e.remaining -= int64(n)
	}
	if e.remaining == 0 {
		if perr := storage.ExpectEOF(sourceReader{e}); perr != nil {
			e.err = fmt.Errorf("after the declared %d bytes: %w", e.size, perr)
			return 0, e.err
		}
		return n, nil
	}
	switch {
	case err == io.EOF:
		e.err = fmt.Errorf("reader ended %d bytes short of the declared size: %w", e.remaining, io.ErrUnexpectedEOF)
		return 0, e.err
	case errors.Is(err, errDone):
		// Put is over; not a fault of the input.
		return 0, err
	case err != nil:
		e.err = fmt.Errorf("reading the upload source: %w", err)
		return 0, e.err
	}
	return n, nil
}

// result reports the bytes not yet received, the hex SHA-256 of those that
// were, and the input error, if any.
func (e *exactReader) result() (int64, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.remaining, hex.EncodeToString(e.h.Sum(nil)), e.err
}

// readSource reads from the source in a goroutine so that a source that
// blocks forever (a phone that stopped sending) cannot pin the upload:
// the HTTP client waits for a body Read to return before it gives up on
// a cancelled request. On cancellation the goroutine is abandoned; it ends
// when the owner of the source closes it.
func (e *exactReader) readSource(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, context.Cause(e.ctx)
	}
	if len(p) > maxSourceRead {
		p = p[:maxSourceRead]
	}
	if cap(e.buf) < len(p) {
		e.buf = make([]byte, len(p))
		e.res = make(chan readResult, 1)
	}
	buf, res, r := e.buf[:len(p)], e.res, e.r
	go func() {
		n, err := r.Read(buf)
		res <- readResult{n, err}
	}()
	select {
	case rr := <-res:
		copy(p, buf[:rr.n])
		return rr.n, rr.err
	case <-e.ctx.Done():
		// The abandoned goroutine still owns buf and res.
		e.buf, e.res = nil, nil
		return 0, context.Cause(e.ctx)
	}
}

// sourceReader adapts readSource to io.Reader for storage.ExpectEOF.
type sourceReader struct{ e *exactReader }

func (r sourceReader) Read(p []byte) (int, error) { return r.e.readSource(p) }

// Get implements storage.Store. The reader re-hashes the bytes and fails
// at EOF with storage.ErrChecksumMismatch if they do not match the SHA-256
// recorded with the object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error) {
	if err := storage.CheckKey(key); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("s3store: get %s: %w", key, err)
	}
	wctx, wd := newWatchdog(ctx, s.opTimeout)
	// Core.GetObject sends the request now, so a missing key is reported
	// here rather than on the first Read.
	body, oi, _, err := s.core.GetObject(wctx, s.bucket, key, minio.GetObjectOptions{Checksum: true})
	if err != nil {
		wd.stop()
		return nil, storage.ObjectInfo{}, s.mapErr(wctx, "get", key, err)
	}
	wd.pause()
	info := toInfo(key, oi)
	gr := &getReader{s: s, ctx: wctx, body: body, wd: wd, key: key, want: info.SHA256, size: info.Size}
	if info.SHA256 != "" {
		gr.h = sha256.New()
	}
	return gr, info, nil
}

type getReader struct {
	s    *Store
	ctx  context.Context
	body io.ReadCloser
	wd   *watchdog
	key  string
	h    hash.Hash
	want string
	size int64
	n    int64
}

func (g *getReader) Read(p []byte) (int, error) {
	// The watchdog only runs while we wait on MinIO, not while the caller
	// takes its time (e.g. writing to a slow client).
	g.wd.kick()
	n, err := g.body.Read(p)
	g.wd.pause()
	g.n += int64(n)
	if g.h != nil {
		g.h.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		if g.n != g.size {
			return n, fmt.Errorf("s3store: get %s: got %d bytes, expected %d: %w", g.key, g.n, g.size, io.ErrUnexpectedEOF)
		}
		if g.h != nil {
			if got := hex.EncodeToString(g.h.Sum(nil)); got != g.want {
				return n, fmt.Errorf("%w: %s read back as %s, recorded %s", storage.ErrChecksumMismatch, g.key, got, g.want)
			}
		}
	case err != nil:
		return n, g.s.mapErr(g.ctx, "get", g.key, err)
	}
	return n, err
}

func (g *getReader) Close() error {
	err := g.body.Close()
	g.wd.stop()
	return err
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	oi, err := s.stat(ctx, "stat", key)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return toInfo(key, oi), nil
}

func (s *Store) stat(ctx context.Context, op, key string) (minio.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return minio.ObjectInfo{}, fmt.Errorf("s3store: %s %s: %w", op, key, err)
	}
	ctx, cancel := withTimeout(ctx, s.metaTimeout)
	defer cancel()
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		return minio.ObjectInfo{}, s.mapErr(ctx, op, key, err)
	}
	return oi, nil
}

// refuseIfRetained returns ErrRetained if key's current version is locked.
// On a versioned bucket S3 would accept the request anyway — a delete
// marker or a new version on top — and the API would then serve something
// other than the retained evidence, or nothing.
func (s *Store) refuseIfRetained(ctx context.Context, op, key string) error {
	oi, err := s.stat(ctx, op, key)
	if errors.Is(err, storage.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	h := oi.Headers
	if strings.EqualFold(h.Get("X-Amz-Object-Lock-Legal-Hold"), "ON") {
		return fmt.Errorf("s3store: %s %s: %w (legal hold)", op, key, ErrRetained)
	}
	if v := h.Get("X-Amz-Object-Lock-Retain-Until-Date"); v != "" {
		until, err := time.Parse(time.RFC3339, v)
		if err != nil {
			// Fail closed: an unreadable date is still a lock.
			return fmt.Errorf("s3store: %s %s: %w (unparseable retain-until %q)", op, key, ErrRetained, v)
		}
		if time.Now().Before(until) {
			return fmt.Errorf("s3store: %s %s: %w (%s until %s)", op, key, ErrRetained,
				h.Get("X-Amz-Object-Lock-Mode"), until.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// Delete implements storage.Store. On a versioned bucket it removes the
// current version the way S3 does, with a delete marker, so the bytes stay
// recoverable by an administrator; an object under retention or legal hold
// is refused with ErrRetained instead. A missing key is a no-op, without
// writing a delete marker for it.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("s3store: delete %s: %w", key, err)
	}
	if s.locking {
		if err := s.refuseIfRetained(ctx, "delete", key); err != nil {
			return err
		}
	} else if _, err := s.stat(ctx, "delete", key); errors.Is(err, storage.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, s.opTimeout)
	defer cancel()
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if err := s.mapErr(ctx, "delete", key, err); !errors.Is(err, storage.ErrNotExist) {
			return err
		}
	}
	return nil
}

// List implements storage.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	if err := storage.CheckPrefix(prefix); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("s3store: list %q: %w", prefix, err)
	}
	wctx, wd := newWatchdog(ctx, s.opTimeout)
	// Stopping the watchdog also cancels wctx, which ends minio-go's
	// listing goroutine when fn stops us early.
	defer wd.stop()
	ch := s.client.ListObjects(wctx, s.bucket, minio.ListObjectsOptions{
		Prefix:    prefix,
		Recursive: true,
		// A MinIO extension that returns content type and user metadata
		// in the listing, saving a HEAD per object.
		WithMetadata: true,
	})
	for {
		wd.kick()
		oi, ok := <-ch
		wd.pause()
		if !ok {
			break
		}
		if oi.Err != nil {
			return s.mapErr(wctx, "list", prefix, oi.Err)
		}
		info := storage.ObjectInfo{Key: oi.Key, Size: oi.Size, LastModified: oi.LastModified, ContentType: oi.ContentType}
		if ct := oi.UserMetadata["content-type"]; info.ContentType == "" && ct != "" {
			info.ContentType = ct
		}
		if v, err := normSHA256(oi.UserMetadataStripped[metaSHA256]); err == nil {
			info.SHA256 = v
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	// A closed channel after cancellation is not a complete listing.
	if err := wctx.Err(); err != nil {
		return s.mapErr(wctx, "list", prefix, err)
	}
	return nil
}

// Retain implements storage.Store with an object-lock retention in
// Config.RetentionMode on the current version.
func (s *Store) Retain(ctx context.Context, key string, until time.Time) error {
	if err := storage.CheckKey(key); err != nil {
		return err
	}
	if !s.locking {
		return fmt.Errorf("s3store: retain %s: bucket %s has no object lock: %w", key, s.bucket, storage.ErrNotSupported)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("s3store: retain %s: %w", key, err)
	}
	ctx, cancel := withTimeout(ctx, s.opTimeout)
	defer cancel()
	mode := s.retentionMode
	until = until.UTC()
	err := s.client.PutObjectRetention(ctx, s.bucket, key, minio.PutObjectRetentionOptions{
		Mode:            &mode,
		RetainUntilDate: &until,
	})
	if err != nil {
		return s.mapErr(ctx, "retain", key, err)
	}
	return nil
}

// Origin is scheme://host[:port] of the endpoint, where signed URLs point:
// a page that shows photos by them lets its images load from here.
func (s *Store) Origin() string {
	u := s.client.EndpointURL()
	return u.Scheme + "://" + u.Host
}

// SignedURL implements storage.Store. Bytes PUT through the URL bypass
// Put: they are not hashed or size-checked here and carry no
// X-Amz-Meta-Sha256, so the caller must Stat and verify them before
// treating them as evidence.
func (s *Store) SignedURL(ctx context.Context, method, key string, ttl time.Duration) (string, error) {
	if err := storage.CheckKey(key); err != nil {
		return "", err
	}
	var (
		u   *url.URL
		err error
	)
	switch method {
	case http.MethodGet:
		u, err = s.client.PresignedGetObject(ctx, s.bucket, key, ttl, nil)
	case http.MethodPut:
		u, err = s.client.PresignedPutObject(ctx, s.bucket, key, ttl)
	default:
		return "", fmt.Errorf("s3store: signed url %s: method %q: want GET or PUT", key, method)
	}
	if err != nil {
		return "", fmt.Errorf("s3store: signed url %s %s: %w", method, key, err)
	}
	return u.String(), nil
}

// Ping implements storage.Store.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := withTimeout(ctx, s.metaTimeout)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.mapErr(ctx, "ping", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("s3store: ping: bucket %s does not exist", s.bucket)
	}
	return nil
}

func toInfo(key string, oi minio.ObjectInfo) storage.ObjectInfo {
	info := storage.ObjectInfo{
		Key:          key,
		Size:         oi.Size,
		ContentType:  oi.ContentType,
		LastModified: oi.LastModified,
	}
	// The server-verified checksum wins; a composite checksum of a
	// multipart upload ("<base64>-<parts>") is not the object's SHA-256.
	if c := oi.ChecksumSHA256; c != "" && !strings.Contains(c, "-") && !strings.EqualFold(oi.ChecksumMode, "COMPOSITE") {
		if raw, err := base64.StdEncoding.DecodeString(c); err == nil && len(raw) == sha256.Size {
			info.SHA256 = hex.EncodeToString(raw)
			return info
		}
	}
	if v, err := normSHA256(oi.UserMetadata[metaSHA256]); err == nil {
		info.SHA256 = v
	}
	return info
}

func normSHA256(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	s = strings.ToLower(s)
	if len(s) != 64 {
		return "", fmt.Errorf("sha256 %q is not 64 hex digits", s)
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", fmt.Errorf("sha256 %q is not hex", s)
	}
	return s, nil
}

func errCode(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

// mapErr turns a minio-go error into one of the storage sentinels where
// one fits, keeping the original message. ctx is the context the call ran
// under, to tell our own timeouts from the caller cancelling.
func (s *Store) mapErr(ctx context.Context, op, key string, err error) error {
	// minio-go retries failed connections until the deadline and then
	// reports only the deadline; the last transport error says why.
	var last string
	if rec, ok := ctx.Value(recorderKey{}).(*errRecorder); ok {
		lerr := rec.get()
		if lerr != nil && !errors.Is(lerr, context.DeadlineExceeded) && !errors.Is(lerr, context.Canceled) &&
			!strings.Contains(err.Error(), lerr.Error()) {
			last = fmt.Sprintf(" (last attempt: %v)", lerr)
		}
	}
	wrap := func(sentinel error) error {
		return fmt.Errorf("s3store: %s %s: %w: %w%s", op, key, sentinel, err, last)
	}
	if errors.Is(context.Cause(ctx), errStalled) {
		return fmt.Errorf("s3store: %s %s: %w: %w%s", op, key, storage.ErrUnavailable, context.Cause(ctx), last)
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		switch er.Code {
		case "NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NoSuchObjectLockConfiguration":
			return wrap(storage.ErrNotExist)
		case "BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "XAmzContentSHA256Mismatch":
			return wrap(storage.ErrChecksumMismatch)
		case "SlowDown", "SlowDownRead", "SlowDownWrite", "ServiceUnavailable", "InternalError",
			"RequestTimeout", "RequestTimeTooSkewed", "XMinioServerNotInitialized", "XMinioStorageFull",
			"XMinioReadQuorum", "XMinioWriteQuorum", "XMinioAdminBucketQuotaExceeded":
			return wrap(storage.ErrUnavailable)
		}
		if er.StatusCode >= 500 {
			return wrap(storage.ErrUnavailable)
		}
		if er.StatusCode == http.StatusNotFound {
			return wrap(storage.ErrNotExist)
		}
		return fmt.Errorf("s3store: %s %s: %w", op, key, err)
	}
	if errors.Is(err, context.Canceled) {
		// Our own timeouts surface as DeadlineExceeded or errStalled, so
		// this is the caller giving up; the backend did nothing wrong.
		return fmt.Errorf("s3store: %s %s: %w", op, key, err)
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return wrap(storage.ErrUnavailable)
	}
	return fmt.Errorf("s3store: %s %s: %w", op, key, err)
}

// errStalled is the cancel cause when a watchdog fires; errDone when the
// guarded call is over.
var (
	errStalled = errors.New("no progress")
	errDone    = errors.New("s3store: operation finished")
)

// watchdog cancels its context when the call it guards makes no progress
// for d: unlike a deadline, it lets a long transfer run as long as bytes
// keep moving.
type watchdog struct {
	d      time.Duration
	timer  *time.Timer
	cancel context.CancelCauseFunc
}

func newWatchdog(parent context.Context, d time.Duration) (context.Context, *watchdog) {
	ctx, cancel := context.WithCancelCause(withRecorder(parent))
	w := &watchdog{d: d, cancel: cancel}
	w.timer = time.AfterFunc(d, func() {
		cancel(fmt.Errorf("%w for %s: %w", errStalled, d, context.DeadlineExceeded))
	})
	return ctx, w
}

// kick restarts the countdown.
func (w *watchdog) kick() { w.timer.Reset(w.d) }

// pause stops the countdown while the caller, not the backend, has the
// turn.
func (w *watchdog) pause() { w.timer.Stop() }

// stop releases the watchdog and its context.
func (w *watchdog) stop() {
	w.timer.Stop()
	w.cancel(errDone)
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(withRecorder(ctx), d)
}

type recorderKey struct{}

// errRecorder keeps the last transport error of one operation.
type errRecorder struct {
	mu  sync.Mutex
	err error
}

func (r *errRecorder) get() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func withRecorder(ctx context.Context) context.Context {
	return context.WithValue(ctx, recorderKey{}, &errRecorder{})
}

// recordingTransport notes transport errors in the request's recorder.
type recordingTransport struct{ base http.RoundTripper }

func (t recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		if rec, ok := req.Context().Value(recorderKey{}).(*errRecorder); ok {
			rec.mu.Lock()
			rec.err = err
			rec.mu.Unlock()
		}
	}
	return resp, err
}
