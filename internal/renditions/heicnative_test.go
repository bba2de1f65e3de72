package renditions

import (
	"bytes"
	"image"
	"math"
	"os"
	"testing"
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
