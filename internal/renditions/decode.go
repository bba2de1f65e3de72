package renditions

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Decode fully decodes an image of a sniffed format under DefaultLimits.
func Decode(r io.Reader, f Format) (image.Image, error) {
	return DecodeWithLimits(r, f, DefaultLimits)
}

// DecodeWithLimits reads at most lim.MaxBytes, checks the header dimensions
// against lim, and only then decodes. Corrupt or truncated image data gives
// ErrCorrupt: the standard JPEG decoder reports bad entropy-coded data
// (e.g. "missing 0xff00 sequence" for testdata invalid/corrupted.jpg) and
// truncation as errors rather than returning a partial image.
//
// HEIC images come back with the container's irot/imir already applied (see
// DisplayOrientation).
func DecodeWithLimits(r io.Reader, f Format, lim Limits) (img image.Image, err error) {
	img, _, err = DecodeWithProfile(r, f, lim)
	return img, err
}

// DecodeWithProfile is DecodeWithLimits that also returns the original's
// ICC profile (see ICCProfile; nil means sRGB) for RenderAllWithProfile.
func DecodeWithProfile(r io.Reader, f Format, lim Limits) (img image.Image, icc []byte, err error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("renditions: read: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, nil, fmt.Errorf("%w: file larger than %d bytes", ErrTooLarge, lim.MaxBytes)
	}
	img, err = decodeData(data, f, lim)
	if err != nil {
		return nil, nil, err
	}
	return img, ICCProfile(data, f), nil
}

func decodeData(data []byte, f Format, lim Limits) (img image.Image, err error) {
	w, h, err := Dimensions(bytes.NewReader(data), f)
	if err != nil {
		return nil, err
	}
	if err := CheckLimits(w, h, lim.MaxPixels, lim.MaxSide); err != nil {
		return nil, err
	}

	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder panicked: %v", ErrCorrupt, f, p)
		}
	}()
	switch f {
	case JPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	case PNG:
		img, err = png.Decode(bytes.NewReader(data))
	case WebP:
		img, err = webp.Decode(bytes.NewReader(data))
	case HEIC:
		img, err = decodeHEIC(data, lim)
	default:
		return nil, ErrUnsupportedFormat
	}
	if err != nil {
		return nil, classify(err)
	}
	// The decoder must produce what the checked header promised (HEIC may
	// swap the sides because irot was applied).
	b := img.Bounds()
	if !(b.Dx() == w && b.Dy() == h) && !(f == HEIC && b.Dx() == h && b.Dy() == w) {
		return nil, fmt.Errorf("%w: header says %dx%d, decoder produced %dx%d", ErrCorrupt, w, h, b.Dx(), b.Dy())
	}
	return img, nil
}
