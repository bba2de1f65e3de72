package renditions

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"strings"
	"testing"
)

// p3Profile is the iPhone photo's own ICC profile.
func p3Profile(t *testing.T) []byte {
	t.Helper()
	p := ICCProfile(readPhoto(t, "heic/iphone_13_pro_max.HEIC"), HEIC)
	if p == nil {
		t.Fatal("the iPhone HEIC carries no ICC profile")
	}
	if !bytes.Contains(p, []byte("Display P3")) || string(p[16:20]) != "RGB " {
		t.Fatalf("profile is not Apple's Display P3 (%d bytes, colour space %q)", len(p), p[16:20])
	}
	return p
}

// renditionICC returns the ICC profile a rendition declares, after checking
// the rendition is still a JPEG any decoder reads.
func renditionICC(t *testing.T, b []byte) []byte {
	t.Helper()
	if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("rendition does not decode: %v", err)
	}
	if hasAPP1(b) {
		t.Fatal("rendition carries an APP1 (EXIF) segment")
	}
	return jpegICC(b)
}

// TestRenditionsKeepDisplayP3 renders a Display P3 photo from a HEIC and from
// a JPEG original through the renditions job's calls, and requires every
// rendition to carry the same profile: without it a viewer takes P3 pixels
// for sRGB and shows them desaturated.
func TestRenditionsKeepDisplayP3(t *testing.T) {
	p3 := p3Profile(t)
	img, _ := decodeFile(t, "orientation/landscape_1.jpg")
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		f    Format
	}{
		{"heic", readPhoto(t, "heic/iphone_13_pro_max.HEIC"), HEIC},
		{"jpeg", withICC(plain.Bytes(), p3), JPEG},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, icc, err := DecodeWithProfile(bytes.NewReader(c.data), c.f, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			out, err := RenderAllWithProfile(img, DisplayOrientation(c.f, 1), icc)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range Sizes {
				if got := renditionICC(t, out[s]); !bytes.Equal(got, p3) {
					t.Errorf("%s rendition carries a %d-byte profile, want the original's %d-byte Display P3", s, len(got), len(p3))
				}
			}
		})
	}
}

// TestRenditionWithoutProfileStaysBare: an original without a profile is
// sRGB by definition, and its renditions say nothing either.
func TestRenditionWithoutProfileStaysBare(t *testing.T) {
	data := readPhoto(t, "orientation/landscape_1.jpg")
	img, icc, err := DecodeWithProfile(bytes.NewReader(data), JPEG, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if icc != nil {
		t.Fatalf("landscape_1.jpg has no profile, got %d bytes", len(icc))
	}
	out, err := RenderAllWithProfile(img, 1, icc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out[Preview], iccTag) {
		t.Fatal("rendition of an untagged original carries ICC_PROFILE")
	}
}

// fakeProfile is a syntactically valid profile header of n bytes.
func fakeProfile(n int) []byte {
	p := bytes.Repeat([]byte{0xA5}, n)
	binary.BigEndian.PutUint32(p, uint32(n))
	copy(p[16:], "RGB ")
	return p
}

// TestICCMultiSegmentRoundTrip: a profile larger than one APP2 segment is
// split and reassembled in order, and a JPEG missing one piece or declaring
// disagreeing counts yields no profile rather than a truncated one.
func TestICCMultiSegmentRoundTrip(t *testing.T) {
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, photoLike(64, 48), nil); err != nil {
		t.Fatal(err)
	}
	big := fakeProfile(2*iccChunk + 1000)
	for i := range big[128:] {
		big[128+i] = byte(i * 7)
	}
	tagged := withICC(plain.Bytes(), big)
	if n := bytes.Count(tagged, iccTag); n != 3 {
		t.Fatalf("%d ICC_PROFILE segments, want 3", n)
	}
	if got := renditionICC(t, tagged); !bytes.Equal(got, big) {
		t.Fatalf("round trip gave %d bytes, want %d", len(got), len(big))
	}

	// Drop the second segment.
	i := bytes.Index(tagged, iccTag) - 4
	seg1 := 2 + int(binary.BigEndian.Uint16(tagged[i+2:]))
	j := i + seg1
	seg2 := 2 + int(binary.BigEndian.Uint16(tagged[j+2:]))
	missing := append(append([]byte{}, tagged[:j]...), tagged[j+seg2:]...)
	if got := jpegICC(missing); got != nil {
		t.Errorf("profile with a missing segment gave %d bytes, want none", len(got))
	}
	// Make the first segment claim a different count.
	bad := append([]byte{}, tagged...)
	bad[i+4+len(iccTag)+1] = 4
	if got := jpegICC(bad); got != nil {
		t.Errorf("disagreeing segment counts gave %d bytes, want none", len(got))
	}
	// A profile whose header size disagrees with its length is refused.
	if got := jpegICC(withICC(plain.Bytes(), fakeProfile(300)[:299])); got != nil {
		t.Errorf("inconsistent profile accepted")
	}
	if !strings.HasPrefix(string(tagged[2:4]), "\xff\xe2") {
		t.Errorf("profile not written right after SOI")
	}
}

func FuzzJPEGICC(f *testing.F) {
	var plain bytes.Buffer
	_ = jpeg.Encode(&plain, photoLike(16, 16), nil)
	f.Add(withICC(plain.Bytes(), fakeProfile(200)))
	f.Add(withICC(plain.Bytes(), fakeProfile(iccChunk+10)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p := jpegICC(b); p != nil && len(p) > len(b) {
			t.Fatalf("profile of %d bytes from %d input bytes", len(p), len(b))
		}
	})
}
