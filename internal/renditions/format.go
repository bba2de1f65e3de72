package renditions

import (
	"bytes"
	"encoding/binary"
)

// Format is an accepted upload format.
type Format int

const (
	FormatUnknown Format = iota
	JPEG
	PNG
	WebP
	HEIC // HEIC and other HEVC-coded HEIF files
)

// SniffLen is how many leading bytes Sniff needs to see every signal it uses
// (the ftyp compatible-brand list is the longest).
const SniffLen = 512

var formatInfo = [...]struct{ name, mime string }{
	FormatUnknown: {"unknown", "application/octet-stream"},
	JPEG:          {"jpeg", "image/jpeg"},
	PNG:           {"png", "image/png"},
	WebP:          {"webp", "image/webp"},
	HEIC:          {"heic", "image/heic"},
}

func (f Format) String() string {
	if f < 0 || int(f) >= len(formatInfo) {
		return "unknown"
	}
	return formatInfo[f].name
}

// MIMEType is the media type to store and serve the original with; it comes
// from the sniffed bytes, never from the client's file name or header.
func (f Format) MIMEType() string {
	if f < 0 || int(f) >= len(formatInfo) {
		return formatInfo[FormatUnknown].mime
	}
	return formatInfo[f].mime
}

// heifBrands are the ftyp brands of HEVC-coded HEIF images and sequences
// plus the generic HEIF brands. AVIF ("avif", "avis") is deliberately absent:
// our HEIC decoder has no AV1 codec, so accepting it would only fail later.
var heifBrands = map[string]bool{
	"heic": true, "heix": true, "hevc": true, "heim": true, "heis": true,
	"hevm": true, "hevs": true, "mif1": true, "msf1": true,
}

// Sniff identifies the format from the first bytes of a file (pass at least
// SniffLen bytes when available). File names and client-declared types are
// never consulted: an HTML or SVG file renamed to .jpg is still rejected.
func Sniff(head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case len(head) >= 16 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return sniffWebP(head)
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return sniffHEIF(head)
	}
	return FormatUnknown, ErrUnsupportedFormat
}

func sniffWebP(head []byte) (Format, error) {
	switch string(head[12:16]) {
	case "VP8 ", "VP8L":
		return WebP, nil
	case "VP8X":
		// The extended header's flags byte has the animation bit (0x02);
		// x/image/webp decodes only still images.
		if len(head) < 21 || head[20]&0x02 != 0 {
			return FormatUnknown, ErrUnsupportedFormat
		}
		return WebP, nil
	}
	return FormatUnknown, ErrUnsupportedFormat
}

func sniffHEIF(head []byte) (Format, error) {
	size := int64(binary.BigEndian.Uint32(head))
	if size < 16 { // too small to hold major and minor brand
		return FormatUnknown, ErrUnsupportedFormat
	}
	end := int(min(size, int64(len(head)))) // the caller may have cut the box short
	brands := []string{string(head[8:12])}
	for i := 16; i+4 <= end; i += 4 {
		brands = append(brands, string(head[i:i+4]))
	}
	// Any AV1 brand means the images are (or may be) AV1-coded, even when
	// the major brand is the generic mif1.
	for _, b := range brands {
		if b == "avif" || b == "avis" || b == "avio" {
			return FormatUnknown, ErrUnsupportedFormat
		}
	}
	if heifBrands[brands[0]] {
		return HEIC, nil
	}
	return FormatUnknown, ErrUnsupportedFormat
}
