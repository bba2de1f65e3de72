package exif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readBytes(t *testing.T, b []byte) Meta {
	t.Helper()
	m, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return m
}

func TestSyntheticBlocks(t *testing.T) {
	le := tiffBuilder{binary.LittleEndian}
	be := tiffBuilder{binary.BigEndian}
	camera := []field{le.ascii(tagMake, "Acme"), le.ascii(tagModel, "Field 1")}

	tests := []struct {
		name  string
		block []byte
		check func(t *testing.T, m Meta)
		// warn is a substring expected in some warning; "" means none allowed.
		warn string
	}{
		{
			name: "south west below sea level, big endian",
			block: be.build([]field{be.ascii(tagMake, "Acme")}, nil, []field{
				be.ascii(tagGPSLatRef, "S"), be.rat(tagGPSLat, typeRational, 33, 1, 51, 1, 3540, 100),
				be.ascii(tagGPSLonRef, "W"), be.rat(tagGPSLon, typeRational, 70, 1, 30, 1, 0, 1),
				be.byte1(tagGPSAltRef, 1), be.rat(tagGPSAlt, typeRational, 125, 10),
			}),
			check: func(t *testing.T, m Meta) {
				wantNear(t, "lat", m.Latitude, -(33 + 51.0/60 + 35.4/3600))
				wantNear(t, "lon", m.Longitude, -70.5)
				wantNear(t, "alt", m.Altitude, -12.5)
			},
		},
		{
			name: "SRATIONAL coordinates as written by some phones",
			block: le.build(nil, nil, []field{
				le.ascii(tagGPSLatRef, "N"), le.rat(tagGPSLat, typeSRational, 60, 1, 8, 1, 4814, 100),
				le.ascii(tagGPSLonRef, "E"), le.rat(tagGPSLon, typeSRational, 24, 1, 54, 1, 2438, 100),
			}),
			check: func(t *testing.T, m Meta) {
				wantNear(t, "lat", m.Latitude, 60+8.0/60+48.14/3600)
				wantNear(t, "lon", m.Longitude, 24+54.0/60+24.38/3600)
				if m.Altitude != nil {
					t.Errorf("altitude = %v, want absent", *m.Altitude)
				}
			},
		},
		{
			name: "zero denominator drops position but keeps camera",
			block: le.build(camera, nil, []field{
				le.ascii(tagGPSLatRef, "N"), le.rat(tagGPSLat, typeRational, 60, 0, 8, 1, 0, 1),
				le.ascii(tagGPSLonRef, "E"), le.rat(tagGPSLon, typeRational, 24, 1, 54, 1, 0, 1),
			}),
			check: func(t *testing.T, m Meta) {
				if m.Latitude != nil || m.Longitude != nil {
					t.Errorf("position = %v,%v, want dropped", m.Latitude, m.Longitude)
				}
				if m.Make != "Acme" || m.Model != "Field 1" {
					t.Errorf("camera = %q %q", m.Make, m.Model)
				}
			},
			warn: "zero denominator",
		},
		{
			name: "missing hemisphere reference drops position",
			block: le.build(nil, nil, []field{
				le.rat(tagGPSLat, typeRational, 60, 1, 8, 1, 0, 1),
				le.ascii(tagGPSLonRef, "E"), le.rat(tagGPSLon, typeRational, 24, 1, 54, 1, 0, 1),
			}),
			check: func(t *testing.T, m Meta) {
				if m.Latitude != nil || m.Longitude != nil {
					t.Error("position kept without hemisphere")
				}
			},
			warn: "no hemisphere",
		},
		{
			name:  "offset and subseconds give an exact instant",
			block: le.build(nil, []field{le.ascii(tagDateTimeOrig, "2024:03:01 08:15:30"), le.ascii(tagSubSecOrig, "25"), le.ascii(tagOffsetTimeOrig, "-05:30")}, nil),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt == nil || !m.OffsetKnown {
					t.Fatalf("CapturedAt=%v OffsetKnown=%v", m.CapturedAt, m.OffsetKnown)
				}
				want := time.Date(2024, 3, 1, 13, 45, 30, 250e6, time.UTC)
				if !m.CapturedAt.Equal(want) {
					t.Errorf("instant = %v, want %v", m.CapturedAt.UTC(), want)
				}
				if got := m.CapturedAt.Format("15:04:05.000 -07:00"); got != "08:15:30.250 -05:30" {
					t.Errorf("wall clock = %s", got)
				}
			},
		},
		{
			name:  "no offset keeps wall clock, flagged unknown",
			block: le.build(nil, []field{le.ascii(tagDateTimeOrig, "2024:03:01 08:15:30")}, nil),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt == nil || m.OffsetKnown {
					t.Fatalf("CapturedAt=%v OffsetKnown=%v", m.CapturedAt, m.OffsetKnown)
				}
				if got := m.CapturedAt.Format("2006:01:02 15:04:05"); got != "2024:03:01 08:15:30" {
					t.Errorf("wall clock = %s", got)
				}
			},
		},
		{
			name:  "unknown date spelled as zeros is absent without warning",
			block: le.build(nil, []field{le.ascii(tagDateTimeOrig, "0000:00:00 00:00:00")}, nil),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt != nil {
					t.Errorf("CapturedAt = %v", m.CapturedAt)
				}
			},
		},
		{
			name:  "garbage date and offset warn",
			block: le.build(camera, []field{le.ascii(tagDateTimeOrig, "yesterday"), le.ascii(tagOffsetTimeOrig, "+99:00")}, nil),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt != nil || m.Make != "Acme" {
					t.Errorf("CapturedAt=%v Make=%q", m.CapturedAt, m.Make)
				}
			},
			warn: "DateTimeOriginal",
		},
		{
			name:  "bad offset keeps wall clock",
			block: le.build(nil, []field{le.ascii(tagDateTimeOrig, "2024:03:01 08:15:30"), le.ascii(tagOffsetTimeOrig, "+99:00")}, nil),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt == nil || m.OffsetKnown {
					t.Errorf("CapturedAt=%v OffsetKnown=%v", m.CapturedAt, m.OffsetKnown)
				}
			},
			warn: "OffsetTimeOriginal",
		},
		{
			name:  "orientation out of range falls back to 1",
			block: le.build([]field{le.short(tagOrientation, 9)}, nil, nil),
			check: func(t *testing.T, m Meta) {
				if m.Orientation != 1 {
					t.Errorf("Orientation = %d", m.Orientation)
				}
			},
			warn: "Orientation 9",
		},
		{
			name:  "every orientation value is kept",
			block: le.build([]field{le.short(tagOrientation, 7)}, nil, nil),
			check: func(t *testing.T, m Meta) {
				if m.Orientation != 7 {
					t.Errorf("Orientation = %d", m.Orientation)
				}
			},
		},
		{
			name:  "control characters stripped from text",
			block: le.build([]field{le.ascii(tagMake, "Ac\x1b[31mme  "), le.ascii(tagModel, "X\nY")}, nil, nil),
			check: func(t *testing.T, m Meta) {
				if m.Make != "Ac[31mme" || m.Model != "XY" {
					t.Errorf("Make=%q Model=%q", m.Make, m.Model)
				}
			},
		},
		{
			name: "truncated IFD keeps leading entries",
			block: func() []byte {
				b := le.build([]field{le.short(tagOrientation, 6), le.ascii(tagMake, "Acme"), le.ascii(tagModel, "Field 1")}, nil, nil)
				// Claim 40 entries in IFD0, far more than the block holds.
				binary.LittleEndian.PutUint16(b[8:], 40)
				return b
			}(),
			check: func(t *testing.T, m Meta) {
				if m.Orientation != 6 {
					t.Errorf("Orientation = %d", m.Orientation)
				}
			},
			warn: "only",
		},
		{
			name: "sub-IFD pointer outside block",
			block: func() []byte {
				b := le.build(camera, []field{le.ascii(tagDateTimeOrig, "2024:03:01 08:15:30")}, nil)
				// IFD0 entries are sorted: Make, Model, ExifIFD pointer.
				binary.LittleEndian.PutUint32(b[8+2+12*2+8:], 0xFFFFFF00)
				return b
			}(),
			check: func(t *testing.T, m Meta) {
				if m.CapturedAt != nil || m.Model != "Field 1" {
					t.Errorf("CapturedAt=%v Model=%q", m.CapturedAt, m.Model)
				}
			},
			warn: "Exif IFD",
		},
		{
			name: "value offset outside block",
			block: func() []byte {
				b := le.build(camera, nil, nil)
				binary.LittleEndian.PutUint32(b[8+2+8:], 0x7FFFFFFF) // Make's value offset
				return b
			}(),
			check: func(t *testing.T, m Meta) {
				if m.Make != "" || m.Model != "Field 1" {
					t.Errorf("Make=%q Model=%q", m.Make, m.Model)
				}
			},
			warn: "Make",
		},
		{
			name:  "not a TIFF header",
			block: []byte("XX*\x00\x08\x00\x00\x00garbage"),
			check: func(t *testing.T, m Meta) {},
			warn:  "TIFF",
		},
		{
			name:  "empty block",
			block: []byte{},
			check: func(t *testing.T, m Meta) {},
			warn:  "TIFF",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := readBytes(t, wrapJPEG(tc.block))
			tc.check(t, m)
			checkWarnings(t, m, tc.warn)
		})
	}
}

func checkWarnings(t *testing.T, m Meta, want string) {
	t.Helper()
	if want == "" {
		if len(m.Warnings) != 0 {
			t.Errorf("unexpected warnings %q", m.Warnings)
		}
		return
	}
	for _, w := range m.Warnings {
		if strings.Contains(w, want) {
			return
		}
	}
	t.Errorf("warnings %q lack %q", m.Warnings, want)
}

func wantNear(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s absent, want %v", name, want)
		return
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %.9f, want %.9f", name, *got, want)
	}
}

func TestContainers(t *testing.T) {
	le := tiffBuilder{binary.LittleEndian}
	withExif := wrapJPEG(le.build([]field{le.short(tagOrientation, 3)}, nil, nil))
	heic, err := os.ReadFile(filepath.Join(photos, "heic/iphone_13_pro_max.HEIC"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		data        []byte
		orientation int
		warn        string
		// present: an EXIF block was found, whatever could be read of it.
		present bool
	}{
		{"jpeg without exif", []byte{0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0, 0, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9}, 1, "", false},
		{"jpeg with exif after fill bytes", append([]byte{0xFF, 0xD8, 0xFF, 0xFF}, withExif[2:]...), 3, "", true},
		{"jpeg with an exif block that is not TIFF", wrapJPEG([]byte("not a tiff header at all")), 1, "no TIFF header", true},
		{"jpeg truncated inside exif segment", withExif[:40], 1, "truncated", false},
		{"jpeg with zero-length segment", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00}, 1, "invalid length", false},
		{"jpeg with broken marker chain", []byte{0xFF, 0xD8, 0x00, 0x00, 0x00}, 1, "marker structure", false},
		{"just SOI", []byte{0xFF, 0xD8}, 1, "file ends", false},
		{"empty file", nil, 1, "not a JPEG or HEIF", false},
		{"html", []byte("<!DOCTYPE html><html></html>"), 1, "not a JPEG or HEIF", false},
		{"heic", heic, 6, "", true},
		{"heic cut inside meta", heic[:2000], 1, "heif", false},
		{"heic cut before exif item", heic[:20000], 1, "Exif item", false},
		{"heic with no meta box", heic[:40], 1, "no meta box", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := readBytes(t, tc.data)
			if m.Orientation != tc.orientation {
				t.Errorf("Orientation = %d, want %d", m.Orientation, tc.orientation)
			}
			if m.Present != tc.present {
				t.Errorf("Present = %v, want %v", m.Present, tc.present)
			}
			checkWarnings(t, m, tc.warn)
		})
	}
}

type failingReader struct{}

func (failingReader) ReadAt(p []byte, off int64) (int, error) {
	return 0, errors.New("disk on fire")
}

func TestReaderErrorIsAnError(t *testing.T) {
	if _, err := Read(failingReader{}, 1000); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}

// FuzzRead checks that no input panics or errors (only reader failures may
// error). The seeds run as part of the normal test suite.
func FuzzRead(f *testing.F) {
	le := tiffBuilder{binary.LittleEndian}
	f.Add(wrapJPEG(le.build([]field{le.short(tagOrientation, 6)}, []field{le.ascii(tagDateTimeOrig, "2024:03:01 08:15:30")},
		[]field{le.ascii(tagGPSLatRef, "N"), le.rat(tagGPSLat, typeRational, 1, 1, 2, 1, 3, 1)})))
	for _, p := range []string{"gps/DSCN0010.jpg", "heic/iphone_13_pro_max.HEIC", "mobile/HMD_Nokia_8.3_5G.jpg"} {
		b, err := os.ReadFile(filepath.Join(photos, p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 16<<10)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if m.Orientation < 1 || m.Orientation > 8 {
			t.Fatalf("Orientation %d", m.Orientation)
		}
	})
}

// invalid/image00971.jpg is filed under "malformed EXIF" in the fixture set,
// but its only APP1 segment is an Adobe XMP packet, not EXIF: there is no
// EXIF block at all (exiftool also reports no EXIF tags). Read must treat it
// as "no EXIF": empty Meta, no error, no warning. Malformed EXIF blocks are
// covered by TestSyntheticBlocks and FuzzRead.
func TestXMPOnlyJPEGHasNoExif(t *testing.T) {
	m := readFile(t, "invalid/image00971.jpg")
	if m.Present || m.Latitude != nil || m.CapturedAt != nil || m.Make != "" || m.Model != "" || m.Orientation != 1 {
		t.Errorf("Meta = %+v, want empty", m)
	}
	checkWarnings(t, m, "")
}

// The orientation fixtures carry an EXIF block that records nothing but the
// orientation: present, though it says nothing of where, when or with what.
func TestOrientationOnlyEXIFIsPresent(t *testing.T) {
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("orientation/landscape_%d.jpg", i)
		m := readFile(t, name)
		if !m.Present {
			t.Errorf("%s: Present = false, want true", name)
		}
		if m.Latitude != nil || m.CapturedAt != nil || m.Make != "" || m.Model != "" {
			t.Errorf("%s: Meta = %+v, want orientation only", name, m)
		}
	}
}
