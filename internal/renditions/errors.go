// Package renditions identifies, bounds, decodes and re-encodes uploaded
// photos: format sniffing by magic bytes, header-only dimension checks before
// any pixel is decoded, full decoding (JPEG, PNG, WebP, HEIC), and derived
// JPEG renditions that carry no metadata.
//
// Every entry point treats its input as hostile: sizes are checked before
// work is done, and third-party decoders run under recover().
package renditions

import "errors"

var (
	// ErrUnsupportedFormat: not one of the accepted formats (or an accepted
	// container using a feature we cannot decode, such as animated WebP).
	ErrUnsupportedFormat = errors.New("renditions: unsupported image format")
	// ErrCorrupt: the header or image data is invalid or truncated.
	ErrCorrupt = errors.New("renditions: corrupt image")
	// ErrTooLarge: the file or the declared dimensions exceed the limits.
	ErrTooLarge = errors.New("renditions: image too large")
)
