package photos

import "time"

// LocalTimeLayout writes a camera's wall clock without a zone: RFC 3339's
// date-time minus the offset, with as many fractional digits as the camera
// recorded. A time written this way cannot be parsed as an instant by
// mistake, which "…Z" for an unknown offset invites.
const LocalTimeLayout = "2006-01-02T15:04:05.999999999"

// TakenInstant is the capture time as an instant, when the camera recorded
// its UTC offset (OffsetTimeOriginal); without one there is no instant.
func (e EXIF) TakenInstant() (time.Time, bool) {
	if e.TakenAt == nil || !e.OffsetKnown {
		return time.Time{}, false
	}
	return *e.TakenAt, true
}

// TakenLocal is the camera's own wall clock at capture, in LocalTimeLayout,
// whether or not the offset is known.
func (e EXIF) TakenLocal() (string, bool) {
	if e.TakenAt == nil {
		return "", false
	}
	return e.TakenAt.Format(LocalTimeLayout), true
}
