package exif

import (
	"encoding/binary"
	"sort"
)

// field is one IFD entry for building synthetic EXIF blocks in tests.
type field struct {
	tag, typ uint16
	count    uint32
	data     []byte // already in the block's byte order
}

type tiffBuilder struct {
	bo binary.ByteOrder
}

func (b tiffBuilder) ascii(tag uint16, s string) field {
	return field{tag, typeASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

func (b tiffBuilder) short(tag uint16, v uint16) field {
	d := make([]byte, 2)
	b.bo.PutUint16(d, v)
	return field{tag, typeShort, 1, d}
}

func (b tiffBuilder) byte1(tag uint16, v byte) field {
	return field{tag, typeByte, 1, []byte{v}}
}

// rat builds a RATIONAL (or SRATIONAL) field from num/den pairs.
func (b tiffBuilder) rat(tag, typ uint16, nd ...int32) field {
	d := make([]byte, 4*len(nd))
	for i, v := range nd {
		b.bo.PutUint32(d[4*i:], uint32(v))
	}
	return field{tag, typ, uint32(len(nd) / 2), d}
}

// build lays out a TIFF block: header, IFD0, then the optional Exif and GPS
// IFDs (pointer tags added to IFD0 automatically), then out-of-line values.
func (b tiffBuilder) build(ifd0, exifIFD, gpsIFD []field) []byte {
	ifds := [][]field{append([]field(nil), ifd0...), exifIFD, gpsIFD}
	ifdSize := func(f []field) int { return 2 + 12*len(f) + 4 }
	// Pointer placeholders first so IFD0's size is final.
	if exifIFD != nil {
		ifds[0] = append(ifds[0], field{tagExifIFD, typeLong, 1, make([]byte, 4)})
	}
	if gpsIFD != nil {
		ifds[0] = append(ifds[0], field{tagGPSIFD, typeLong, 1, make([]byte, 4)})
	}
	offs := make([]int, 3)
	pos := 8
	for i, f := range ifds {
		if f == nil {
			continue
		}
		offs[i] = pos
		pos += ifdSize(f)
	}
	for i, tag := range []uint16{0, tagExifIFD, tagGPSIFD} {
		if i == 0 || ifds[i] == nil {
			continue
		}
		for j := range ifds[0] {
			if ifds[0][j].tag == tag {
				b.bo.PutUint32(ifds[0][j].data, uint32(offs[i]))
			}
		}
	}
	out := make([]byte, pos)
	if b.bo == binary.LittleEndian {
		copy(out, "II*\x00")
	} else {
		copy(out, "MM\x00*")
	}
	b.bo.PutUint32(out[4:], 8)
	for i, f := range ifds {
		if f == nil {
			continue
		}
		sort.Slice(f, func(a, c int) bool { return f[a].tag < f[c].tag })
		p := offs[i]
		b.bo.PutUint16(out[p:], uint16(len(f)))
		for j, e := range f {
			q := p + 2 + 12*j
			b.bo.PutUint16(out[q:], e.tag)
			b.bo.PutUint16(out[q+2:], e.typ)
			b.bo.PutUint32(out[q+4:], e.count)
			if len(e.data) <= 4 {
				copy(out[q+8:q+12], e.data)
			} else {
				b.bo.PutUint32(out[q+8:], uint32(len(out)))
				out = append(out, e.data...)
			}
		}
	}
	return out
}

// wrapJPEG puts a TIFF block into an APP1 Exif segment of a minimal JPEG
// marker stream (no image data is needed to read metadata).
func wrapJPEG(tiff []byte) []byte {
	out := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out = append(out, 0xFF, 0xE1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9)
}
