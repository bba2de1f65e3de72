package reports

import (
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/photos"
)

func TestCameraTimeStatesOnlyWhatTheCameraRecorded(t *testing.T) {
	wall := time.Date(2014, 9, 21, 16, 0, 56, 0, time.UTC) // how a clock without offset is held
	withOffset := time.Date(2022, 8, 14, 14, 12, 31, 0, time.FixedZone("", 3*3600))
	for _, tc := range []struct {
		name string
		e    photos.EXIF
		want string
		ok   bool
	}{
		{"offset recorded", photos.EXIF{TakenAt: &withOffset, OffsetKnown: true}, "2022-08-14 14:12:31 +03:00", true},
		{"no offset", photos.EXIF{TakenAt: &wall}, "2014-09-21 16:00:56 (camera clock, UTC offset not recorded)", true},
		{"no time", photos.EXIF{}, "", false},
	} {
		if got, ok := cameraTime(tc.e, "(camera clock, UTC offset not recorded)"); got != tc.want || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
