package renditions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// heicSlots serialises HEIC decodes: each holds a full-size frame in Go
// memory and already uses both cores (two tiles at a time), so a second
// concurrent decode would add a frame to the peak for no gain in throughput.
var heicSlots = make(chan struct{}, 1)

// wholeImageMemory bounds the wasm memory of a non-grid decode: DefaultLimits'
// 64 Mpx at ~6 bytes per pixel across libheif's copies.
const wholeImageMemory = 512 << 20

func decodeHEIC(data []byte, lim Limits) (image.Image, error) {
	// The primary item's ispe was already checked, but a grid image is
	// assembled from tiles that each declare their own size; bound their sum
	// too so a small declared canvas cannot hide huge tiles.
	f, err := heif.ReadFile(bytes.NewReader(data))
	if err != nil {
		return nil, heifErr(err)
	}
	p, ok := f.Primary()
	if ok {
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
	if ok && (p.Type == "grid" || p.Type == "hvc1") && lim.HEICDecoder != HEICWASM {
		img, err := decodeHEICNative(data, f, p)
		switch {
		case err == nil:
			return img, nil
		case lim.HEICDecoder == HEICNative:
			return nil, err
		case !errors.Is(err, ErrNativeHEICUnavailable) && !errors.Is(err, errNativeUnsupported):
			// libheif refused the file: the sandbox, sharing its code,
			// would too.
			return nil, err
		}
	} else if lim.HEICDecoder == HEICNative {
		return nil, fmt.Errorf("%w: HEIF primary image of type %q", ErrUnsupportedFormat, typeOf(p))
	}
	if ok && p.Type == "grid" {
		return decodeGrid(data, f, p)
	}
	ctx := context.Background()
	// libheif holds the input, the frame, its turned copy and an output copy.
	frame := uint64(0)
	if p != nil && p.HasSize {
		frame = uint64(p.Width) * uint64(p.Height) * 3 / 2
	}
	inst, err := newHEIFInstance(ctx, uint64(len(data))+4*frame, wholeImageMemory)
	if err != nil {
		return nil, err
	}
	defer inst.Close(ctx)
	return inst.Decode(ctx, data)
}

// decodeHEICNative decodes through the system's libheif with the same
// checks before and the same turn after as the tile path: a grid's layout
// is checked first, and irot/imir are applied here, to the 4:2:0 planes.
func decodeHEICNative(data []byte, f *heif.File, p *heif.Item) (image.Image, error) {
	lib, err := loadLibheif()
	if err != nil {
		return nil, err
	}
	coded := p
	if p.Type == "grid" {
		g, err := checkGrid(data, f, p)
		if err != nil {
			return nil, err
		}
		coded = g.tiles[0]
	}
	// hvcC: chromaFormat is the low two bits of its 17th byte.
	if len(coded.HvcC) < 17 {
		return nil, fmt.Errorf("%w: HEVC item without a valid hvcC", ErrCorrupt)
	}
	return lib.decode(data, int(coded.HvcC[16]&3), p.Rotation, p.MirrorAxis)
}

func typeOf(p *heif.Item) string {
	if p == nil {
		return ""
	}
	return p.Type
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
	_, err = heifModule()
	return err
}
