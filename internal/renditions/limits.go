package renditions

import "fmt"

// Limits bound the work one upload may cause.
type Limits struct {
	MaxBytes  int64 // encoded file size
	MaxPixels int64 // width*height as declared in the header
	MaxSide   int   // longest side as declared in the header
	// HEICDecoder picks libheif or the WebAssembly sandbox for HEIC.
	HEICDecoder HEICDecoder
}

// DefaultLimits admit every current phone camera's default output (12 MP,
// 50 MP binned sensors, 48 MP iPhone HEIC) while capping a decode at roughly
// 64 Mpx x 4 B = 256 MB of RGBA, which two concurrent decodes on a small
// worker can afford. 108/200 MP full-resolution modes are refused.
var DefaultLimits = Limits{
	MaxBytes:  64 << 20,
	MaxPixels: 64_000_000,
	MaxSide:   16384,
}

// CheckLimits refuses dimensions before any decoding: decoders allocate the
// full frame up front, so a few-KB file declaring 64250x64250 would
// otherwise cost ~6 GB of YCbCr planes, and ~16 GB once resized as RGBA.
func CheckLimits(w, h int, maxPixels int64, maxSide int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: dimensions %dx%d", ErrCorrupt, w, h)
	}
	if w > maxSide || h > maxSide {
		return fmt.Errorf("%w: %dx%d exceeds %d px per side", ErrTooLarge, w, h, maxSide)
	}
	if int64(w)*int64(h) > maxPixels {
		return fmt.Errorf("%w: %dx%d is %d pixels, limit %d", ErrTooLarge, w, h, int64(w)*int64(h), maxPixels)
	}
	return nil
}
