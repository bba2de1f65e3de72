package reports

import "github.com/fieldproof/fieldproof/internal/photos"

// cameraTime writes a photo's EXIF capture time for a report; noOffset is
// the caption, in the report's language, of a clock without offset. A camera that
// recorded no UTC offset recorded only its wall clock: printing that with
// "+00:00" would state a UTC instant the evidence does not contain.
func cameraTime(e photos.EXIF, noOffset string) (string, bool) {
	if t, ok := e.TakenInstant(); ok {
		return t.Format("2006-01-02 15:04:05 -07:00"), true
	}
	if t := e.TakenAt; t != nil {
		return t.Format("2006-01-02 15:04:05") + " " + noOffset, true
	}
	return "", false
}
