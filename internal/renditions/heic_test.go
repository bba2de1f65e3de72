package renditions

import (
	"bytes"
	"context"
	"errors"
	"image"
	"math"
	"runtime"
	"testing"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// decodeWhole has libheif assemble and turn the grid itself, as the decoder
// did before tiles were decoded one by one: the reference for the tile path.
func decodeWhole(t *testing.T, data []byte) *image.YCbCr {
	t.Helper()
	ctx := context.Background()
	inst, err := newHEIFInstance(ctx, 0, wholeImageMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	img, err := inst.Decode(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	return img.(*image.YCbCr)
}

// TestHEICGridMatchesLibheifAssembly decodes the iPhone photo tile by tile
// and compares it with libheif's own assembly of the same grid: same size
// and layout, and every plane within coding noise (libheif's grid path
// differs by at most a few levels on ~4% of samples). The first row of each
// tile is checked on its own: that is where heic.Decode's free-before-read
// left malloc's bookkeeping (up to 254 levels off). libheif's own assembly is
// not the exact reference: it passes each tile through a colour conversion
// this build leaves in, which moves ~4% of luma samples by 1-2 levels and
// chroma by up to ~35 at tile edges (PSNR 57 dB luma, 46-50 dB chroma).
func TestHEICGridMatchesLibheifAssembly(t *testing.T) {
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	img, err := DecodeWithLimits(bytes.NewReader(data), HEIC, wasmLimits)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := img.(*image.YCbCr)
	if !ok || got.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		t.Fatalf("decoded %T, want 4:2:0 YCbCr", img)
	}
	want := decodeWhole(t, data)
	if got.Rect != want.Rect || got.Rect != image.Rect(0, 0, 3024, 4032) {
		t.Fatalf("bounds %v, libheif %v, want 3024x4032 (irot applied)", got.Rect, want.Rect)
	}
	cw, ch := chromaSize(got)
	planes := []struct {
		name       string
		a, b       []byte
		sa, sb     int
		w, h       int
		tileOrigin int // rows of the stored (un-turned) tile grid map to these columns
	}{
		{"Y", got.Y, want.Y, got.YStride, want.YStride, got.Rect.Dx(), got.Rect.Dy(), 512},
		{"Cb", got.Cb, want.Cb, got.CStride, want.CStride, cw, ch, 256},
		{"Cr", got.Cr, want.Cr, got.CStride, want.CStride, cw, ch, 256},
	}
	for _, p := range planes {
		var sq float64
		maxd, maxEdge := 0, 0
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				d := int(p.a[y*p.sa+x]) - int(p.b[y*p.sb+x])
				if d < 0 {
					d = -d
				}
				sq += float64(d * d)
				maxd = max(maxd, d)
				// irot 3: stored row r lands in column w-1-r, so each
				// tile's first stored row is a column here.
				if (p.w-1-x)%p.tileOrigin == 0 {
					maxEdge = max(maxEdge, d)
				}
			}
		}
		psnr := 10 * math.Log10(255*255/(sq/float64(p.w*p.h)))
		t.Logf("%s: PSNR %.1f dB, max diff %d, max diff on tiles' first rows %d", p.name, psnr, maxd, maxEdge)
		if psnr < 45 || maxd > 48 || (p.name == "Y" && maxEdge > 24) {
			t.Errorf("%s plane differs from libheif's assembly: PSNR %.1f dB, max diff %d (first rows %d)", p.name, psnr, maxd, maxEdge)
		}
	}
}

// TestHEICDecodeAllocation bounds what one 12 MP iPhone decode allocates.
// The whole-file decode grew one wasm linear memory to hold the input, the
// assembled frame, its turned copy and an output copy, re-copying it at
// every growth: 383 MB allocated per photo, which GC pacing turned into
// 240-550 MB of RSS. Tile by tile it is ~120 MB: the frame and its turned
// copy, a Go copy of each tile, and six small instances' memories.
func TestHEICDecodeAllocation(t *testing.T) {
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	if err := WarmUpHEIC(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	img, err := DecodeWithLimits(bytes.NewReader(data), HEIC, wasmLimits)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	mb := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
	frame := float64(len(img.(*image.YCbCr).Y)) * 1.5 / (1 << 20)
	t.Logf("one decode allocated %.0f MB for a %.0f MB frame", mb, frame)
	if mb > 8*frame {
		t.Errorf("one 12 MP HEIC decode allocated %.0f MB, want at most %.0f (8 frames)", mb, 8*frame)
	}
}

func TestParseGridDesc(t *testing.T) {
	for _, c := range []struct {
		b                []byte
		rows, cols, w, h int
		ok               bool
	}{
		{[]byte{0, 0, 5, 7, 0x0f, 0xc0, 0x0b, 0xd0}, 6, 8, 4032, 3024, true},
		{[]byte{0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2}, 1, 1, 256, 2, true},
		{[]byte{0, 1, 0, 0, 0, 0, 1, 0}, 0, 0, 0, 0, false}, // 32-bit flag, 16-bit fields
		{[]byte{1, 0, 0, 0, 0, 1, 0, 1}, 0, 0, 0, 0, false}, // unknown version
		{[]byte{0, 0, 0, 0, 0, 0, 0, 1}, 0, 0, 0, 0, false}, // zero width
		{[]byte{0, 0, 0, 0}, 0, 0, 0, 0, false},             // short
	} {
		rows, cols, w, h, err := parseGridDesc(c.b)
		if (err == nil) != c.ok || rows != c.rows || cols != c.cols || w != c.w || h != c.h {
			t.Errorf("parseGridDesc(% x) = %d %d %d %d %v", c.b, rows, cols, w, h, err)
		}
	}
}

// TestTurnPlane checks every irot/imir combination against imaging's turns
// on a non-square plane.
func TestTurnPlane(t *testing.T) {
	const w, h = 5, 3
	src := image.NewGray(image.Rect(0, 0, w, h))
	for i := range src.Pix {
		src.Pix[i] = uint8(i + 1)
	}
	for turns := 0; turns < 4; turns++ {
		for axis := -1; axis <= 1; axis++ {
			want := transform(src, turns, axis).(interface {
				image.Image
			})
			wb := want.Bounds()
			dst := make([]byte, wb.Dx()*wb.Dy())
			turnPlane(dst, wb.Dx(), src.Pix, src.Stride, w, h, turns, axis)
			for y := 0; y < wb.Dy(); y++ {
				for x := 0; x < wb.Dx(); x++ {
					r, _, _, _ := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
					if uint8(r>>8) != dst[y*wb.Dx()+x] {
						t.Fatalf("turns %d axis %d: (%d,%d) = %d, imaging says %d", turns, axis, x, y, dst[y*wb.Dx()+x], r>>8)
					}
				}
			}
		}
	}
}

// TestSingleImageHEIFParses checks the wrapper built around each tile with
// the same parser that vets uploads.
func TestSingleImageHEIFParses(t *testing.T) {
	hvcC := []byte{1, 2, 3, 4, 5}
	coded := []byte("tile bytes")
	b := singleImageHEIF(hvcC, 512, 256, coded)
	f, err := heif.ReadFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	it, ok := f.Primary()
	if !ok || it.Type != "hvc1" || !it.HasSize || it.Width != 512 || it.Height != 256 || !bytes.Equal(it.HvcC, hvcC) {
		t.Fatalf("primary item %+v", it)
	}
	got, err := f.ReadItem(bytes.NewReader(b), int64(len(b)), it, 1<<20)
	if err != nil || !bytes.Equal(got, coded) {
		t.Fatalf("item data %q, %v", got, err)
	}
}

// TestHEICGridInconsistenciesRefused: a grid whose descriptor, tile list or
// tile sizes disagree is refused before any tile is decoded, as corrupt or
// unsupported, never a panic or a partial frame.
func TestHEICGridInconsistenciesRefused(t *testing.T) {
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	for _, c := range []struct {
		name   string
		break_ func(f *heif.File, g *heif.Item)
		want   error
	}{
		{"a tile missing", func(f *heif.File, g *heif.Item) { g.Refs["dimg"] = g.Refs["dimg"][1:] }, ErrCorrupt},
		{"tiles of two sizes", func(f *heif.File, g *heif.Item) { f.Items[g.Refs["dimg"][3]].Width = 256 }, ErrCorrupt},
		{"tiles too small for the canvas", func(f *heif.File, g *heif.Item) {
			for _, id := range g.Refs["dimg"] {
				f.Items[id].Width = 256
			}
		}, ErrCorrupt},
		{"a tile column wholly outside the canvas", func(f *heif.File, g *heif.Item) {
			for _, id := range g.Refs["dimg"] {
				f.Items[id].Width = 1024
			}
		}, ErrCorrupt},
		{"a tile that is not HEVC", func(f *heif.File, g *heif.Item) { f.Items[g.Refs["dimg"][0]].Type = "av01" }, ErrUnsupportedFormat},
		{"a turned tile", func(f *heif.File, g *heif.Item) { f.Items[g.Refs["dimg"][0]].Rotation = 1 }, ErrUnsupportedFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := heif.ReadFile(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			g, _ := f.Primary()
			c.break_(f, g)
			if _, err := decodeGrid(data, f, g); !errors.Is(err, c.want) {
				t.Fatalf("tile path: got %v, want %v", err, c.want)
			}
			if _, err := NativeHEIC(); err != nil {
				return // TestHEICNativeMatchesTilePath reports it
			}
			before := nativeDecodes.Load()
			if _, err := decodeHEICNative(data, f, g); !errors.Is(err, c.want) {
				t.Fatalf("native: got %v, want %v", err, c.want)
			}
			if n := nativeDecodes.Load() - before; n != 0 {
				t.Fatalf("libheif was handed the inconsistent grid")
			}
		})
	}
}

// TestHEICGridDescriptorDisagreeingWithTiles patches the grid descriptor (in
// idat) so the canvas is narrower than seven of its eight tile columns. The
// decode must fail as corrupt; before the bounds were checked, pasting the
// outer tiles panicked in a tile goroutine, beyond any recover, and took
// the whole process down.
func TestHEICGridDescriptorDisagreeingWithTiles(t *testing.T) {
	data := bytes.Clone(readPhoto(t, "heic/iphone_13_pro_max.HEIC"))
	desc := []byte{0, 0, 5, 7, 0x0f, 0xc0, 0x0b, 0xd0} // 8x6 tiles, 4032x3024
	i := bytes.Index(data, desc)
	if i < 0 {
		t.Fatal("grid descriptor not found")
	}
	data[i+4], data[i+5] = 0x03, 0xe8 // 1000 px wide
	eachHEICDecoder(t, func(t *testing.T, lim Limits) {
		before := nativeDecodes.Load()
		if _, err := DecodeWithLimits(bytes.NewReader(data), HEIC, lim); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
		if n := nativeDecodes.Load() - before; n != 0 {
			t.Fatalf("libheif was handed the inconsistent grid (%d decodes)", n)
		}
	})
}

// TestHEICSingleImageThroughDecode sends one of the iPhone's tiles, wrapped
// as a single-image HEIF, through the public Decode: the non-grid path
// (one whole-file instance) and the wrapper the grid path builds.
func TestHEICSingleImageThroughDecode(t *testing.T) {
	tile, coded := firstTile(t)
	mini := singleImageHEIF(tile.HvcC, tile.Width, tile.Height, coded)
	eachHEICDecoder(t, func(t *testing.T, lim Limits) { checkSingleImage(t, mini, lim) })
}

func checkSingleImage(t *testing.T, mini []byte, lim Limits) {
	img, err := DecodeWithLimits(bytes.NewReader(mini), HEIC, lim)
	if err != nil {
		t.Fatal(err)
	}
	y, ok := img.(*image.YCbCr)
	if !ok || y.Rect != image.Rect(0, 0, 512, 512) {
		t.Fatalf("decoded %T %v, want a 512x512 YCbCr", img, img.Bounds())
	}
	var sum int
	for _, v := range y.Y {
		sum += int(v)
	}
	if mean := sum / len(y.Y); mean < 16 || mean > 235 {
		t.Errorf("tile's mean luma %d: not a picture", mean)
	}
	if ICCProfile(mini, HEIC) != nil {
		t.Error("a HEIF without colr has a profile")
	}
}

func TestLinearMemoryGrowth(t *testing.T) {
	m := &linearMemory{reserve: 1 << 20, max: 8 << 20}
	b := m.Reallocate(64 << 10)
	if len(b) != 64<<10 || cap(b) != 1<<20 {
		t.Fatalf("first allocation len %d cap %d, want the reserve", len(b), cap(b))
	}
	b[100] = 7
	b = m.Reallocate(3 << 20)
	if len(b) != 3<<20 || cap(b) != 3<<20 || b[100] != 7 {
		t.Fatalf("growth: len %d cap %d, contents kept %v", len(b), cap(b), b[100] == 7)
	}
	if b = m.Reallocate(5 << 20); cap(b) != 6<<20 {
		t.Fatalf("growth past the capacity doubles it: cap %d", cap(b))
	}
	if m.Reallocate(9<<20) != nil {
		t.Fatal("growth past max must fail")
	}
}

// firstTile is the iPhone photo's first grid tile and its coded bytes: a
// real HEVC image small enough to wrap, mutate and decode many times.
func firstTile(t *testing.T) (*heif.Item, []byte) {
	t.Helper()
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	f, err := heif.ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, _ := f.Primary()
	tile := f.Items[g.Refs["dimg"][0]]
	coded, err := f.ReadItem(bytes.NewReader(data), int64(len(data)), tile, maxTileBytes)
	if err != nil {
		t.Fatal(err)
	}
	return tile, coded
}
