package photos

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/renditions"
)

// received is an upload's bytes once all of them are in: in memory
// (within the upload memory budget) or spooled to a temp file. Either way
// they can be read again as often as the checks need.
type received struct {
	data   []byte   // in memory, or
	f      *os.File // on disk
	size   int64
	sha    string
	format renditions.Format
	w, h   int
	held   int64 // budget bytes to give back
	b      *budget
}

// reader reads the bytes from the start; every call is independent.
func (r *received) reader() *io.SectionReader {
	if r.f != nil {
		return io.NewSectionReader(r.f, 0, r.size)
	}
	return io.NewSectionReader(bytes.NewReader(r.data), 0, r.size)
}

func (r *received) close() {
	if r.f != nil {
		name := r.f.Name()
		_ = r.f.Close()
		_ = os.Remove(name)
	}
	r.data = nil
	r.b.give(r.held)
	r.held = 0
}

// sniff reads the body's first bytes and refuses anything that is not an
// image before a byte of it is stored.
func sniff(body io.Reader) ([]byte, renditions.Format, error) {
	head := make([]byte, renditions.SniffLen)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, 0, readErr(err)
	}
	head = head[:n]
	f, ferr := renditions.Sniff(head)
	if ferr != nil {
		return nil, 0, errs.New(errs.KindUnsupportedMedia, "unsupported_media_type",
			"the file is not a JPEG, PNG, WebP or HEIC image")
	}
	return head, f, nil
}

// receive reads a whole body, hashing it on the way. It keeps the bytes in
// memory while the budget grants them and spills to a temp file from the
// first refusal on, so a body of unknown size costs no disk when it fits.
func (s *Service) receive(body io.Reader) (*received, error) {
	limited := io.LimitReader(body, s.cfg.MaxUploadBytes+1)
	head, f, err := sniff(limited)
	if err != nil {
		return nil, err
	}
	rc := &received{format: f, b: s.mem}
	w := &spill{s: s, r: rc}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(w, h), io.MultiReader(bytes.NewReader(head), limited))
	if err != nil {
		rc.close()
		if errors.Is(err, errSpool) {
			return nil, err
		}
		return nil, readErr(err)
	}
	if size > s.cfg.MaxUploadBytes {
		rc.close()
		return nil, tooLarge(s.cfg.MaxUploadBytes)
	}
	rc.size, rc.sha = size, hex.EncodeToString(h.Sum(nil))
	return rc, nil
}

// errSpool marks a temp-file failure in receive, which is the server's
// fault and not the body's.
var errSpool = errors.New("spool upload")

// minGrow is the smallest budget step of a body of unknown size.
const minGrow = 256 << 10

// spill writes into r's memory while the budget grants it, then into a
// temp file.
type spill struct {
	s *Service
	r *received
}

func (w *spill) Write(p []byte) (int, error) {
	r := w.r
	if r.f != nil {
		return r.f.Write(p)
	}
	need := int64(len(r.data) + len(p))
	if need > r.held {
		// Doubling keeps the copies linear; the cap keeps a reservation
		// from outgrowing the largest acceptable body.
		grow := min(max(need-r.held, r.held, minGrow), w.s.cfg.MaxUploadBytes+1-r.held)
		if grow >= need-r.held && r.b.take(grow) {
			r.held += grow
			data := make([]byte, len(r.data), r.held)
			copy(data, r.data)
			r.data = data
		} else {
			return w.toDisk(p)
		}
	}
	r.data = append(r.data, p...)
	return len(p), nil
}

func (w *spill) toDisk(p []byte) (int, error) {
	r := w.r
	f, err := os.CreateTemp(w.s.tempDir, "upload-*")
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errSpool, err)
	}
	r.f = f
	if _, err := f.Write(r.data); err != nil {
		return 0, fmt.Errorf("%w: %w", errSpool, err)
	}
	r.data = nil
	r.b.give(r.held)
	r.held = 0
	n, err := f.Write(p)
	if err != nil {
		err = fmt.Errorf("%w: %w", errSpool, err)
	}
	return n, err
}
