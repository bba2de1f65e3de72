package renditions

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func ftyp(major string, compat ...string) []byte {
	n := 16 + 4*len(compat)
	b := []byte{0, 0, 0, byte(n)}
	b = append(b, "ftyp"+major+"\x00\x00\x00\x00"...)
	for _, c := range compat {
		b = append(b, c...)
	}
	return append(b, "\x00\x00\x00\x08meta"...)
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want Format
	}{
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, JPEG},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), PNG},
		{"webp lossy", []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00"), WebP},
		{"webp lossless", []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00"), WebP},
		{"webp extended still", []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x10\x00\x00\x00"), WebP},
		{"webp extended animated", []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00"), FormatUnknown},
		{"webp extended cut short", []byte("RIFF\x00\x00\x00\x00WEBPVP8X"), FormatUnknown},
		{"riff but wave", []byte("RIFF\x00\x00\x00\x00WAVEfmt \x00\x00\x00\x00"), FormatUnknown},
		{"heic", ftyp("heic", "mif1", "heic"), HEIC},
		{"heix", ftyp("heix", "mif1"), HEIC},
		{"hevc", ftyp("hevc"), HEIC},
		{"heim", ftyp("heim"), HEIC},
		{"heis", ftyp("heis"), HEIC},
		{"hevm", ftyp("hevm"), HEIC},
		{"hevs", ftyp("hevs"), HEIC},
		{"mif1", ftyp("mif1", "heic"), HEIC},
		{"msf1", ftyp("msf1", "hevc"), HEIC},
		{"avif", ftyp("avif", "mif1", "miaf"), FormatUnknown},
		{"mif1 carrying avif", ftyp("mif1", "avif", "miaf"), FormatUnknown},
		{"mp4 video", ftyp("isom", "iso2", "mp41"), FormatUnknown},
		{"quicktime", ftyp("qt  "), FormatUnknown},
		{"ftyp too small", []byte("\x00\x00\x00\x0cftypheic"), FormatUnknown},
		{"html named .jpg", []byte("<!DOCTYPE html>\n<html><body>not a photo</body></html>"), FormatUnknown},
		{"html with BOM", []byte("\xef\xbb\xbf<html>"), FormatUnknown},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), FormatUnknown},
		{"svg with xml prolog", []byte(`<?xml version="1.0"?><svg></svg>`), FormatUnknown},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), FormatUnknown},
		{"pdf", []byte("%PDF-1.7\n"), FormatUnknown},
		{"bmp", []byte("BM\x00\x00\x00\x00"), FormatUnknown},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), FormatUnknown},
		{"text", []byte("hello, world"), FormatUnknown},
		{"jpeg signature only two bytes", []byte{0xFF, 0xD8}, FormatUnknown},
		{"empty", nil, FormatUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(tc.head)
			if got != tc.want {
				t.Errorf("Sniff = %v, want %v", got, tc.want)
			}
			if (tc.want == FormatUnknown) != errors.Is(err, ErrUnsupportedFormat) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestSniffTestdata(t *testing.T) {
	files := map[string]Format{
		filepath.Join(photos, "gps/DSCN0010.jpg"):            JPEG,
		filepath.Join(photos, "heic/iphone_13_pro_max.HEIC"): HEIC,
		filepath.Join(photos, "invalid/corrupted.jpg"):       JPEG,
		filepath.Join(photos, "mobile/HMD_Nokia_8.3_5G.jpg"): JPEG,
		"testdata/blue-purple-pink.lossy.webp":               WebP,
		"testdata/gopher-doc.with-alpha.lossless.webp":       WebP,
	}
	for p, want := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Sniff(b[:min(len(b), SniffLen)]); got != want || err != nil {
			t.Errorf("Sniff(%s) = %v, %v; want %v", p, got, err, want)
		}
	}
}

func TestMIMEType(t *testing.T) {
	for f, want := range map[Format]string{
		JPEG: "image/jpeg", PNG: "image/png", WebP: "image/webp", HEIC: "image/heic",
		FormatUnknown: "application/octet-stream", Format(42): "application/octet-stream",
	} {
		if got := f.MIMEType(); got != want {
			t.Errorf("%v.MIMEType() = %q, want %q", f, got, want)
		}
	}
}
