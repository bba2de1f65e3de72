package exif

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxJPEGSegments bounds the marker walk; real files have a few dozen
// segments before the scan, a hostile one could chain millions of empty ones.
const maxJPEGSegments = 4096

var exifHeader = []byte("Exif\x00\x00")

// findJPEG walks the marker segments before the first scan and returns the
// TIFF payload of the first APP1 "Exif" segment, or nil if there is none.
// Structural problems become warnings; only I/O errors are returned.
func findJPEG(r io.ReaderAt, size int64, m *Meta) ([]byte, error) {
	var hdr [4]byte
	pos := int64(2) // after SOI
	for i := 0; i < maxJPEGSegments; i++ {
		if err := readAt(r, size, hdr[:2], pos); err != nil {
			return nil, structural(err, m, "jpeg: file ends before any EXIF segment")
		}
		if hdr[0] != 0xFF {
			m.warn("jpeg: marker structure broken at byte %d; EXIF not searched further", pos)
			return nil, nil
		}
		marker := hdr[1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			pos++
			continue
		case marker == 0xD9 || marker == 0xDA: // EOI, SOS: metadata comes before the scan
			return nil, nil
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // no length field
			pos += 2
			continue
		}
		if err := readAt(r, size, hdr[2:4], pos+2); err != nil {
			return nil, structural(err, m, "jpeg: file ends inside a segment header")
		}
		segLen := int64(hdr[2])<<8 | int64(hdr[3])
		if segLen < 2 {
			m.warn("jpeg: segment %#02x at byte %d has invalid length %d", marker, pos, segLen)
			return nil, nil
		}
		if marker == 0xE1 && segLen >= 2+int64(len(exifHeader)) {
			payload := make([]byte, segLen-2) // at most 65533 bytes
			if err := readAt(r, size, payload, pos+4); err != nil {
				return nil, structural(err, m, "jpeg: EXIF segment truncated")
			}
			if bytes.HasPrefix(payload, exifHeader) {
				m.Present = true
				return payload[len(exifHeader):], nil
			}
		}
		pos += 2 + segLen
	}
	m.warn("jpeg: more than %d segments before the image data; EXIF not searched further", maxJPEGSegments)
	return nil, nil
}

var errShort = errors.New("short file")

// readAt fills p from off, reporting errShort when the file is too small so
// callers can tell a truncated file (a warning) from a failing reader (an error).
func readAt(r io.ReaderAt, size int64, p []byte, off int64) error {
	if off < 0 || off > size || int64(len(p)) > size-off {
		return errShort
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return errShort
	}
	return err
}

func structural(err error, m *Meta, msg string) error {
	if errors.Is(err, errShort) {
		m.warn("%s", msg)
		return nil
	}
	return fmt.Errorf("exif: %w", err)
}
