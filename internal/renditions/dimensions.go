package renditions

import (
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// maxHeaderBytes bounds how much Dimensions may read. JPEG metadata segments
// (EXIF, XMP, ICC, MPF previews) sit before the frame header and can reach a
// few MB; a HEIC may put its meta box after a large mdat.
const maxHeaderBytes = 16 << 20

// Dimensions reads the stored width and height from the header only; no
// pixels are decoded, so it is safe to call before CheckLimits. The size is
// as stored, before EXIF orientation or HEIF irot (rotation does not change
// the pixel count that limits care about).
func Dimensions(r io.Reader, f Format) (w, h int, err error) {
	defer func() {
		if p := recover(); p != nil {
			w, h, err = 0, 0, fmt.Errorf("%w: header parser panicked: %v", ErrCorrupt, p)
		}
	}()
	r = io.LimitReader(r, maxHeaderBytes)
	var cfg image.Config
	switch f {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case WebP:
		cfg, err = webp.DecodeConfig(r)
	case HEIC:
		return heicDimensions(r)
	default:
		return 0, 0, ErrUnsupportedFormat
	}
	if err != nil {
		return 0, 0, classify(err)
	}
	return cfg.Width, cfg.Height, nil
}

func heicDimensions(r io.Reader) (int, int, error) {
	f, err := heif.ReadFile(r)
	if err != nil {
		return 0, 0, heifErr(err)
	}
	w, h, ok := f.PrimarySize()
	if !ok {
		return 0, 0, fmt.Errorf("%w: HEIF primary image has no ispe size", ErrCorrupt)
	}
	if w > 1<<30 || h > 1<<30 {
		return 0, 0, fmt.Errorf("%w: HEIF declares %dx%d", ErrTooLarge, w, h)
	}
	return int(w), int(h), nil
}

func heifErr(err error) error {
	switch {
	case errors.Is(err, heif.ErrLimit):
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	case errors.Is(err, heif.ErrUnsupported):
		return fmt.Errorf("%w: %w", ErrUnsupportedFormat, err)
	case errors.Is(err, heif.ErrMalformed):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err // I/O error from the reader
}

// classify maps decoder errors onto our sentinels while keeping the detail.
func classify(err error) error {
	var (
		jf jpeg.FormatError
		ju jpeg.UnsupportedError
		pf png.FormatError
		pu png.UnsupportedError
	)
	switch {
	case errors.As(err, &ju), errors.As(err, &pu):
		return fmt.Errorf("%w: %w", ErrUnsupportedFormat, err)
	case errors.As(err, &jf), errors.As(err, &pf),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	// x/image/webp and the HEIC decoder return plain errors for bad data.
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}
