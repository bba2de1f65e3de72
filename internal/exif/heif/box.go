package heif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// box is one child box held in memory (everything inside 'meta' is small and
// read in one bounded piece).
type box struct {
	typ     string
	payload []byte
}

// children splits an in-memory payload into boxes. A child whose declared
// size overruns its parent is an error rather than being clamped: clamping
// would silently parse garbage as structure.
func children(b []byte, maxBoxes int) ([]box, error) {
	var out []box
	for off := 0; off < len(b); {
		if len(out) >= maxBoxes {
			return nil, fmt.Errorf("%w: more than %d child boxes", ErrLimit, maxBoxes)
		}
		if len(b)-off < 8 {
			return nil, fmt.Errorf("%w: %d trailing bytes too short for a box header", ErrMalformed, len(b)-off)
		}
		size := uint64(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		hdr := uint64(8)
		switch size {
		case 0: // extends to the end of the parent
			size = uint64(len(b) - off)
		case 1:
			if len(b)-off < 16 {
				return nil, fmt.Errorf("%w: truncated largesize in %q", ErrMalformed, typ)
			}
			size = binary.BigEndian.Uint64(b[off+8:])
			hdr = 16
		}
		if size < hdr || size > uint64(len(b)-off) {
			return nil, fmt.Errorf("%w: box %q size %d does not fit parent (%d bytes left)", ErrMalformed, typ, size, len(b)-off)
		}
		out = append(out, box{typ: typ, payload: b[off+int(hdr) : off+int(size)]})
		off += int(size)
	}
	return out, nil
}

// topHeader is a top-level box header read from a stream.
type topHeader struct {
	typ        string
	payloadLen int64 // -1: box runs to end of file
}

func readTopHeader(r io.Reader) (topHeader, error) {
	var h [16]byte
	if _, err := io.ReadFull(r, h[:8]); err != nil {
		return topHeader{}, err
	}
	size := uint64(binary.BigEndian.Uint32(h[:4]))
	th := topHeader{typ: string(h[4:8])}
	hdr := uint64(8)
	switch size {
	case 0:
		th.payloadLen = -1
		return th, nil
	case 1:
		if _, err := io.ReadFull(r, h[8:16]); err != nil {
			return topHeader{}, truncated(err)
		}
		size = binary.BigEndian.Uint64(h[8:16])
		hdr = 16
	}
	if size < hdr || size-hdr > 1<<62 {
		return topHeader{}, fmt.Errorf("%w: top-level box %q has size %d", ErrMalformed, th.typ, size)
	}
	th.payloadLen = int64(size - hdr)
	return th, nil
}

// skip discards n bytes, seeking when the reader allows it so that a large
// 'mdat' placed before 'meta' is not read just to be thrown away.
func skip(r io.Reader, n int64) error {
	if s, ok := r.(io.Seeker); ok {
		cur, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := s.Seek(0, io.SeekEnd)
			if err != nil {
				return err
			}
			if n > end-cur {
				return fmt.Errorf("%w: box extends %d bytes past end of file", ErrMalformed, n-(end-cur))
			}
			_, err = s.Seek(cur+n, io.SeekStart)
			return err
		}
	}
	m, err := io.CopyN(io.Discard, r, n)
	if m < n {
		return truncated(err)
	}
	return nil
}

// truncated turns the short-read errors of a file that ends mid-box into
// ErrMalformed while passing through real I/O errors.
func truncated(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: file ends inside a box", ErrMalformed)
	}
	return err
}
