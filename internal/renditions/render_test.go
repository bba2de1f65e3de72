package renditions

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/fieldproof/fieldproof/internal/exif"
)

// maxUprightDiff: renditions of the same picture from differently stored
// orientations differ only by JPEG/resampling noise, while a wrongly mirrored
// or rotated one differs by ~0.18-0.25.
const maxUprightDiff = 8.0 / 255

// digitBox is where the fixtures print their orientation number (1-8) in the
// upright 320x240 rendition; it is the one intended difference between them.
var digitBox = image.Rect(130, 85, 200, 150)

func renderFile(t *testing.T, rel string, size Size) image.Image {
	t.Helper()
	raw := readPhoto(t, rel)
	meta, err := exif.Read(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	img, f := decodeFile(t, rel)
	out, err := Render(img, DisplayOrientation(f, meta.Orientation), size)
	if err != nil {
		t.Fatalf("Render(%s): %v", rel, err)
	}
	return decodeJPEG(t, out)
}

// TestOrientationsComeOutUpright renders all eight EXIF orientations.
//
// landscape_1.jpg is plain sRGB while 2-8 carry Apple's "Generic RGB"
// (gamma 1.8) ICC profile, and renditions are not colour-managed, so their
// raw pixel values differ by ~0.05 everywhere (13/255). Comparisons with
// landscape_1 therefore first match each channel's histogram to it, which
// removes that global tone difference but cannot rescue a wrong geometry.
// Files 2-8 share one encoding and are also compared raw with each other.
func TestOrientationsComeOutUpright(t *testing.T) {
	ref := renderFile(t, "orientation/landscape_1.jpg", Thumbnail)
	if got := ref.Bounds().Size(); got != image.Pt(320, 240) {
		t.Fatalf("reference rendition is %v", got)
	}
	ref2 := renderFile(t, "orientation/landscape_2.jpg", Thumbnail)
	// The comparison must be able to fail: the mirror image and the
	// upside-down image must both be rejected.
	for name, wrong := range map[string]image.Image{
		"mirrored":    imaging.FlipH(ref2),
		"upside-down": imaging.Rotate180(ref2),
	} {
		if d := meanAbsDiffExcept(t, ref, matchHistogram(wrong, ref), digitBox); d < maxUprightDiff {
			t.Fatalf("a %s rendition differs by only %.4f; the test could not detect it", name, d)
		}
		if d := meanAbsDiffExcept(t, ref2, wrong, digitBox); d < maxUprightDiff {
			t.Fatalf("a %s rendition differs raw by only %.4f; the test could not detect it", name, d)
		}
	}
	for n := 1; n <= 8; n++ {
		t.Run(fmt.Sprint("landscape_", n), func(t *testing.T) {
			got := renderFile(t, fmt.Sprintf("orientation/landscape_%d.jpg", n), Thumbnail)
			if sz := got.Bounds().Size(); sz != image.Pt(320, 240) {
				t.Fatalf("rendition is %v, want 320x240", sz)
			}
			d := meanAbsDiffExcept(t, ref, matchHistogram(got, ref), digitBox)
			t.Logf("mean abs diff vs landscape_1 (tone-matched): %.4f", d)
			if d >= maxUprightDiff {
				t.Errorf("differs from landscape_1 by %.4f (limit %.4f): not upright", d, maxUprightDiff)
			}
			if n >= 2 {
				if d := meanAbsDiffExcept(t, ref2, got, digitBox); d >= maxUprightDiff {
					t.Errorf("differs raw from landscape_2 by %.4f (limit %.4f): not upright", d, maxUprightDiff)
				}
			}
		})
	}
}

func TestHEICRendersPortrait(t *testing.T) {
	t.Parallel() // slow (wasm decoder), so overlap it with the other tests
	raw := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
	w, h, err := Dimensions(bytes.NewReader(raw), HEIC)
	if err != nil || w != 4032 || h != 3024 {
		t.Fatalf("Dimensions = %dx%d, %v (want stored 4032x3024)", w, h, err)
	}
	meta, err := exif.Read(bytes.NewReader(raw), int64(len(raw)))
	if err != nil || meta.Orientation != 6 {
		t.Fatalf("EXIF orientation = %d, %v", meta.Orientation, err)
	}
	img, err := Decode(bytes.NewReader(raw), HEIC)
	if err != nil {
		t.Fatal(err)
	}
	// The decoder applies the container's irot, so the frame is already portrait...
	if got := img.Bounds().Size(); got != image.Pt(3024, 4032) {
		t.Fatalf("decoded %v, want 3024x4032", got)
	}
	// ...and EXIF orientation 6 must not be applied a second time.
	if o := DisplayOrientation(HEIC, meta.Orientation); o != 1 {
		t.Fatalf("DisplayOrientation(HEIC, 6) = %d", o)
	}
	for size, want := range map[Size]image.Point{Thumbnail: image.Pt(240, 320), Preview: image.Pt(1200, 1600)} {
		out, err := Render(img, DisplayOrientation(HEIC, meta.Orientation), size)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeJPEG(t, out).Bounds().Size(); got != want {
			t.Errorf("%v = %v, want %v", size, got, want)
		}
	}
}

func TestRenderSizes(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		o    int
		size Size
		want image.Point
	}{
		{"landscape thumbnail", 640, 480, 1, Thumbnail, image.Pt(320, 240)},
		{"landscape preview", 1800, 1350, 1, Preview, image.Pt(1600, 1200)},
		{"portrait thumbnail", 480, 640, 1, Thumbnail, image.Pt(240, 320)},
		{"stored landscape shown portrait", 640, 480, 6, Thumbnail, image.Pt(240, 320)},
		{"transverse", 1800, 1350, 7, Preview, image.Pt(1200, 1600)},
		{"panorama", 1152, 494, 1, Thumbnail, image.Pt(320, 137)},
		{"small image never upscaled", 200, 100, 1, Preview, image.Pt(200, 100)},
		{"small image still rotated", 200, 100, 8, Preview, image.Pt(100, 200)},
		{"exactly the long edge", 320, 200, 1, Thumbnail, image.Pt(320, 200)},
		{"invalid orientation treated as 1", 400, 300, 0, Thumbnail, image.Pt(320, 240)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Render(photoLike(tc.w, tc.h), tc.o, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeJPEG(t, out).Bounds().Size(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRenderAllMatchesRender(t *testing.T) {
	img := photoLike(1800, 1350)
	all, err := RenderAll(img, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(Sizes) {
		t.Fatalf("RenderAll made %d renditions, want %d", len(all), len(Sizes))
	}
	// The largest size is computed exactly as Render does it.
	if one, err := Render(img, 6, Preview); err != nil || !bytes.Equal(one, all[Preview]) {
		t.Errorf("preview differs from Render's (err %v)", err)
	}
	// Smaller ones come from the resized preview: visually the same.
	one, err := Render(img, 6, Thumbnail)
	if err != nil {
		t.Fatal(err)
	}
	if d := meanAbsDiff(t, decodeJPEG(t, all[Thumbnail]), decodeJPEG(t, one)); d > 2.0/255 {
		t.Errorf("cascaded thumbnail differs from direct one by %.4f", d)
	}
	if _, err := RenderAll(nil, 1); err == nil {
		t.Error("RenderAll(nil) succeeded")
	}
}

func TestRenditionCarriesNoMetadata(t *testing.T) {
	raw := readPhoto(t, "gps/DSCN0010.jpg")
	if !hasAPP1(raw) {
		t.Fatal("fixture should carry EXIF")
	}
	meta, _ := exif.Read(bytes.NewReader(raw), int64(len(raw)))
	if meta.Latitude == nil {
		t.Fatal("fixture should carry GPS")
	}
	img, _ := decodeFile(t, "gps/DSCN0010.jpg")
	for _, size := range Sizes {
		out, err := Render(img, 1, size)
		if err != nil {
			t.Fatal(err)
		}
		if hasAPP1(out) || bytes.Contains(out, []byte("Exif\x00")) {
			t.Errorf("%v rendition contains an APP1/Exif segment", size)
		}
		m, err := exif.Read(bytes.NewReader(out), int64(len(out)))
		if err != nil || m.Latitude != nil || m.Make != "" || m.CapturedAt != nil {
			t.Errorf("%v rendition metadata = %+v, %v", size, m, err)
		}
	}
}

func TestRenderFlattensAlphaOntoWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 10, 10)) // fully transparent
	out, err := Render(img, 1, Thumbnail)
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := decodeJPEG(t, out).At(5, 5).RGBA()
	if r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
		t.Errorf("transparent pixel rendered as %d,%d,%d; want white", r>>8, g>>8, b>>8)
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	if _, err := Render(nil, 1, Thumbnail); err == nil {
		t.Error("nil image accepted")
	}
	if _, err := Render(image.NewRGBA(image.Rect(0, 0, 0, 0)), 1, Thumbnail); err == nil {
		t.Error("empty image accepted")
	}
	if _, err := Render(photoLike(10, 10), 1, Size(99)); err == nil {
		t.Error("invalid size accepted")
	}
}

func TestSizeTable(t *testing.T) {
	for _, tc := range []struct {
		s    Size
		name string
		edge int
	}{{Thumbnail, "thumbnail", 320}, {Preview, "preview", 1600}, {Size(-1), "invalid", 0}} {
		if tc.s.String() != tc.name || tc.s.LongEdge() != tc.edge {
			t.Errorf("%d: %q %d", tc.s, tc.s.String(), tc.s.LongEdge())
		}
	}
}

// encode12MP makes the benchmark input: a photo-like 4000x3000 JPEG.
func encode12MP(b *testing.B) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photoLike(4000, 3000), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRender12MP is the per-upload cost of a typical phone photo:
// decode, then both renditions, either size by size with Render or cascaded
// with RenderAll.
func BenchmarkRender12MP(b *testing.B) {
	src := encode12MP(b)
	b.Run("Render", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for i := 0; i < b.N; i++ {
			img, err := Decode(bytes.NewReader(src), JPEG)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range Sizes {
				if _, err := Render(img, 6, s); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("RenderAll", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for i := 0; i < b.N; i++ {
			img, err := Decode(bytes.NewReader(src), JPEG)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := RenderAll(img, 6); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFilters compares resampling filters for the 12 MP -> preview
// step, the dominant cost of Render; it is why resampleFilter is CatmullRom.
func BenchmarkFilters(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(encode12MP(b)))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []struct {
		name string
		f    imaging.ResampleFilter
	}{{"Lanczos", imaging.Lanczos}, {"CatmullRom", imaging.CatmullRom}, {"Linear", imaging.Linear}} {
		b.Run(f.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				imaging.Fit(img, 1600, 1600, f.f)
			}
		})
	}
}
