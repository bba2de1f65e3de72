package renditions

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"

	"github.com/disintegration/imaging"
)

// JPEGQuality for renditions: visually clean for screen viewing at a
// fraction of the original's size.
const JPEGQuality = 82

// resampleFilter: CatmullRom is within a hair of Lanczos visually for
// downscaling and measurably faster (support radius 2 vs 3); see
// BenchmarkFilters for the numbers on this hardware.
var resampleFilter = imaging.CatmullRom

// Render makes one rendition: the image is shrunk (never enlarged) so its
// long edge is at most size.LongEdge(), turned upright per the EXIF
// orientation (1-8; anything else is treated as 1), and encoded as a fresh
// baseline JPEG. The encoder writes no APP1 segment, so no EXIF — GPS
// included — leaks from the original into the rendition.
func Render(img image.Image, orientation int, size Size) (out []byte, err error) {
	if !size.valid() {
		return nil, fmt.Errorf("renditions: invalid size %d", size)
	}
	if img == nil || img.Bounds().Empty() {
		return nil, fmt.Errorf("%w: empty image", ErrCorrupt)
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("renditions: render panicked: %v", p)
		}
	}()
	// Resizing first means the orientation transform touches only the
	// small result; the long edge is the same either way.
	small := shrink(img, size.LongEdge())
	small = orient(small, orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, flatten(small), &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return nil, fmt.Errorf("renditions: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func shrink(img image.Image, longEdge int) image.Image {
	b := img.Bounds()
	if b.Dx() <= longEdge && b.Dy() <= longEdge {
		return img
	}
	return imaging.Fit(img, longEdge, longEdge, resampleFilter)
}

// orient applies the EXIF orientation transform that makes the stored
// pixels display upright (EXIF 2.32, tag 0x0112).
func orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // imaging rotates counter-clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// flatten composites images with transparency onto white: JPEG has no
// alpha, and the encoder would otherwise turn transparent areas black.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b, img, b.Min, draw.Over)
	return dst
}

// shrinkFast downsizes with a box filter; used where speed matters more
// than sharpness (hash input).
func shrinkFast(img image.Image, longEdge int) image.Image {
	b := img.Bounds()
	if b.Dx() <= longEdge && b.Dy() <= longEdge {
		return img
	}
	return imaging.Fit(img, longEdge, longEdge, imaging.Box)
}
