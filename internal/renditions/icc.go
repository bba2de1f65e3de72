package renditions

import (
	"bytes"
	"encoding/binary"
	"sort"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// iccTag starts the payload of every APP2 segment holding a piece of an ICC
// profile (ICC.1:2010 Annex B.4).
var iccTag = []byte("ICC_PROFILE\x00")

const (
	// iccChunk is the most profile bytes one APP2 segment can hold:
	// 65535 - 2 (length) - 12 (tag) - 2 (sequence, count).
	iccChunk = 65519
	// MaxICCBytes bounds the profile carried into a rendition. Camera and
	// phone profiles are 0.5-4 KB (Apple's Display P3 is 536 bytes); 255
	// segments is the format's own ceiling.
	MaxICCBytes = 255 * iccChunk
)

// ICCProfile returns the ICC profile embedded in an original, or nil when it
// has none (which means sRGB) or it cannot be read whole. Renditions carry it
// unchanged: an iPhone photo's pixels are Display P3, and a viewer that took
// them for sRGB would show them washed out.
func ICCProfile(data []byte, f Format) []byte {
	switch f {
	case JPEG:
		return jpegICC(data)
	case HEIC:
		hf, err := heif.ReadFile(bytes.NewReader(data))
		if err != nil {
			return nil
		}
		p, ok := hf.Primary()
		if !ok {
			return nil
		}
		if p.ICC != nil {
			return validICC(p.ICC)
		}
		// A grid may leave the colour description to its tiles.
		if ids := p.Refs["dimg"]; len(ids) > 0 {
			if t, ok := hf.Items[ids[0]]; ok {
				return validICC(t.ICC)
			}
		}
	}
	return nil
}

func validICC(p []byte) []byte {
	// An ICC header is 128 bytes and starts with the profile's own size.
	if len(p) < 128 || len(p) > MaxICCBytes || binary.BigEndian.Uint32(p) != uint32(len(p)) {
		return nil
	}
	return p
}

// jpegICC reassembles the APP2 ICC_PROFILE segments before the first scan.
// Any inconsistency (missing or duplicate pieces, disagreeing counts) gives
// nil: a partial profile is worse than none.
func jpegICC(b []byte) []byte {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	type piece struct {
		seq  int
		data []byte
	}
	var pieces []piece
	count := 0
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return nil
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xDA || m == 0xD9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if m == 0xE2 && len(seg) > len(iccTag)+2 && bytes.Equal(seg[:len(iccTag)], iccTag) {
			seq, cnt := int(seg[len(iccTag)]), int(seg[len(iccTag)+1])
			if cnt == 0 || seq == 0 || seq > cnt || (count != 0 && cnt != count) {
				return nil
			}
			count = cnt
			pieces = append(pieces, piece{seq, seg[len(iccTag)+2:]})
		}
		i += 2 + n
	}
	if count == 0 || len(pieces) != count {
		return nil
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].seq < pieces[j].seq })
	var out []byte
	for i, p := range pieces {
		if p.seq != i+1 {
			return nil
		}
		out = append(out, p.data...)
	}
	return validICC(out)
}

// withICC inserts the profile as APP2 segments right after the SOI marker of
// a JPEG that image/jpeg wrote (which has no APPn segments of its own).
func withICC(jpg, icc []byte) []byte {
	if len(icc) == 0 || len(icc) > MaxICCBytes || len(jpg) < 2 {
		return jpg
	}
	n := (len(icc) + iccChunk - 1) / iccChunk
	out := make([]byte, 0, len(jpg)+len(icc)+n*18)
	out = append(out, jpg[:2]...)
	for i := 0; i < n; i++ {
		part := icc[i*iccChunk : min(len(icc), (i+1)*iccChunk)]
		out = append(out, 0xFF, 0xE2)
		out = binary.BigEndian.AppendUint16(out, uint16(2+len(iccTag)+2+len(part)))
		out = append(out, iccTag...)
		out = append(out, byte(i+1), byte(n))
		out = append(out, part...)
	}
	return append(out, jpg[2:]...)
}
