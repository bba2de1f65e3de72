// Package storage is fieldproof's object-store layer: a narrow interface
// with two honest backends (local disk and MinIO/S3) that pass one shared
// conformance suite (storage/storagetest). Services receive a Store in their
// constructors; nothing here is global.
//
// Keys are always made by the server (see Key) and never contain a client's
// file name, so a hostile name cannot escape the store's root or collide
// with another object.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors every backend normalises to, so callers never see minio-go or
// os error types.
var (
	// ErrNotExist: no object under that key.
	ErrNotExist = errors.New("storage: object does not exist")
	// ErrChecksumMismatch: the bytes received do not hash to the SHA-256
	// the caller declared; nothing is kept.
	ErrChecksumMismatch = errors.New("storage: checksum mismatch")
	// ErrUnavailable: the backend could not be reached or did not answer
	// before the deadline. Callers turn this into 503 + Retry-After.
	ErrUnavailable = errors.New("storage: backend unavailable")
	// ErrNotSupported: the backend cannot do this (e.g. object locking on
	// a bucket created without it).
	ErrNotSupported = errors.New("storage: not supported by this backend")
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key         string
	Size        int64
	ContentType string
	// SHA256 is the lowercase hex digest recorded with the object, when the
	// backend knows it.
	SHA256       string
	LastModified time.Time
}

// PutOptions tune a Put.
type PutOptions struct {
	ContentType string
	// SHA256, when set (lowercase hex), is verified by the backend while the
	// bytes stream in; on mismatch Put returns ErrChecksumMismatch and leaves
	// no object behind. MinIO also receives it as the object checksum.
	SHA256 string
	// NewKey says the caller made key for this put alone (a fresh random
	// id), so nothing can be stored under it yet: a backend may skip the
	// look-up that keeps a put from landing on a retained object (one
	// round trip to MinIO per put).
	NewKey bool
}

// Store is the interface every backend implements.
type Store interface {
	// Put stores exactly size bytes from r under key. size must be known:
	// backends never buffer a whole object in memory to find it. The
	// returned SHA256 is that of the bytes received, declared or not, so a
	// caller streaming a body it has not hashed yet learns it here.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)
	// Get opens the object for reading. The caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error)
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// Delete removes the object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in key
	// order, until fn returns an error (which List returns).
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
	// Retain protects the object from deletion and overwrite until the given
	// time, where the backend supports object locking; ErrNotSupported
	// otherwise.
	Retain(ctx context.Context, key string, until time.Time) error
	// SignedURL returns a URL through which a client may GET (method
	// "GET") or PUT (method "PUT") the object directly, valid for ttl.
	// Backends that cannot sign return ErrNotSupported and the caller
	// streams through the API instead.
	SignedURL(ctx context.Context, method, key string, ttl time.Duration) (string, error)
	// Ping checks that the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Name is "local" or "s3", for logs and /readyz.
	Name() string
}

// Origin is where s's signed URLs point (scheme://host[:port]), for a web
// page's Content-Security-Policy; "" for a backend that signs none.
func Origin(s Store) string {
	if o, ok := s.(interface{ Origin() string }); ok {
		return o.Origin()
	}
	return ""
}
