package photos

import (
	"math"
	"time"

	"github.com/fieldproof/fieldproof/internal/exif"
	"github.com/fieldproof/fieldproof/internal/geo"
)

func exifOf(m exif.Meta) EXIF {
	e := EXIF{Present: m.Present, Lat: m.Latitude, Lon: m.Longitude, Altitude: m.Altitude, OffsetKnown: m.OffsetKnown,
		Make: m.Make, Model: m.Model, Orientation: m.Orientation, Warnings: m.Warnings}
	if m.CapturedAt != nil {
		t := *m.CapturedAt
		e.TakenAt = &t
	}
	return e
}

// hasCaptureMetadata: whether the EXIF says anything about where, when or
// with what the photo was taken; orientation alone proves nothing.
func (e EXIF) hasCaptureMetadata() bool {
	return e.Lat != nil || e.TakenAt != nil || e.Make != "" || e.Model != ""
}

// takenInstant is the capture time as an instant. When the camera recorded
// no offset, its wall clock is read in the zone of the parent's capture
// time: the phone that filed the check is, in practice, the phone (or at
// least the place) that took the photo, and the check's captured_at carries
// its own UTC offset. If the parent's time has no zone beyond UTC the guess
// is UTC, which errs toward a time_mismatch the office can dismiss rather
// than hiding one.
func takenInstant(e EXIF, parent Parent) (time.Time, bool) {
	if e.TakenAt == nil {
		return time.Time{}, false
	}
	t := *e.TakenAt
	if e.OffsetKnown {
		return t, true
	}
	loc := parent.CapturedAt.Location()
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc), true
}

// flag computes the flags known at upload time; possible_reuse needs the
// pixels and is added by the rendition job.
func (s *Service) flag(ph *Photo, parent Parent) {
	ph.Flags.NoEXIF = !ph.EXIF.Present
	ph.Flags.NoCaptureMetadata = ph.EXIF.Present && !ph.EXIF.hasCaptureMetadata()
	if ph.EXIF.Lat != nil && ph.EXIF.Lon != nil {
		pt := geo.Point{Lat: *ph.EXIF.Lat, Lon: *ph.EXIF.Lon}
		if !(parent.Lat == 0 && parent.Lon == 0) {
			if d := geo.Distance(pt, geo.Point{Lat: parent.Lat, Lon: parent.Lon}); d > s.cfg.GPSMismatchM {
				ph.Flags.GPSMismatch = &Mismatch{Value: math.Round(d)}
			}
		}
		if len(parent.Route) >= 2 {
			line := make([]geo.Point, len(parent.Route))
			for i, c := range parent.Route {
				line[i] = geo.Point{Lat: c[1], Lon: c[0]}
			}
			if off, ch, side := geo.PointToLine(pt, line); off <= geo.MaxPlacementOffsetM {
				ph.ChainageM, ph.OffsetM, ph.Side = &ch, &off, side.String()
			}
		}
	}
	if t, ok := takenInstant(ph.EXIF, parent); ok && !parent.CapturedAt.IsZero() {
		if d := t.Sub(parent.CapturedAt).Abs(); d > s.cfg.TimeMismatch {
			ph.Flags.TimeMismatch = &Mismatch{Value: d.Seconds()}
		}
	}
}
