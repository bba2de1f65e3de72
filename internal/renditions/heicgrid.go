package renditions

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"runtime"
	"sync"

	"github.com/disintegration/imaging"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// maxTileBytes bounds one tile's coded size; a 512x512 iPhone tile is
// ~50 KB, and even a lossless 1024x1024 one stays far below this.
const maxTileBytes = 16 << 20

const (
	tilesPerInstance = 8
	// maxTileMemory bounds one tile instance's wasm memory; a 512x512 tile
	// needs ~5 MB including the instance's own data.
	maxTileMemory = 256 << 20
)

// tileMemory is the wasm memory reserved for an instance decoding
// tilesPerInstance tiles: its static data, and per tile the coded input, the
// decoded picture (leaked, see decodeGrid), and libheif's output copy.
func tileMemory(w, h int) uint64 {
	return 2<<20 + tilesPerInstance*uint64(w)*uint64(h)*3
}

// decodeGrid decodes a HEIF grid image (iPhones write every photo as a grid
// of 512x512 HEVC tiles) one tile at a time. Handing the whole file to the
// wasm decoder makes libheif hold the input, the assembled frame, its rotated
// copy and the output copy in one linear memory that only grows (89 MB for
// 12 MP, 383 MB allocated on the way; see TestHEICDecodeAllocation); a tile
// needs a few MB, so the peak is the Go-side frame and its turned copy.
func decodeGrid(data []byte, f *heif.File, grid *heif.Item) (image.Image, error) {
	g, err := checkGrid(data, f, grid)
	if err != nil {
		return nil, err
	}
	tiles, tw, th, cols, outW, outH := g.tiles, g.tw, g.th, g.cols, g.outW, g.outH

	var (
		mu     sync.Mutex
		canvas image.Image
		first  error
	)
	place := func(i int, tile image.Image) error {
		mu.Lock()
		defer mu.Unlock()
		if canvas == nil {
			canvas = newCanvas(tile, outW, outH)
		}
		at := image.Pt((i%cols)*tw, (i/cols)*th)
		return pasteTile(canvas, tile, at)
	}
	// Two tiles at a time keep both cores busy; each in-flight tile costs
	// only its own small wasm instance.
	workers := min(runtime.GOMAXPROCS(0), 2)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			var inst *heifInstance
			defer func() {
				if inst != nil {
					inst.Close(ctx)
				}
			}()
			done := 0
			// A panic here would not reach decodeData's recover, and would
			// take the process down with it.
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("%w: HEIC tile decoder panicked: %v", ErrCorrupt, p)
					}
					mu.Unlock()
					for range next {
					}
				}
			}()
			for i := range next {
				var err error
				// heif.c never releases the decoded heif_image, so an
				// instance leaks one tile per decode: start afresh every
				// tilesPerInstance tiles.
				if inst == nil || done == tilesPerInstance {
					if inst != nil {
						inst.Close(ctx)
					}
					done = 0
					inst, err = newHEIFInstance(ctx, tileMemory(tw, th), maxTileMemory)
				}
				done++
				var tile image.Image
				if err == nil {
					tile, err = decodeTile(ctx, inst, data, f, tiles[i])
				}
				if err == nil {
					err = place(i, tile)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range tiles {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return transform(canvas, grid.Rotation, grid.MirrorAxis), nil
}

// gridLayout is a grid image's checked layout.
type gridLayout struct {
	tiles                          []*heif.Item
	tw, th, rows, cols, outW, outH int
}

// checkGrid refuses a grid whose descriptor, tile list or tile sizes
// disagree, before any tile is decoded (by either decoder).
func checkGrid(data []byte, f *heif.File, grid *heif.Item) (*gridLayout, error) {
	desc, err := f.ReadItem(bytes.NewReader(data), int64(len(data)), grid, 64)
	if err != nil {
		return nil, heifErr(err)
	}
	rows, cols, outW, outH, err := parseGridDesc(desc)
	if err != nil {
		return nil, err
	}
	ids := grid.Refs["dimg"]
	if len(ids) != rows*cols {
		return nil, fmt.Errorf("%w: grid of %dx%d has %d tiles", ErrCorrupt, cols, rows, len(ids))
	}
	tiles := make([]*heif.Item, len(ids))
	for i, id := range ids {
		t, ok := f.Items[id]
		if !ok || t.Type != "hvc1" || !t.HasSize || t.HvcC == nil {
			return nil, fmt.Errorf("%w: grid tile %d is not a sized HEVC image", ErrUnsupportedFormat, id)
		}
		if t.Rotation != 0 || t.MirrorAxis >= 0 {
			return nil, fmt.Errorf("%w: grid tile %d is itself transformed", ErrUnsupportedFormat, id)
		}
		tiles[i] = t
	}
	tw, th := int(tiles[0].Width), int(tiles[0].Height)
	// The tiles must cover the canvas, and each must overlap it: HEIF
	// allows only the last row and column to overhang.
	if tw*cols < outW || th*rows < outH || tw*(cols-1) >= outW || th*(rows-1) >= outH {
		return nil, fmt.Errorf("%w: %dx%d tiles of %dx%d do not fit %dx%d", ErrCorrupt, cols, rows, tw, th, outW, outH)
	}
	for _, t := range tiles {
		if int(t.Width) != tw || int(t.Height) != th {
			return nil, fmt.Errorf("%w: grid tiles differ in size", ErrCorrupt)
		}
	}

	return &gridLayout{tiles: tiles, tw: tw, th: th, rows: rows, cols: cols, outW: outW, outH: outH}, nil
}

func parseGridDesc(b []byte) (rows, cols, w, h int, err error) {
	if len(b) < 8 || b[0] != 0 {
		return 0, 0, 0, 0, fmt.Errorf("%w: bad grid descriptor", ErrCorrupt)
	}
	rows, cols = int(b[2])+1, int(b[3])+1
	if b[1]&1 == 0 {
		w, h = int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:]))
	} else {
		if len(b) < 12 {
			return 0, 0, 0, 0, fmt.Errorf("%w: bad grid descriptor", ErrCorrupt)
		}
		w, h = int(binary.BigEndian.Uint32(b[4:])), int(binary.BigEndian.Uint32(b[8:]))
	}
	if w <= 0 || h <= 0 {
		return 0, 0, 0, 0, fmt.Errorf("%w: grid of %dx%d pixels", ErrCorrupt, w, h)
	}
	return rows, cols, w, h, nil
}

// decodeTile wraps one tile's HEVC stream in a minimal single-image HEIF
// (ftyp, meta with that item's hvcC and ispe, mdat) and decodes it.
func decodeTile(ctx context.Context, inst *heifInstance, data []byte, f *heif.File, t *heif.Item) (image.Image, error) {
	coded, err := f.ReadItem(bytes.NewReader(data), int64(len(data)), t, maxTileBytes)
	if err != nil {
		return nil, heifErr(err)
	}
	img, err := inst.Decode(ctx, singleImageHEIF(t.HvcC, t.Width, t.Height, coded))
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() != int(t.Width) || b.Dy() != int(t.Height) {
		return nil, fmt.Errorf("%w: tile declared %dx%d, decoded %dx%d", ErrCorrupt, t.Width, t.Height, b.Dx(), b.Dy())
	}
	return img, nil
}

func singleImageHEIF(hvcC []byte, w, h uint32, coded []byte) []byte {
	box := func(typ string, parts ...[]byte) []byte {
		n := 8
		for _, p := range parts {
			n += len(p)
		}
		b := binary.BigEndian.AppendUint32(make([]byte, 0, n), uint32(n))
		b = append(b, typ...)
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	u16 := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	full := []byte{0, 0, 0, 0} // version 0, flags 0

	ftyp := box("ftyp", []byte("heic"), u32(0), []byte("mif1heic"))
	hdlr := box("hdlr", full, u32(0), []byte("pict"), make([]byte, 12), []byte{0})
	pitm := box("pitm", full, u16(1))
	infe := box("infe", []byte{2, 0, 0, 0}, u16(1), u16(0), []byte("hvc1"), []byte{0})
	iinf := box("iinf", full, u16(1), infe)
	ipco := box("ipco", box("hvcC", hvcC), box("ispe", full, u32(w), u32(h)))
	ipma := box("ipma", full, u32(1), u16(1), []byte{2, 0x81, 0x02})
	iprp := box("iprp", ipco, ipma)
	// iloc v0 with 4-byte offsets and lengths; the offset is patched below
	// once the meta box's size is known.
	iloc := box("iloc", full, []byte{0x44, 0x00}, u16(1), u16(1), u16(0), u16(1), u32(0), u32(uint32(len(coded))))
	meta := box("meta", full, hdlr, pitm, iinf, iloc, iprp)
	off := len(ftyp) + len(meta) + 8
	// iloc's extent_offset sits 8 bytes before the end of the iloc box.
	ilocAt := len(ftyp) + 8 + 4 + len(hdlr) + len(pitm) + len(iinf)
	binary.BigEndian.PutUint32(meta[ilocAt-len(ftyp)+len(iloc)-8:], uint32(off))

	out := make([]byte, 0, off+len(coded))
	out = append(out, ftyp...)
	out = append(out, meta...)
	out = binary.BigEndian.AppendUint32(out, uint32(8+len(coded)))
	out = append(out, "mdat"...)
	return append(out, coded...)
}

// newCanvas allocates the assembled frame in the tiles' own layout, so that
// an iPhone photo costs 1.5 bytes per pixel (4:2:0) rather than 4 (RGBA).
func newCanvas(tile image.Image, w, h int) image.Image {
	r := image.Rect(0, 0, w, h)
	switch t := tile.(type) {
	case *image.YCbCr:
		if t.SubsampleRatio == image.YCbCrSubsampleRatio420 || t.SubsampleRatio == image.YCbCrSubsampleRatio444 {
			return image.NewYCbCr(r, t.SubsampleRatio)
		}
	case *image.Gray:
		return image.NewGray(r)
	}
	return image.NewNRGBA(r)
}

func pasteTile(canvas, tile image.Image, at image.Point) error {
	switch c := canvas.(type) {
	case *image.YCbCr:
		t, ok := tile.(*image.YCbCr)
		if !ok || t.SubsampleRatio != c.SubsampleRatio {
			return fmt.Errorf("%w: grid tiles differ in colour layout", ErrCorrupt)
		}
		if c.SubsampleRatio == image.YCbCrSubsampleRatio420 && (at.X%2 != 0 || at.Y%2 != 0) {
			return fmt.Errorf("%w: odd tile size in a 4:2:0 grid", ErrUnsupportedFormat)
		}
		pastePlane(c.Y, c.YStride, c.Rect.Dx(), c.Rect.Dy(), t.Y, t.YStride, t.Rect.Dx(), t.Rect.Dy(), at.X, at.Y)
		cw, ch := chromaSize(c)
		tcw, tch := chromaSize(t)
		cx, cy := at.X, at.Y
		if c.SubsampleRatio == image.YCbCrSubsampleRatio420 {
			cx, cy = cx/2, cy/2
		}
		pastePlane(c.Cb, c.CStride, cw, ch, t.Cb, t.CStride, tcw, tch, cx, cy)
		pastePlane(c.Cr, c.CStride, cw, ch, t.Cr, t.CStride, tcw, tch, cx, cy)
	case *image.Gray:
		t, ok := tile.(*image.Gray)
		if !ok {
			return fmt.Errorf("%w: grid tiles differ in colour layout", ErrCorrupt)
		}
		pastePlane(c.Pix, c.Stride, c.Rect.Dx(), c.Rect.Dy(), t.Pix, t.Stride, t.Rect.Dx(), t.Rect.Dy(), at.X, at.Y)
	case *image.NRGBA:
		b := tile.Bounds()
		draw.Draw(c, image.Rectangle{Min: at, Max: at.Add(b.Size())}, tile, b.Min, draw.Src)
	}
	return nil
}

func chromaSize(m *image.YCbCr) (w, h int) {
	w, h = m.Rect.Dx(), m.Rect.Dy()
	if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
		w, h = (w+1)/2, (h+1)/2
	}
	return w, h
}

// pastePlane copies a tile plane to (x, y) of a canvas plane, cropping what
// falls outside the canvas (the grid's last row and column overhang it).
func pastePlane(dst []byte, dstStride, dw, dh int, src []byte, srcStride, sw, sh, x, y int) {
	w := min(sw, dw-x)
	if w <= 0 {
		return
	}
	for r := 0; r < sh && y+r < dh; r++ {
		copy(dst[(y+r)*dstStride+x:(y+r)*dstStride+x+w], src[r*srcStride:r*srcStride+w])
	}
}

// transform applies the grid's irot (counter-clockwise quarter turns) and
// then its imir, as libheif does for the properties iPhones write.
func transform(img image.Image, turns, mirrorAxis int) image.Image {
	if turns == 0 && mirrorAxis < 0 {
		return img
	}
	if m, ok := img.(*image.YCbCr); ok && (m.SubsampleRatio == image.YCbCrSubsampleRatio420 || m.SubsampleRatio == image.YCbCrSubsampleRatio444) {
		return transformYCbCr(m, turns, mirrorAxis)
	}
	switch turns {
	case 1:
		img = imaging.Rotate90(img)
	case 2:
		img = imaging.Rotate180(img)
	case 3:
		img = imaging.Rotate270(img)
	}
	switch mirrorAxis {
	case 0:
		img = imaging.FlipH(img)
	case 1:
		img = imaging.FlipV(img)
	}
	return img
}

// transformYCbCr turns the planes themselves: going through RGBA would cost
// 4 bytes per pixel for a frame that is 1.5 here.
func transformYCbCr(m *image.YCbCr, turns, mirrorAxis int) *image.YCbCr {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if turns%2 == 1 {
		w, h = h, w
	}
	out := image.NewYCbCr(image.Rect(0, 0, w, h), m.SubsampleRatio)
	cw, ch := chromaSize(m)
	turnPlane(out.Y, out.YStride, m.Y, m.YStride, m.Rect.Dx(), m.Rect.Dy(), turns, mirrorAxis)
	turnPlane(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, turns, mirrorAxis)
	turnPlane(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, turns, mirrorAxis)
	return out
}

// turnPlane writes src (sw x sh) turned counter-clockwise by `turns` quarter
// turns and then mirrored into dst. The destination of (x, y) is affine in
// x and y, so the inner loop only adds a step (a switch per sample made the
// turn ~20% of a native 12 MP decode).
func turnPlane(dst []byte, dstStride int, src []byte, srcStride, sw, sh, turns, mirrorAxis int) {
	dw, dh := sw, sh
	if turns%2 == 1 {
		dw, dh = sh, sw
	}
	// dx = ox + x*xx + y*xy, dy = oy + x*yx + y*yy
	var ox, xx, xy, oy, yx, yy int
	switch turns {
	case 0:
		xx, yy = 1, 1
	case 1:
		xy, oy, yx = 1, sw-1, -1
	case 2:
		ox, xx, oy, yy = sw-1, -1, sh-1, -1
	case 3:
		ox, xy, yx = sh-1, -1, 1
	}
	switch mirrorAxis {
	case 0:
		ox, xx, xy = dw-1-ox, -xx, -xy
	case 1:
		oy, yx, yy = dh-1-oy, -yx, -yy
	}
	step := yx*dstStride + xx
	for y := 0; y < sh; y++ {
		row := src[y*srcStride : y*srcStride+sw]
		i := (oy+y*yy)*dstStride + ox + y*xy
		for _, v := range row {
			dst[i] = v
			i += step
		}
	}
}
