package exif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// TIFF field types (TIFF 6.0 / EXIF 2.32 section 4.6.2).
const (
	typeByte      = 1
	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeRational  = 5
	typeUndefined = 7
	typeSRational = 10
)

var typeSizes = [...]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// maxIFDEntries: real IFDs hold tens of entries; the 16-bit count would let a
// hostile file make us allocate and loop over 65535.
const maxIFDEntries = 1024

type entry struct {
	tag, typ uint16
	count    uint32
	raw      [4]byte // value if it fits, else offset
}

// tiffBlock is an EXIF (TIFF-structured) block held in memory; offsets are
// relative to its start, as the format defines.
type tiffBlock struct {
	b  []byte
	bo binary.ByteOrder
}

var errNotTIFF = errors.New("no TIFF header")

func newTIFF(b []byte) (*tiffBlock, uint32, error) {
	if len(b) < 8 {
		return nil, 0, errNotTIFF
	}
	t := &tiffBlock{b: b}
	switch string(b[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, 0, errNotTIFF
	}
	return t, t.bo.Uint32(b[4:8]), nil
}

// ifd reads the entries of the IFD at off. If the IFD is cut short, the
// entries that fit are returned together with an error, so that a truncated
// block still yields its leading tags.
func (t *tiffBlock) ifd(off uint32) (map[uint16]entry, error) {
	if uint64(off)+2 > uint64(len(t.b)) {
		return nil, fmt.Errorf("IFD offset %d outside the %d-byte block", off, len(t.b))
	}
	n := int(t.bo.Uint16(t.b[off:]))
	var err error
	if n > maxIFDEntries {
		err = fmt.Errorf("IFD declares %d entries; reading the first %d", n, maxIFDEntries)
		n = maxIFDEntries
	}
	if fit := (len(t.b) - int(off) - 2) / 12; n > fit {
		err = fmt.Errorf("IFD declares %d entries but only %d fit in the block", n, fit)
		n = fit
	}
	out := make(map[uint16]entry, n)
	for i := 0; i < n; i++ {
		p := t.b[int(off)+2+12*i:]
		e := entry{tag: t.bo.Uint16(p), typ: t.bo.Uint16(p[2:]), count: t.bo.Uint32(p[4:])}
		copy(e.raw[:], p[8:12])
		if _, dup := out[e.tag]; !dup { // first occurrence wins, as in exiftool
			out[e.tag] = e
		}
	}
	return out, err
}

// data returns the bytes of an entry's value, checked against the block.
func (t *tiffBlock) data(e entry) ([]byte, error) {
	if int(e.typ) >= len(typeSizes) || typeSizes[e.typ] == 0 {
		return nil, fmt.Errorf("unknown field type %d", e.typ)
	}
	n := typeSizes[e.typ] * uint64(e.count)
	if n <= 4 {
		return e.raw[:n], nil
	}
	off := uint64(t.bo.Uint32(e.raw[:]))
	if off+n > uint64(len(t.b)) {
		return nil, fmt.Errorf("value (%d bytes at %d) outside the %d-byte block", n, off, len(t.b))
	}
	return t.b[off : off+n], nil
}

// maxString bounds text fields; Make and Model are a few dozen bytes.
const maxString = 256

// text reads an ASCII field. BYTE and UNDEFINED are accepted too because
// several writers use them for strings. Non-printable bytes are dropped so a
// hostile value cannot smuggle control characters into logs or reports.
func (t *tiffBlock) text(e entry) (string, error) {
	if e.typ != typeASCII && e.typ != typeByte && e.typ != typeUndefined {
		return "", fmt.Errorf("type %d is not text", e.typ)
	}
	d, err := t.data(e)
	if err != nil {
		return "", err
	}
	if i := strings.IndexByte(string(d), 0); i >= 0 {
		d = d[:i]
	}
	if len(d) > maxString {
		d = d[:maxString]
	}
	s := strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(string(d), ""))
	return strings.TrimSpace(s), nil
}

// uint reads the first value of an unsigned integer field.
func (t *tiffBlock) uint(e entry) (uint32, error) {
	if e.count < 1 {
		return 0, errors.New("empty value")
	}
	d, err := t.data(e)
	if err != nil {
		return 0, err
	}
	switch e.typ {
	case typeByte, typeUndefined:
		return uint32(d[0]), nil
	case typeShort:
		return uint32(t.bo.Uint16(d)), nil
	case typeLong:
		return t.bo.Uint32(d), nil
	}
	return 0, fmt.Errorf("type %d is not an unsigned integer", e.typ)
}

// rationals reads a RATIONAL field, also accepting SRATIONAL because phones
// write GPS coordinates that way (Nokia 8.3 5G in testdata does).
func (t *tiffBlock) rationals(e entry) ([]float64, error) {
	if e.typ != typeRational && e.typ != typeSRational {
		return nil, fmt.Errorf("type %d is not rational", e.typ)
	}
	if e.count == 0 || e.count > 16 {
		return nil, fmt.Errorf("unexpected count %d", e.count)
	}
	d, err := t.data(e)
	if err != nil {
		return nil, err
	}
	out := make([]float64, e.count)
	for i := range out {
		var num, den float64
		if e.typ == typeRational {
			num, den = float64(t.bo.Uint32(d[8*i:])), float64(t.bo.Uint32(d[8*i+4:]))
		} else {
			num, den = float64(int32(t.bo.Uint32(d[8*i:]))), float64(int32(t.bo.Uint32(d[8*i+4:])))
		}
		if den == 0 {
			return nil, fmt.Errorf("component %d has a zero denominator", i)
		}
		out[i] = num / den
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return nil, fmt.Errorf("component %d is not finite", i)
		}
	}
	return out, nil
}
