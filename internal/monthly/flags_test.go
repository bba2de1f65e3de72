package monthly_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
)

func TestValueFlags(t *testing.T) {
	road := monthly.Indicator{Target: 10, Value: 4, HasValue: true} // 4 of 10 km by the end of last month
	cases := []struct {
		name  string
		prev  monthly.Indicator
		value float64
		want  []string
	}{
		{"steady progress", road, 5, nil},
		{"went down", road, 3.5, []string{monthly.FlagDecreased}},
		{"exactly 30% more is no jump", road, 7, nil},
		{"more than 30% in a month", road, 7.5, []string{monthly.FlagJump}},
		{"above the target", road, 10.5, []string{monthly.FlagExceedsTarget, monthly.FlagJump}},
		{"first figure counts from zero", monthly.Indicator{Target: 10}, 3.5, []string{monthly.FlagJump}},
		{"no target, no share", monthly.Indicator{Value: 4, HasValue: true}, 100, nil},
	}
	for _, c := range cases {
		if got := monthly.ValueFlags(c.prev, c.value, 0.3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPhotoFlags(t *testing.T) {
	z := shanghai(t)
	pt := monthly.Point{Lat: 28.2, Lon: 112.9}
	f := func(x float64) *float64 { return &x }
	at := func(tm time.Time, offset bool) photos.EXIF {
		return photos.EXIF{Present: true, TakenAt: &tm, OffsetKnown: offset, Lat: f(28.2), Lon: f(112.9)}
	}
	june := monthly.Period("2026-06")
	cases := []struct {
		name   string
		exif   photos.EXIF
		reused bool
		want   []string
	}{
		{"on the point in June", at(time.Date(2026, 6, 20, 10, 0, 0, 0, z), true), false, nil},
		// ~0.001° of latitude is ~111 m.
		{"111 m away", photos.EXIF{Present: true, Lat: f(28.201), Lon: f(112.9)}, false, []string{monthly.FlagOffPoint}},
		{"40 m away is on the point", photos.EXIF{Present: true, Lat: f(28.20036), Lon: f(112.9)}, false, nil},
		{"taken in May", at(time.Date(2026, 5, 31, 23, 0, 0, 0, z), true), false, []string{monthly.FlagOutsidePeriod}},
		// 1 July 00:30 in the county is still 30 June in UTC: the county's month decides.
		{"1 July in the county", at(time.Date(2026, 6, 30, 16, 30, 0, 0, time.UTC), true), false, []string{monthly.FlagOutsidePeriod}},
		// A camera clock without offset reads as the county's wall clock.
		{"camera clock 30 June 23:00", at(time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC), false), false, nil},
		{"no EXIF at all", photos.EXIF{}, true, []string{monthly.FlagReused}},
	}
	for _, c := range cases {
		got := monthly.PhotoFlags(photos.Photo{EXIF: c.exif}, pt, june, z, 50, c.reused)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// Bad content is refused with the field at fault, every field at once.
func TestContentValidation(t *testing.T) {
	c := monthly.Content{
		Values: []monthly.IndicatorValue{{IndicatorID: "a", Value: -1}, {IndicatorID: "b", Value: math.NaN()},
			{IndicatorID: "c", Value: 5e12}, {IndicatorID: "a", Value: 1}, {Value: 1}},
		Photos: []monthly.ReportPhoto{{PointID: "p", PhotoID: "not-a-uuid"}, {PointID: "p", PhotoID: "2f1c7a8e-1b9c-4a53-9df4-3f0c7d7f2a11"}},
	}
	err := c.Validate()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindUnprocessable {
		t.Fatalf("got %v, want a 422", err)
	}
	want := map[string]string{"values[0].value": "negative", "values[1].value": "invalid", "values[2].value": "absurd",
		"values[3].indicator_id": "duplicate", "values[4].indicator_id": "required", "photos[0].photo_id": "invalid",
		"photos[1].point_id": "duplicate"}
	got := map[string]string{}
	for _, fe := range e.Fields {
		got[fe.Field] = fe.Code
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}
