package renditions

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"runtime"
	"strconv"
	"testing"
)

func TestDimensionsMatchManifest(t *testing.T) {
	for file, wh := range manifestSizes(t) {
		t.Run(file, func(t *testing.T) {
			b := readPhoto(t, file)
			f, err := Sniff(b[:min(len(b), SniffLen)])
			if err != nil {
				t.Fatal(err)
			}
			w, h, err := Dimensions(bytes.NewReader(b), f)
			if err != nil {
				t.Fatal(err)
			}
			if strconv.Itoa(w) != wh[0] || strconv.Itoa(h) != wh[1] {
				t.Errorf("Dimensions = %dx%d, want %sx%s", w, h, wh[0], wh[1])
			}
		})
	}
}

// hugeJPEGHeader is a syntactically valid JPEG header of a few KB declaring
// 64250x64250 pixels (a decompression bomb: decoding would need ~6 GB).
func hugeJPEGHeader() []byte {
	b := []byte{0xFF, 0xD8}
	b = append(b, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0)
	com := bytes.Repeat([]byte("x"), 3000)
	b = append(b, 0xFF, 0xFE, byte((len(com)+2)>>8), byte(len(com)+2))
	b = append(b, com...)
	b = append(b, 0xFF, 0xDB, 0x00, 0x43, 0x00)
	b = append(b, bytes.Repeat([]byte{1}, 64)...)
	b = append(b, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFA, 0xFA, 0xFA, 0xFA, 0x03,
		0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00)
	b = append(b, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00)
	b = append(b, bytes.Repeat([]byte{0x55}, 512)...)
	return append(b, 0xFF, 0xD9)
}

func TestDecompressionBombRefusedBeforeDecoding(t *testing.T) {
	bomb := hugeJPEGHeader()
	if len(bomb) > 8<<10 {
		t.Fatalf("bomb is %d bytes, want a few KB", len(bomb))
	}
	w, h, err := Dimensions(bytes.NewReader(bomb), JPEG)
	if err != nil || w != 64250 || h != 64250 {
		t.Fatalf("Dimensions = %dx%d, %v", w, h, err)
	}
	if err := CheckLimits(w, h, DefaultLimits.MaxPixels, DefaultLimits.MaxSide); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("CheckLimits = %v, want ErrTooLarge", err)
	}

	// Decode must refuse it from the header alone: measure allocation rather
	// than time, which would be flaky on a loaded CI machine.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Decode(bytes.NewReader(bomb), JPEG)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode = %v, want ErrTooLarge", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("Decode allocated %d bytes refusing a bomb", alloc)
	}
}

func TestCheckLimits(t *testing.T) {
	tests := []struct {
		w, h      int
		maxPixels int64
		maxSide   int
		want      error
	}{
		{4000, 3000, 12_000_000, 4000, nil},
		{4000, 3001, 12_000_000, 4001, ErrTooLarge}, // pixels
		{4001, 100, 12_000_000, 4000, ErrTooLarge},  // width
		{100, 4001, 12_000_000, 4000, ErrTooLarge},  // height
		{64250, 64250, 64_000_000, 16384, ErrTooLarge},
		{1 << 30, 1 << 30, 1 << 62, 1 << 31, nil}, // no int overflow in w*h
		{0, 100, 100, 100, ErrCorrupt},
		{100, -1, 100, 100, ErrCorrupt},
	}
	for _, tc := range tests {
		err := CheckLimits(tc.w, tc.h, tc.maxPixels, tc.maxSide)
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("CheckLimits(%d, %d, %d, %d) = %v, want %v", tc.w, tc.h, tc.maxPixels, tc.maxSide, err, tc.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	landscape := readPhoto(t, "orientation/landscape_1.jpg")
	heic := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, photoLike(64, 64)); err != nil {
		t.Fatal(err)
	}
	pngBytes := pngBuf.Bytes()
	pngFlipped := append([]byte(nil), pngBytes...)
	pngFlipped[len(pngFlipped)-30] ^= 0xFF // inside IDAT: checksum fails
	webpBytes, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		data []byte
		f    Format
		lim  Limits
		want error
	}{
		// Valid headers, entropy-coded data that fails: Go's decoder reports
		// "missing 0xff00 sequence" instead of returning a partial image.
		{"corrupted.jpg", readPhoto(t, "invalid/corrupted.jpg"), JPEG, DefaultLimits, ErrCorrupt},
		{"jpeg truncated mid-scan", landscape[:len(landscape)*6/10], JPEG, DefaultLimits, ErrCorrupt},
		{"jpeg truncated in header", landscape[:300], JPEG, DefaultLimits, ErrCorrupt},
		{"png truncated", pngBytes[:len(pngBytes)/2], PNG, DefaultLimits, ErrCorrupt},
		{"png bad checksum", pngFlipped, PNG, DefaultLimits, ErrCorrupt},
		{"webp truncated", webpBytes[:len(webpBytes)/2], WebP, DefaultLimits, ErrCorrupt},
		{"heic truncated in mdat", heic[:len(heic)/2], HEIC, DefaultLimits, ErrCorrupt},
		{"heic truncated in meta", heic[:1000], HEIC, DefaultLimits, ErrCorrupt},
		{"file over byte limit", landscape, JPEG, Limits{MaxBytes: 1000, MaxPixels: 1 << 30, MaxSide: 1 << 20}, ErrTooLarge},
		{"pixels over limit", landscape, JPEG, Limits{MaxBytes: 1 << 30, MaxPixels: 600*450 - 1, MaxSide: 1 << 20}, ErrTooLarge},
		{"heic over limit by ispe", heic, HEIC, Limits{MaxBytes: 1 << 30, MaxPixels: 12_000_000, MaxSide: 1 << 20}, ErrTooLarge},
		{"wrong format claimed", landscape, PNG, DefaultLimits, ErrCorrupt},
		{"unknown format", landscape, FormatUnknown, DefaultLimits, ErrUnsupportedFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeWithLimits(bytes.NewReader(tc.data), tc.f, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if img != nil {
				t.Errorf("got an image alongside error %v", err)
			}
		})
	}
}

func TestDecodeFormats(t *testing.T) {
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, photoLike(120, 80)); err != nil {
		t.Fatal(err)
	}
	webpLossy, _ := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	webpAlpha, _ := os.ReadFile("testdata/gopher-doc.with-alpha.lossless.webp")
	tests := []struct {
		name string
		data []byte
		want image.Point
	}{
		{"jpeg", readPhoto(t, "gps/DSCN0010.jpg"), image.Pt(640, 480)},
		{"jpeg with malformed metadata", readPhoto(t, "invalid/image00971.jpg"), image.Pt(636, 227)},
		{"png", pngBuf.Bytes(), image.Pt(120, 80)},
		{"webp lossy", webpLossy, image.Pt(150, 100)},
		{"webp lossless alpha", webpAlpha, image.Pt(75, 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Sniff(tc.data[:min(len(tc.data), SniffLen)])
			if err != nil {
				t.Fatal(err)
			}
			img, err := Decode(bytes.NewReader(tc.data), f)
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != tc.want {
				t.Errorf("size = %v, want %v", got, tc.want)
			}
			if _, err := Render(img, 1, Thumbnail); err != nil {
				t.Errorf("Render: %v", err)
			}
		})
	}
}

func TestWarmUpHEIC(t *testing.T) {
	t.Parallel()
	if err := WarmUpHEIC(); err != nil {
		t.Fatal(err)
	}
}
