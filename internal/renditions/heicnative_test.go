package renditions

import (
	"bytes"
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

var (
	nativeLimits = Limits{MaxBytes: DefaultLimits.MaxBytes, MaxPixels: DefaultLimits.MaxPixels, MaxSide: DefaultLimits.MaxSide, HEICDecoder: HEICNative}
	wasmLimits   = Limits{MaxBytes: DefaultLimits.MaxBytes, MaxPixels: DefaultLimits.MaxPixels, MaxSide: DefaultLimits.MaxSide, HEICDecoder: HEICWASM}
)

// requireLibheif skips without libheif, except under
// FIELDPROOF_REQUIRE_SERVICES, where the native path is a production path
// that must be tested (scripts/test-services.sh installs libheif1).
func requireLibheif(t *testing.T) {
	t.Helper()
	v, err := NativeHEIC()
	if err != nil {
		if os.Getenv("FIELDPROOF_REQUIRE_SERVICES") != "" {
			t.Fatalf("FIELDPROOF_REQUIRE_SERVICES is set and libheif is missing: %v", err)
		}
		t.Skipf("libheif not available: %v", err)
	}
	t.Logf("libheif %s", v)
}

func decodeWith(t *testing.T, data []byte, lim Limits) (image.Image, int64) {
	t.Helper()
	before := nativeDecodes.Load()
	img, err := DecodeWithLimits(bytes.NewReader(data), HEIC, lim)
	if err != nil {
		t.Fatalf("%s: %v", lim.HEICDecoder, err)
	}
	return img, nativeDecodes.Load() - before
}

// comparePlanes fails unless a and b have the same layout and every plane
// is within coding noise of the other's (PSNR >= minPSNR, no sample more
// than maxDiff apart).
func comparePlanes(t *testing.T, a, b image.Image, minPSNR float64, maxDiff int) {
	t.Helper()
	ya, ok1 := a.(*image.YCbCr)
	yb, ok2 := b.(*image.YCbCr)
	if !ok1 || !ok2 || ya.SubsampleRatio != yb.SubsampleRatio || ya.Rect != yb.Rect {
		t.Fatalf("layouts differ: %T %v vs %T %v", a, a.Bounds(), b, b.Bounds())
	}
	cw, ch := chromaSize(ya)
	for _, p := range []struct {
		name   string
		a, b   []byte
		sa, sb int
		w, h   int
	}{
		{"Y", ya.Y, yb.Y, ya.YStride, yb.YStride, ya.Rect.Dx(), ya.Rect.Dy()},
		{"Cb", ya.Cb, yb.Cb, ya.CStride, yb.CStride, cw, ch},
		{"Cr", ya.Cr, yb.Cr, ya.CStride, yb.CStride, cw, ch},
	} {
		var sq float64
		maxd := 0
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				d := int(p.a[y*p.sa+x]) - int(p.b[y*p.sb+x])
				if d < 0 {
					d = -d
				}
				sq += float64(d * d)
				maxd = max(maxd, d)
			}
		}
		psnr := math.Inf(1)
		if sq > 0 {
			psnr = 10 * math.Log10(255*255/(sq/float64(p.w*p.h)))
		}
		t.Logf("%s: PSNR %.1f dB, max diff %d", p.name, psnr, maxd)
		if psnr < minPSNR || maxd > maxDiff {
			t.Errorf("%s plane: PSNR %.1f dB, max diff %d; want >= %.0f dB, <= %d", p.name, psnr, maxd, minPSNR, maxDiff)
		}
	}
}

// TestHEICNativeMatchesTilePath decodes the 12 MP iPhone grid (irot 3)
// through libheif and through the sandbox's tile path: same size, same
// turn, same 4:2:0 layout, and the same pixels within coding noise.
func TestHEICNativeMatchesTilePath(t *testing.T) {
	requireLibheif(t)
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	native, n := decodeWith(t, data, nativeLimits)
	if n != 1 {
		t.Fatalf("HEICNative made %d libheif decodes, want 1", n)
	}
	wasm, n := decodeWith(t, data, wasmLimits)
	if n != 0 {
		t.Fatalf("HEICWASM made %d libheif decodes, want 0", n)
	}
	if native.Bounds() != image.Rect(0, 0, 3024, 4032) {
		t.Fatalf("native bounds %v, want 3024x4032 (irot applied)", native.Bounds())
	}
	comparePlanes(t, native, wasm, 45, 48)
}

// eachHEICDecoder runs f with the sandbox and, where libheif can be loaded
// (always under FIELDPROOF_REQUIRE_SERVICES), with the native decoder.
func eachHEICDecoder(t *testing.T, f func(t *testing.T, lim Limits)) {
	t.Run("wasm", func(t *testing.T) { f(t, wasmLimits) })
	t.Run("native", func(t *testing.T) {
		requireLibheif(t)
		f(t, nativeLimits)
	})
}

// TestHEICNativeTurnsLikeTilePath gives the grid another irot and an imir
// and checks that both decoders turn and mirror it the same way: libheif is
// told to ignore the container's transformations, which are applied to the
// 4:2:0 planes afterwards, as the tile path does.
func TestHEICNativeTurnsLikeTilePath(t *testing.T) {
	requireLibheif(t)
	data := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	f, err := heif.ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, _ := f.Primary()
	g.Rotation, g.MirrorAxis = 1, 0
	native, err := decodeHEICNative(data, f, g)
	if err != nil {
		t.Fatal(err)
	}
	tiles, err := decodeGrid(data, f, g)
	if err != nil {
		t.Fatal(err)
	}
	if native.Bounds() != image.Rect(0, 0, 3024, 4032) {
		t.Fatalf("bounds %v, want 3024x4032", native.Bounds())
	}
	comparePlanes(t, native, tiles, 45, 48)
}

// TestHEICDecoderSelection: auto takes libheif when it loads and the
// sandbox when it does not; native without libheif is an error, never a
// silent fallback; wasm never touches libheif.
func TestHEICDecoderSelection(t *testing.T) {
	tile, coded := firstTile(t)
	mini := singleImageHEIF(tile.HvcC, tile.Width, tile.Height, coded)
	autoLimits := nativeLimits
	autoLimits.HEICDecoder = HEICAuto

	t.Run("libheif missing", func(t *testing.T) {
		real := loadLibheif
		loadLibheif = func() (*libheif, error) { return nil, ErrNativeHEICUnavailable }
		defer func() { loadLibheif = real }()
		if img, n := decodeWith(t, mini, autoLimits); n != 0 || img.Bounds().Dx() != 512 {
			t.Fatalf("auto without libheif: %d libheif decodes, %v", n, img.Bounds())
		}
		if _, err := DecodeWithLimits(bytes.NewReader(mini), HEIC, nativeLimits); !errors.Is(err, ErrNativeHEICUnavailable) {
			t.Fatalf("native without libheif: got %v, want ErrNativeHEICUnavailable", err)
		}
	})
	t.Run("libheif present", func(t *testing.T) {
		requireLibheif(t)
		if _, n := decodeWith(t, mini, autoLimits); n != 1 {
			t.Fatalf("auto with libheif: %d libheif decodes, want 1", n)
		}
		if _, n := decodeWith(t, mini, wasmLimits); n != 0 {
			t.Fatalf("wasm: %d libheif decodes, want 0", n)
		}
	})
}

func TestParseHEICDecoder(t *testing.T) {
	for in, want := range map[string]HEICDecoder{"": HEICAuto, "auto": HEICAuto, "native": HEICNative, "wasm": HEICWASM} {
		if got, err := ParseHEICDecoder(in); err != nil || got != want {
			t.Errorf("ParseHEICDecoder(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseHEICDecoder("cgo"); err == nil {
		t.Error(`ParseHEICDecoder("cgo") succeeded`)
	}
}

// TestHEICNativeHostileInput feeds libheif one iPhone tile with seeded
// random damage to its HEVC parameter sets (hvcC) and slice data: every
// decode must end in an image of the declared size or a classified error,
// never a panic or a crash of the test process (libheif runs in-process).
func TestHEICNativeHostileInput(t *testing.T) {
	requireLibheif(t)
	tile, coded := firstTile(t)
	rng := rand.New(rand.NewPCG(15, 5))
	var decoded, refused int
	for i := 0; i < 150; i++ {
		hvcC, body := bytes.Clone(tile.HvcC), bytes.Clone(coded)
		for n := 1 + rng.IntN(4); n > 0; n-- {
			if rng.IntN(2) == 0 {
				hvcC[rng.IntN(len(hvcC))] = byte(rng.Uint32())
			} else {
				body[rng.IntN(min(len(body), 4096))] = byte(rng.Uint32())
			}
		}
		if rng.IntN(4) == 0 {
			body = body[:rng.IntN(len(body))]
		}
		mini := singleImageHEIF(hvcC, tile.Width, tile.Height, body)
		img, err := DecodeWithLimits(bytes.NewReader(mini), HEIC, nativeLimits)
		switch {
		case err == nil:
			if img.Bounds() != image.Rect(0, 0, 512, 512) {
				t.Fatalf("mutation %d decoded to %v", i, img.Bounds())
			}
			decoded++
		case errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupportedFormat) || errors.Is(err, ErrTooLarge):
			refused++
		default:
			t.Fatalf("mutation %d: unclassified error %v", i, err)
		}
	}
	t.Logf("%d damaged tiles decoded, %d refused", decoded, refused)
}
