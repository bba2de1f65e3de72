// Package exif extracts the evidence-relevant EXIF fields (location, capture
// time, camera, orientation) from JPEG and HEIC/HEIF photos.
//
// The TIFF/IFD parsing is our own rather than a general EXIF library: the
// surveyed library (dsoprea/go-exif v3) rejects the whole GPS block of a
// real phone (Nokia 8.3 5G writes GPSLatitude as SRATIONAL instead of
// RATIONAL), and for evidence we need per-field tolerance: every field that
// can be read is returned, every one that cannot becomes a Warning. Reading
// only the dozen tags we need also keeps the hostile-input surface small.
package exif

import (
	"fmt"
	"time"
)

// Meta is what could be read from a photo's EXIF block. Pointer and empty
// fields mean "absent or unreadable"; Warnings says which of the two.
type Meta struct {
	// Present: the file has an EXIF block (a JPEG APP1 "Exif" segment, a
	// HEIF Exif item), readable or not. A file without one is a different
	// finding from a block that records nothing of where, when or with what
	// the photo was taken.
	Present bool

	// Latitude and Longitude are WGS84 decimal degrees, south and west negative.
	Latitude  *float64
	Longitude *float64
	// Altitude is metres above sea level (negative below).
	Altitude *float64

	// CapturedAt is DateTimeOriginal (plus SubSecTimeOriginal). When
	// OffsetKnown, its Location is a fixed zone with the OffsetTimeOriginal
	// offset and the value is an exact instant. When !OffsetKnown the camera
	// recorded only its local wall clock: the value carries that wall clock in
	// time.UTC as a placeholder and must NOT be treated as a UTC instant.
	CapturedAt  *time.Time
	OffsetKnown bool

	Make  string
	Model string

	// Orientation is the EXIF orientation, 1-8; 1 when absent or invalid.
	Orientation int

	// Warnings lists fields or structures that were present but unreadable.
	Warnings []string
}

// maxWarnings bounds the warning list: a hostile block could otherwise
// produce one warning per declared IFD entry.
const maxWarnings = 32

func (m *Meta) warn(format string, args ...any) {
	switch {
	case len(m.Warnings) < maxWarnings:
		m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
	case len(m.Warnings) == maxWarnings:
		m.Warnings = append(m.Warnings, "further warnings suppressed")
	}
}
