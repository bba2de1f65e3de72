package heif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"
)

func mkbox(typ string, parts ...[]byte) []byte {
	payload := bytes.Join(parts, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
	return append(append(b, typ...), payload...)
}

func full(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	hdr := []byte{version, byte(flags >> 16), byte(flags >> 8), byte(flags)}
	return mkbox(typ, append([][]byte{hdr}, parts...)...)
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func infe(id uint16, typ string) []byte {
	return full("infe", 2, 0, u16(id), u16(0), []byte(typ), []byte{0})
}

// spec describes a synthetic HEIF file; zero values give a valid default.
type spec struct {
	ftyp    []byte
	pre     [][]byte // top-level boxes between ftyp and meta
	iinf    []byte
	iloc    []byte
	iref    []byte
	iprp    []byte
	extra   [][]byte // extra boxes inside meta
	idat    []byte
	mdat    []byte
	metaCut int // truncate the file this many bytes into meta
}

var exifBlock = append([]byte{0, 0, 0, 6}, "Exif\x00\x00II*\x00\x08\x00\x00\x00"...)

func (s spec) build() []byte {
	if s.ftyp == nil {
		s.ftyp = mkbox("ftyp", []byte("heic"), u32(0), []byte("mif1heic"))
	}
	if s.iinf == nil {
		s.iinf = full("iinf", 0, 0, u16(2), infe(1, "hvc1"), infe(2, "Exif"))
	}
	if s.idat == nil {
		s.idat = exifBlock
	}
	if s.iloc == nil {
		// v1, offset/length 4 bytes, no base offset; item 1 in the file
		// (offset patched below), item 2 in idat.
		s.iloc = full("iloc", 1, 0, []byte{0x44, 0x00}, u16(2),
			u16(1), u16(0), u16(0), u16(1), u32(0), u32(4),
			u16(2), u16(1), u16(0), u16(1), u32(0), u32(uint32(len(s.idat))))
	}
	if s.iref == nil {
		s.iref = full("iref", 0, 0, mkbox("cdsc", u16(2), u16(1), u16(1)))
	}
	if s.iprp == nil {
		s.iprp = mkbox("iprp",
			mkbox("ipco", full("ispe", 0, 0, u32(640), u32(480)), mkbox("irot", []byte{1})),
			full("ipma", 0, 0, u32(1), u16(1), []byte{2, 0x81, 0x02}))
	}
	parts := [][]byte{full("hdlr", 0, 0, u32(0), []byte("pict"), make([]byte, 13)), full("pitm", 0, 0, u16(1)), s.iinf, s.iloc, s.iref, s.iprp, mkbox("idat", s.idat)}
	parts = append(parts, s.extra...)
	meta := full("meta", 0, 0, parts...)
	out := append([]byte(nil), s.ftyp...)
	for _, p := range s.pre {
		out = append(out, p...)
	}
	metaStart := len(out)
	out = append(out, meta...)
	if s.metaCut > 0 {
		return out[:metaStart+s.metaCut]
	}
	if s.mdat == nil {
		s.mdat = []byte("CODE")
	}
	return append(out, mkbox("mdat", s.mdat)...)
}

func TestReadFileSynthetic(t *testing.T) {
	data := spec{pre: [][]byte{mkbox("free", make([]byte, 100))}}.build()
	// A plain io.Reader (no Seek) must work too: uploads arrive as streams.
	f, err := ReadFile(struct{ io.Reader }{bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if f.MajorBrand != "heic" || len(f.CompatibleBrands) != 2 {
		t.Errorf("brands %q %q", f.MajorBrand, f.CompatibleBrands)
	}
	if w, h, ok := f.PrimarySize(); !ok || w != 640 || h != 480 {
		t.Errorf("PrimarySize = %d %d %v", w, h, ok)
	}
	p, _ := f.Primary()
	if p.Type != "hvc1" || p.Rotation != 1 || p.MirrorAxis != -1 {
		t.Errorf("primary %+v", p)
	}
	it, ok := f.ExifItem()
	if !ok || it.ID != 2 {
		t.Fatalf("ExifItem = %+v %v", it, ok)
	}
	got, err := f.ReadItem(bytes.NewReader(data), int64(len(data)), it, 1<<20)
	if err != nil || !bytes.Equal(got, exifBlock) {
		t.Errorf("ReadItem = %q, %v", got, err)
	}
}

func TestExifItemPrefersPrimaryDescription(t *testing.T) {
	data := spec{
		iinf: full("iinf", 0, 0, u16(3), infe(1, "hvc1"), infe(2, "Exif"), infe(3, "Exif")),
		// Exif item 2 describes some other item (9); item 3 describes the primary.
		iref: full("iref", 0, 0, mkbox("cdsc", u16(2), u16(1), u16(9)), mkbox("cdsc", u16(3), u16(1), u16(1))),
	}.build()
	f, err := ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if it, ok := f.ExifItem(); !ok || it.ID != 3 {
		t.Errorf("ExifItem = %+v", it)
	}
}

func TestReadFileErrors(t *testing.T) {
	bigIinf := full("iinf", 1, 0, u32(maxItems+1))
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"not ftyp first", append(mkbox("free"), spec{}.build()...), ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"ftyp only", mkbox("ftyp", []byte("heic"), u32(0)), ErrMalformed},
		{"box size below header", append(mkbox("ftyp", []byte("heic"), u32(0)), 0, 0, 0, 4, 'm', 'e', 't', 'a'), ErrMalformed},
		{"meta truncated", spec{metaCut: 60}.build(), ErrMalformed},
		{"meta over the size limit", append(mkbox("ftyp", []byte("heic"), u32(0)), append(u32(MaxMetaSize+100), "meta"...)...), ErrLimit},
		{"too many items", spec{iinf: bigIinf}.build(), ErrLimit},
		{"child overruns parent", spec{extra: [][]byte{{0, 0, 0, 200, 'f', 'r', 'e', 'e'}}}.build(), ErrMalformed},
		{"duplicate pitm", spec{extra: [][]byte{full("pitm", 0, 0, u16(2))}}.build(), ErrMalformed},
		{"ipma names a missing property", spec{iprp: mkbox("iprp", mkbox("ipco"), full("ipma", 0, 0, u32(1), u16(1), []byte{1, 0x05}))}.build(), ErrMalformed},
		{"ipma truncated", spec{iprp: mkbox("iprp", mkbox("ipco"), full("ipma", 0, 0, u32(5), u16(1)))}.build(), ErrMalformed},
		{"ispe truncated", spec{iprp: mkbox("iprp", mkbox("ipco", full("ispe", 0, 0, u32(1))))}.build(), ErrMalformed},
		{"iloc version 3", spec{iloc: full("iloc", 3, 0, []byte{0x44, 0})}.build(), ErrUnsupported},
		{"iloc illegal field size", spec{iloc: full("iloc", 1, 0, []byte{0x34, 0x00}, u16(1), u16(1), u16(0), u16(0), u16(1), u32(0), u32(4))}.build(), ErrMalformed},
		{"iloc too many extents", spec{iloc: full("iloc", 1, 0, []byte{0x44, 0x00}, u16(1), u16(1), u16(0), u16(0), u16(maxExtentsPerItem+1))}.build(), ErrLimit},
		{"iref count beyond data", spec{iref: full("iref", 0, 0, mkbox("cdsc", u16(2), u16(500)))}.build(), ErrMalformed},
		{"no meta box", append(mkbox("ftyp", []byte("heic"), u32(0)), mkbox("mdat", []byte("x"))...), ErrMalformed},
		{"skip past end", append(mkbox("ftyp", []byte("heic"), u32(0)), append(u32(1<<30), "mdat"...)...), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for name, r := range map[string]io.Reader{"seeker": bytes.NewReader(tc.data), "stream": struct{ io.Reader }{bytes.NewReader(tc.data)}} {
				if _, err := ReadFile(r); !errors.Is(err, tc.want) {
					t.Errorf("%s: err = %v, want %v", name, err, tc.want)
				}
			}
		})
	}
}

func TestReadItemErrors(t *testing.T) {
	data := spec{}.build()
	f, err := ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	tests := []struct {
		name string
		item Item
		max  int64
		want error
	}{
		{"no extents", Item{ID: 7}, 1 << 20, ErrMalformed},
		{"extent past end of file", Item{ID: 7, Extents: []Extent{{Offset: uint64(size) - 2, Length: 10}}}, 1 << 20, ErrMalformed},
		{"extent starts past end of file", Item{ID: 7, Extents: []Extent{{Offset: uint64(size) + 1, Length: 1}}}, 1 << 20, ErrMalformed},
		{"base offset overflow", Item{ID: 7, BaseOffset: ^uint64(0) - 1, Extents: []Extent{{Offset: 10, Length: 1}}}, 1 << 20, ErrMalformed},
		{"over the caller's limit", Item{ID: 7, Extents: []Extent{{Offset: 0, Length: 100}}}, 50, ErrLimit},
		{"many extents adding up over the limit", Item{ID: 7, Extents: []Extent{{0, 40}, {0, 40}}}, 50, ErrLimit},
		{"zero length runs to end, over limit", Item{ID: 7, Extents: []Extent{{Offset: 0, Length: 0}}}, 50, ErrLimit},
		{"idat overrun", Item{ID: 7, ConstructionMethod: 1, Extents: []Extent{{Offset: 0, Length: 1000}}}, 1 << 20, ErrMalformed},
		{"item construction", Item{ID: 7, ConstructionMethod: 2, Extents: []Extent{{0, 1}}}, 1 << 20, ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.ReadItem(bytes.NewReader(data), size, &tc.item, tc.max); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A file shorter than its declared size is a truncated file, not an I/O error.
	it := &Item{ID: 7, Extents: []Extent{{Offset: 0, Length: 100}}}
	if _, err := f.ReadItem(bytes.NewReader(data[:50]), size, it, 1<<20); !errors.Is(err, ErrMalformed) {
		t.Errorf("short reader: err = %v", err)
	}
}

func TestIPhoneHEIC(t *testing.T) {
	data, err := os.ReadFile("../../../testdata/photos/heic/iphone_13_pro_max.HEIC")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := f.Primary()
	if !ok || p.ID != 49 || p.Type != "grid" || p.Width != 4032 || p.Height != 3024 || p.Rotation != 3 {
		t.Fatalf("primary = %+v", p)
	}
	if n := len(p.Refs["dimg"]); n != 48 {
		t.Errorf("grid has %d tiles, want 48", n)
	}
	it, ok := f.ExifItem()
	if !ok || it.ID != 53 {
		t.Fatalf("ExifItem = %+v", it)
	}
	b, err := f.ReadItem(bytes.NewReader(data), int64(len(data)), it, 1<<20)
	if err != nil || !bytes.HasPrefix(b, []byte("\x00\x00\x00\x06Exif\x00\x00MM\x00*")) {
		t.Fatalf("Exif item = %q..., %v", b[:min(len(b), 16)], err)
	}
}

// FuzzReadFile: no input may panic; every failure must be one of our
// sentinel errors (the input is in memory, so there are no I/O errors).
func FuzzReadFile(f *testing.F) {
	f.Add(spec{}.build())
	f.Add(spec{pre: [][]byte{mkbox("free", make([]byte, 10))}}.build())
	if b, err := os.ReadFile("../../../testdata/photos/heic/iphone_13_pro_max.HEIC"); err == nil {
		f.Add(b[:4096])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ReadFile(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		file.PrimarySize()
		if it, ok := file.ExifItem(); ok {
			file.ReadItem(bytes.NewReader(b), int64(len(b)), it, 1<<16)
		}
	})
}
