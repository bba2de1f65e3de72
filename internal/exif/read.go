package exif

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Read extracts Meta from a JPEG or HEIC/HEIF file of the given size.
//
// Only I/O failures of r are errors. A missing EXIF block gives an empty
// Meta (Orientation 1); a malformed one gives every field that could still be
// read plus Warnings, because a photo with a damaged EXIF block is still
// evidence and must not be rejected for it. Other containers (PNG, WebP...)
// give an empty Meta with a warning.
func Read(r io.ReaderAt, size int64) (m Meta, err error) {
	// Our own parser is written not to panic, but a bug here must cost one
	// photo's metadata, not the upload worker.
	defer func() {
		if p := recover(); p != nil {
			m = Meta{Orientation: 1}
			m.warn("exif: internal error while parsing: %v", p)
			err = nil
		}
	}()
	return read(r, size)
}

// read is Read without the panic guard, so fuzzing sees panics.
func read(r io.ReaderAt, size int64) (m Meta, err error) {
	m.Orientation = 1
	var head [12]byte
	n, rerr := r.ReadAt(head[:], 0)
	if n < len(head) && rerr != nil && !errors.Is(rerr, io.EOF) {
		return m, fmt.Errorf("exif: read header: %w", rerr)
	}
	var block []byte
	switch {
	case n >= 2 && head[0] == 0xFF && head[1] == 0xD8:
		block, err = findJPEG(r, size, &m)
	case n >= 8 && bytes.Equal(head[4:8], []byte("ftyp")):
		block, err = findHEIF(r, size, &m)
	default:
		m.warn("exif: not a JPEG or HEIF container; no EXIF read")
		return m, nil
	}
	if err != nil || block == nil {
		return m, err
	}
	decode(block, &m)
	return m, nil
}
