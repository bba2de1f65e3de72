package renditions

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func structureOf(t *testing.T, b []byte) error {
	t.Helper()
	n := min(len(b), SniffLen)
	f, err := Sniff(b[:n])
	if err != nil {
		t.Fatalf("sniff: %v", err)
	}
	return CheckStructure(bytes.NewReader(b), int64(len(b)), f)
}

// encoded returns a PNG and a restart-interval-free JPEG of a small image.
func encoded(t *testing.T) (pngData, jpegData []byte) {
	p, j := encodedSeeds()
	if p == nil || j == nil {
		t.Fatal("encode failed")
	}
	return p, j
}

func encodedSeeds() (pngData, jpegData []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var p, j bytes.Buffer
	if png.Encode(&p, img) != nil || jpeg.Encode(&j, img, nil) != nil {
		return nil, nil
	}
	return p.Bytes(), j.Bytes()
}

func TestStructureAcceptsEveryGoodFile(t *testing.T) {
	var files []string
	for _, dir := range []string{"gps", "heic", "mobile", "orientation"} {
		m, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "photos", dir, "*"))
		files = append(files, m...)
	}
	// A bad EXIF block is not bad image data.
	files = append(files, filepath.Join("..", "..", "testdata", "photos", "invalid", "image00971.jpg"))
	w, _ := filepath.Glob(filepath.Join("testdata", "*.webp"))
	files = append(files, w...)
	if len(files) < 15 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		if err := structureOf(t, readFile(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	p, j := encoded(t)
	for name, b := range map[string][]byte{"png": p, "jpeg": j} {
		if err := structureOf(t, b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestStructureRefusesCorruptFiles(t *testing.T) {
	corruptJPEG := readFile(t, filepath.Join("..", "..", "testdata", "photos", "invalid", "corrupted.jpg"))
	mobile := readFile(t, filepath.Join("..", "..", "testdata", "photos", "mobile", "HMD_Nokia_8.3_5G.jpg"))
	heic := readFile(t, filepath.Join("..", "..", "testdata", "photos", "heic", "iphone_13_pro_max.HEIC"))
	webp := readFile(t, filepath.Join("testdata", "blue-purple-pink.lossy.webp"))
	p, _ := encoded(t)
	flipped := bytes.Clone(p)
	flipped[len(flipped)/2] ^= 0x10
	// Garbage spliced into the middle of a JPEG's image data.
	spliced := append(append(bytes.Clone(mobile[:len(mobile)/2]), 0xFF, 0x42, 0x17), mobile[len(mobile)/2:]...)
	cases := map[string][]byte{
		"testdata corrupted.jpg": corruptJPEG,
		"jpeg cut in half":       mobile[:len(mobile)/2],
		"jpeg without EOI":       mobile[:len(mobile)-2],
		"jpeg garbage spliced":   spliced,
		"png cut":                p[:len(p)-20],
		"png bit flipped":        flipped,
		"heic cut":               heic[:len(heic)-1000],
		"webp cut":               webp[:len(webp)-10],
	}
	for name, b := range cases {
		if err := structureOf(t, b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

func BenchmarkStructureJPEG(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "mobile", "HMD_Nokia_8.3_5G.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := CheckStructure(bytes.NewReader(data), int64(len(data)), JPEG); err != nil {
			b.Fatal(err)
		}
	}
}
