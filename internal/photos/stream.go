package photos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/storage"
)

// arrival is how an upload's bytes reach accept: all in already (body
// nil), so they are checked before anything is stored; or still arriving,
// so accept streams them into the store and checks the copy kept in memory
// once the object is durable.
type arrival struct {
	got  *received
	head []byte    // streamed: the sniffed first bytes
	body io.Reader // streamed: the rest, got.size bytes in all
}

// streamable takes the memory for a body of declared size, so it can be
// streamed; false sends it through receive instead.
func (s *Service) streamable(size int64) (*received, bool) {
	if size <= 0 || !s.mem.take(size) {
		return nil, false
	}
	return &received{size: size, held: size, b: s.mem}, true
}

// stream puts a.body under key while it arrives: one pass feeds the
// store's Put (which hashes the bytes and has the store verify them: MinIO
// checks the SHA-256 trailer, localfs hashes while it writes and fsyncs)
// and the in-memory copy the checks read afterwards.
//
// The put has no total deadline: it lasts as long as the phone takes to
// send, which the request's read deadline bounds. The storage deadline
// bounds the store's turns instead, the time between one piece of the
// body and the store asking for the next, and the store's finish after
// the last: a store that stops taking bytes is a 503 after that long
// however slowly the phone sends.
func (s *Service) stream(ctx context.Context, a arrival, key string, intent *ahead) error {
	rc := a.got
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	turn := time.AfterFunc(s.cfg.StorageDeadline, func() { cancel(errStoreStalled) })
	defer turn.Stop()
	in := &intake{r: intent.gate(io.MultiReader(bytes.NewReader(a.head), a.body), rc.size), buf: make([]byte, 0, rc.size),
		wait: func() { turn.Stop() }, done: func() { turn.Reset(s.cfg.StorageDeadline) }}
	info, err := s.objects.Put(ctx, key, in, rc.size, storage.PutOptions{ContentType: rc.format.MIMEType(), NewKey: true})
	if err != nil && errors.Is(context.Cause(ctx), errStoreStalled) {
		go s.dropObject(key)
		return errs.Unavailable("storage_unavailable", 30*time.Second, fmt.Errorf("%w: %w", errStoreStalled, err))
	}
	if err != nil {
		// Nothing was stored (a put either completes or leaves nothing),
		// but a put that timed out may still land: remove it on the side.
		go s.dropObject(key)
		return s.streamErr(ctx, in, err, rc.size)
	}
	rc.data = in.bytes()
	rc.sha = info.SHA256
	if rc.sha == "" {
		sum := sha256.Sum256(rc.data)
		rc.sha = hex.EncodeToString(sum[:])
	}
	return nil
}

var errStoreStalled = errors.New("the object store took no bytes within the storage deadline")

// streamErr tells the phone's faults (a body that broke off, was too
// long or too short, or stalled) from the store's.
func (s *Service) streamErr(ctx context.Context, in *intake, err error, size int64) error {
	if berr := in.failure(); berr != nil {
		return readErr(berr)
	}
	if errors.Is(err, storage.ErrUnavailable) {
		return storeErr(err)
	}
	switch {
	case errors.Is(err, storage.ErrTooLong), errors.Is(err, io.ErrUnexpectedEOF):
		return sizeMismatch(in.count(), size)
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		// The store's stall timeout fired while it waited for the body.
		return errs.New(errs.KindInvalid, "upload_interrupted", "the upload body stopped arriving").Wrap(err)
	}
	return storeErr(err)
}

// intake is the body as the store reads it: the bytes it pulls are also
// kept, up to the declared size. The store may abandon a read that blocks
// (a phone that stopped sending), hence the lock.
type intake struct {
	// wait and done bracket each read of the body: the phone's turn, not
	// the store's.
	wait, done func()
	mu         sync.Mutex
	r          io.Reader
	buf        []byte
	n          int64
	err        error // the body's own failure; io.EOF is none
}

func (in *intake) Read(p []byte) (int, error) {
	in.wait()
	n, err := in.r.Read(p)
	in.done()
	in.mu.Lock()
	defer in.mu.Unlock()
	in.n += int64(n)
	keep := min(n, cap(in.buf)-len(in.buf)) // beyond it the store refuses the body
	in.buf = append(in.buf, p[:keep]...)
	if err != nil && err != io.EOF && in.err == nil {
		in.err = err
	}
	return n, err
}

func (in *intake) failure() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

func (in *intake) count() int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.n
}

func (in *intake) bytes() []byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.buf
}
