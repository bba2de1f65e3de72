package server_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// jpeg64250 declares 64250×64250 pixels in about 700 bytes.
func jpeg64250() []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	b = append(b, 0xFF, 0xDB, 0x00, 0x43, 0x00)
	b = append(b, bytes.Repeat([]byte{1}, 64)...)
	b = append(b, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFA, 0xFA, 0xFA, 0xFA, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00)
	b = append(b, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00)
	b = append(b, bytes.Repeat([]byte{0x55}, 512)...)
	return append(b, 0xFF, 0xD9)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngBomb is 30000×30000 RGBA of zeros (3.6 GB decoded) in a few hundred
// kilobytes.
func pngBomb() []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 30000)
	binary.BigEndian.PutUint32(ihdr[4:], 30000)
	ihdr[8], ihdr[9] = 8, 6
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+30000*4)
	for range 200 { // enough rows to make a real stream; the header is what matters
		_, _ = w.Write(row)
	}
	_ = w.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// absurdEXIF is a real photo whose EXIF IFD claims 65535 entries with
// offsets far past the end of the file.
func absurdEXIF(t *testing.T) []byte {
	photo := readPhoto(t, "orientation/landscape_1.jpg")
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0xFF, 0xFF}
	for range 64 {
		tiff = append(tiff, 0x01, 0x12, 0x00, 0x03, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xF0)
	}
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	return append(append(append([]byte{0xFF, 0xD8}, seg...), app1...), photo[2:]...)
}

// TestCraftedFiles sends hostile files through the real upload route: each
// is answered in well under a second and allocates no more than a few tens
// of MB, whatever it claims to be.
func TestCraftedFiles(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
		checkID := b["id"].(string)
		heic := readPhoto(t, "heic/iphone_13_pro_max.HEIC")
		cases := []struct {
			name string
			body []byte
			want int
		}{
			{"jpeg declaring 64250x64250", jpeg64250(), http.StatusUnprocessableEntity},
			{"png decompression bomb", pngBomb(), http.StatusUnprocessableEntity},
			{"html named .jpg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
			{"svg named .jpg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="9e9" height="9e9"/>`), http.StatusUnsupportedMediaType},
			{"truncated heic", heic[:len(heic)/3], http.StatusUnprocessableEntity},
			// A malformed EXIF block alone is not a reason to refuse evidence.
			{"absurd exif counts and offsets", absurdEXIF(t), http.StatusCreated},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				r := uploadPhoto(t, e, tok, checkID, uuid.NewString(), c.body)
				took := time.Since(start)
				runtime.ReadMemStats(&after)
				apitest.Expect(t, r, c.want)
				t.Logf("%d in %v, %d MB allocated", r.Status, took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
				if c.want == http.StatusCreated {
					if ex := r.Map(t)["exif"].(map[string]any); ex["warnings"] == nil {
						t.Errorf("absurd EXIF read without a warning: %v", ex)
					}
				}
				if took > 500*time.Millisecond {
					t.Errorf("answered in %v", took)
				}
				// Allocation by the whole process during the request: the
				// test's own body plus the server's work.
				if grew := (after.TotalAlloc - before.TotalAlloc) >> 20; grew > 40 {
					t.Errorf("allocated %d MB", grew)
				}
			})
		}
	})
}
