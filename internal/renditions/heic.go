package renditions

import (
	"bytes"
	"fmt"
	"image"

	"github.com/gen2brain/heic"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// heicSlots serialises HEIC decodes. gen2brain/heic runs libheif+libde265
// compiled to WebAssembly (no cgo; a decoder bug stays inside the wasm
// sandbox), but each decode instantiates a module whose linear memory grows
// to several times the frame size, so two at once on a small worker would
// double the peak for no gain in throughput.
var heicSlots = make(chan struct{}, 1)

func decodeHEIC(data []byte, lim Limits) (image.Image, error) {
	// The primary item's ispe was already checked, but a grid image is
	// assembled from tiles that each declare their own size; bound their sum
	// too so a small declared canvas cannot hide huge tiles.
	f, err := heif.ReadFile(bytes.NewReader(data))
	if err != nil {
		return nil, heifErr(err)
	}
	if p, ok := f.Primary(); ok {
		var px int64
		for _, id := range p.Refs["dimg"] {
			if t, ok := f.Items[id]; ok && t.HasSize {
				px += int64(t.Width) * int64(t.Height)
			}
		}
		if px > 2*lim.MaxPixels {
			return nil, fmt.Errorf("%w: HEIF grid tiles total %d pixels", ErrTooLarge, px)
		}
	}

	heicSlots <- struct{}{}
	defer func() { <-heicSlots }()
	img, err := heic.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	// The decoder returns planes that alias the whole wasm linear memory;
	// copying releases that memory as soon as the module is closed instead of
	// pinning it for the image's lifetime.
	return compact(img), nil
}

func compact(img image.Image) image.Image {
	if img.Bounds().Min != (image.Point{}) {
		return img // the decoder always returns origin-based images
	}
	switch m := img.(type) {
	case *image.YCbCr:
		c := image.NewYCbCr(m.Rect, m.SubsampleRatio)
		copyRows(c.Y, c.YStride, m.Y, m.YStride, len(c.Y)/c.YStride)
		copyRows(c.Cb, c.CStride, m.Cb, m.CStride, len(c.Cb)/c.CStride)
		copyRows(c.Cr, c.CStride, m.Cr, m.CStride, len(c.Cr)/c.CStride)
		return c
	case *image.RGBA:
		c := image.NewRGBA(m.Rect)
		copyRows(c.Pix, c.Stride, m.Pix, m.Stride, m.Rect.Dy())
		return c
	case *image.NRGBA:
		c := image.NewNRGBA(m.Rect)
		copyRows(c.Pix, c.Stride, m.Pix, m.Stride, m.Rect.Dy())
		return c
	case *image.Gray:
		c := image.NewGray(m.Rect)
		copyRows(c.Pix, c.Stride, m.Pix, m.Stride, m.Rect.Dy())
		return c
	}
	return img
}

// copyRows copies rows of width dstStride from a buffer with a (possibly
// padded) srcStride.
func copyRows(dst []byte, dstStride int, src []byte, srcStride, rows int) {
	for y := 0; y < rows; y++ {
		copy(dst[y*dstStride:(y+1)*dstStride], src[y*srcStride:])
	}
}

// DisplayOrientation returns the orientation Render must apply to a decoded
// image. For HEIC it is always 1: the decoder has applied the container's
// irot/imir properties, which HEIF makes authoritative (the EXIF tag is only
// informative there, and iPhones write both), so applying EXIF on top would
// rotate twice.
func DisplayOrientation(f Format, exifOrientation int) int {
	if f == HEIC || exifOrientation < 1 || exifOrientation > 8 {
		return 1
	}
	return exifOrientation
}

// WarmUpHEIC compiles the HEIC decoder's WebAssembly module (~2.5 s on a
// 2-core machine, more under -race) so that the first upload after start-up
// does not pay for it. Optional: the first Decode does it otherwise.
func WarmUpHEIC() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("renditions: HEIC decoder initialisation failed: %v", p)
		}
	}()
	heic.Init()
	return nil
}
