package renditions

import (
	"bufio"
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const photos = "../../testdata/photos"

func readPhoto(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(photos, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeFile(t testing.TB, rel string) (image.Image, Format) {
	t.Helper()
	b := readPhoto(t, rel)
	f, err := Sniff(b[:min(len(b), SniffLen)])
	if err != nil {
		t.Fatalf("Sniff(%s): %v", rel, err)
	}
	img, err := Decode(bytes.NewReader(b), f)
	if err != nil {
		t.Fatalf("Decode(%s): %v", rel, err)
	}
	return img, f
}

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("rendition does not decode: %v", err)
	}
	return img
}

// meanAbsDiff is the mean absolute per-channel difference in [0,1] between
// two images of the same size.
func meanAbsDiff(t testing.TB, a, b image.Image) float64 {
	return meanAbsDiffExcept(t, a, b, image.Rectangle{})
}

// meanAbsDiffExcept is meanAbsDiff ignoring the pixels inside skip
// (coordinates relative to the images' top-left corner).
func meanAbsDiffExcept(t testing.TB, a, b image.Image, skip image.Rectangle) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v vs %v", a.Bounds().Size(), b.Bounds().Size())
	}
	ab, bb := a.Bounds(), b.Bounds()
	var sum float64
	n := 0
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			if image.Pt(x, y).In(skip) {
				continue
			}
			n++
			c1 := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			c2 := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			sum += absDiff(c1.R, c2.R) + absDiff(c1.G, c2.G) + absDiff(c1.B, c2.B)
		}
	}
	return sum / float64(3*n) / 255
}

func absDiff(a, b uint8) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}

// photoLike is a synthetic image with gradients and noise, so encoders and
// resamplers do realistic work (a flat image would flatter both). The noise
// is a cheap integer hash rather than math/rand, which is slow under -race.
func photoLike(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint32(x)*73856093 ^ uint32(y)*19349663
			v ^= v >> 13
			n := uint8(v*0x5bd1e995>>27) & 31
			i := img.PixOffset(x, y)
			img.Pix[i] = uint8(x*255/w) + n
			img.Pix[i+1] = uint8(y*255/h) + n
			img.Pix[i+2] = uint8((x+y)*127/(w+h)) + n
			img.Pix[i+3] = 255
		}
	}
	return img
}

// manifestSizes reads width/height per file from MANIFEST.tsv.
func manifestSizes(t testing.TB) map[string][2]string {
	t.Helper()
	f, err := os.Open(filepath.Join(photos, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][2]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		out[c[0]] = [2]string{c[5], c[6]}
	}
	return out
}

// hasAPP1 reports whether a JPEG stream has an APP1 (EXIF/XMP) segment
// before its first scan.
func hasAPP1(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return false
		}
		m := b[i+1]
		if m == 0xE1 {
			return true
		}
		if m == 0xDA || m == 0xD9 {
			return false
		}
		i += 2 + int(b[i+2])<<8 + int(b[i+3])
	}
	return false
}

// matchHistogram remaps each channel of img so its value distribution
// matches ref's. It cancels global tone differences (such as a different
// encoding colour space) but cannot make a mirrored or rotated picture match,
// because a histogram does not depend on where the pixels are.
func matchHistogram(img, ref image.Image) image.Image {
	hist := func(m image.Image) (h [3][256]float64) {
		b := m.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
				h[0][c.R]++
				h[1][c.G]++
				h[2][c.B]++
			}
		}
		for ch := range h {
			for v := 1; v < 256; v++ {
				h[ch][v] += h[ch][v-1]
			}
			for v := range h[ch] {
				h[ch][v] /= h[ch][255]
			}
		}
		return h
	}
	src, dst := hist(img), hist(ref)
	var lut [3][256]uint8
	for ch := 0; ch < 3; ch++ {
		r := 0
		for v := 0; v < 256; v++ {
			for r < 255 && dst[ch][r] < src[ch][v] {
				r++
			}
			lut[ch][v] = uint8(r)
		}
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			out.SetNRGBA(x, y, color.NRGBA{lut[0][c.R], lut[1][c.G], lut[2][c.B], 255})
		}
	}
	return out
}
