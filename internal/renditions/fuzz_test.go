package renditions

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "photos", "*", "*"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.webp"))
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b[:min(len(b), 64<<10)])
		}
	}
	p, j := encodedSeeds()
	f.Add(p)
	f.Add(j)
}

// FuzzSniffDimensionsStructure: the checks an upload goes through before
// anything is stored never panic, and a declared size is never trusted
// beyond the limits.
func FuzzSniffDimensionsStructure(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := Sniff(data[:min(len(data), SniffLen)])
		if err != nil {
			return
		}
		w, h, err := Dimensions(bytes.NewReader(data), format)
		if err == nil && (w <= 0 || h <= 0) {
			t.Fatalf("dimensions %dx%d without an error", w, h)
		}
		_ = CheckStructure(bytes.NewReader(data), int64(len(data)), format)
	})
}
