package exif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"

	"github.com/fieldproof/fieldproof/internal/exif/heif"
)

// maxHEIFExif bounds the Exif item we are willing to load. JPEG caps EXIF at
// 64 KB by construction; HEIF does not, but real files stay well under this.
const maxHEIFExif = 1 << 20

// findHEIF locates the Exif item of the primary image through the meta box
// (iinf/iloc/iref) rather than scanning the file for a TIFF signature, which
// could match bytes inside the coded image data.
func findHEIF(r io.ReaderAt, size int64, m *Meta) ([]byte, error) {
	f, err := heif.ReadFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, heifErr(err, m, "heif: cannot read item structure: %v")
	}
	it, ok := f.ExifItem()
	if !ok {
		return nil, nil
	}
	data, err := f.ReadItem(r, size, it, maxHEIFExif)
	if err != nil {
		return nil, heifErr(err, m, "heif: cannot read Exif item: %v")
	}
	return exifPayload(data, m), nil
}

func heifErr(err error, m *Meta, format string) error {
	if errors.Is(err, heif.ErrMalformed) || errors.Is(err, heif.ErrLimit) || errors.Is(err, heif.ErrUnsupported) {
		m.warn(format, err)
		return nil
	}
	return err
}

// exifPayload strips the HEIF Exif item header: a 32-bit offset from the end
// of that field to the TIFF header (normally 6, skipping "Exif\0\0"). Some
// writers get the offset wrong, so a TIFF signature found near the start is
// accepted too, with a warning.
func exifPayload(d []byte, m *Meta) []byte {
	m.Present = true // the item is there, whatever its header says
	if len(d) >= 4 {
		off := uint64(binary.BigEndian.Uint32(d))
		if off <= uint64(len(d)-4) && isTIFF(d[4+off:]) {
			return d[4+off:]
		}
	}
	for i := 0; i+4 <= len(d) && i < 64; i++ {
		if isTIFF(d[i:]) {
			m.warn("heif: Exif item header offset is wrong; TIFF header found at byte %d", i)
			return d[i:]
		}
	}
	m.warn("heif: Exif item has no TIFF header")
	return nil
}

func isTIFF(b []byte) bool {
	return bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))
}
