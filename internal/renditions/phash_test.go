package renditions

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"
)

func TestHammingDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b uint64
		want int
	}{
		{0, 0, 0},
		{0, 1, 1},
		{0xFFFFFFFFFFFFFFFF, 0, 64},
		{0xF0F0, 0x0FF0, 8},
	} {
		if got := HammingDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("HammingDistance(%#x, %#x) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func mustPHash(t *testing.T, img image.Image) uint64 {
	t.Helper()
	h, err := PHash(img)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPHash(t *testing.T) {
	orig, _ := decodeFile(t, "orientation/landscape_1.jpg")
	// A re-upload: downsized and recompressed hard.
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, imaging.Resize(orig, 300, 0, imaging.Linear), &jpeg.Options{Quality: 40}); err != nil {
		t.Fatal(err)
	}
	copyImg := decodeJPEG(t, buf.Bytes())
	other, _ := decodeFile(t, "gps/DSCN0010.jpg")
	other2, _ := decodeFile(t, "mobile/HMD_Nokia_8.3_5G.jpg")

	h := mustPHash(t, orig)
	d := HammingDistance(h, mustPHash(t, copyImg))
	t.Logf("recompressed copy: %d bits", d)
	if d > 6 {
		t.Errorf("recompressed copy is %d bits away; want <= 6", d)
	}
	for name, img := range map[string]image.Image{"DSCN0010": other, "Nokia": other2} {
		d := HammingDistance(h, mustPHash(t, img))
		t.Logf("%s: %d bits", name, d)
		if d < 20 {
			t.Errorf("different photo %s is only %d bits away; want >= 20", name, d)
		}
	}
	if _, err := PHash(nil); err == nil {
		t.Error("PHash(nil) succeeded")
	}
}
