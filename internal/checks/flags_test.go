package checks

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/geo"
)

var th = Thresholds{LowAccuracyM: 50, LateSubmission: 72 * time.Hour}

// An L-shaped route: 0.01° east along the equator (~1112 m), then 0.01° north.
var route = [][2]float64{{0, 0}, {0.01, 0}, {0.01, 0.01}}

func TestAssessRoute(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	// Mid-way along the first segment, ~33 m north of it: far from every
	// vertex (>500 m) yet on site, on the left of travel.
	loc := Location{Lat: 0.0003, Lon: 0.005, AccuracyM: 8}
	flags, pl := Assess(loc, Site{Route: route, GeofenceM: 100}, now, now, th)
	if len(flags) != 0 {
		t.Fatalf("flags %v", flags)
	}
	if pl == nil || math.Abs(pl.ChainageM-556) > 2 || pl.Chainage != "K0+556" || pl.Side != "left" || math.Abs(pl.OffsetM-33.4) > 1 {
		t.Fatalf("placement %+v", pl)
	}
	// Beside the second segment, ~222 m east of it: off site, right of travel
	// (heading north, east is on the right).
	loc = Location{Lat: 0.005, Lon: 0.012, AccuracyM: 8}
	flags, pl = Assess(loc, Site{Route: route, GeofenceM: 100}, now, now, th)
	if !slices.Equal(flags, []string{FlagOffSite}) || pl.Side != "right" || math.Abs(pl.ChainageM-1668) > 3 || pl.Chainage != "K1+668" {
		t.Fatalf("flags %v placement %+v", flags, pl)
	}
}

func TestAssessPointAndTime(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	site := Site{Point: &geo.Point{Lat: 30, Lon: 110}, GeofenceM: 200}
	flags, pl := Assess(Location{Lat: 30.001, Lon: 110, AccuracyM: 80}, site, now.Add(-73*time.Hour), now, th)
	if pl != nil || !slices.Equal(flags, []string{FlagLowAccuracy, FlagLateSubmission}) {
		t.Fatalf("flags %v placement %v", flags, pl)
	}
	flags, _ = Assess(Location{Lat: 30.01, Lon: 110, AccuracyM: 5}, site, now, now, th)
	if !slices.Equal(flags, []string{FlagOffSite}) {
		t.Fatalf("flags %v", flags)
	}
	flags, _ = Assess(Location{Lat: 1, Lon: 1}, Site{GeofenceM: 200}, now, now, th)
	if len(flags) != 0 {
		t.Fatalf("no site: %v", flags)
	}
}

func TestMissingPhotos(t *testing.T) {
	ann := []string{"a", "b", "c"}
	if m := missingPhotos(ann, nil); !slices.Equal(m, ann) {
		t.Fatalf("none stored: %v", m)
	}
	if m := missingPhotos(ann, []string{"c", "a", "z"}); !slices.Equal(m, []string{"b"}) {
		t.Fatalf("partial: %v", m)
	}
	if m := missingPhotos(ann, ann); len(m) != 0 {
		t.Fatalf("complete: %v", m)
	}
}

// A fix kilometres from the road is off site and placed nowhere along it.
func TestAssessFarFromRouteHasNoPlacement(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	flags, pl := Assess(Location{Lat: 0.1, Lon: 0.005, AccuracyM: 5}, Site{Route: route, GeofenceM: 100}, now, now, th)
	if pl != nil || !slices.Equal(flags, []string{FlagOffSite}) {
		t.Fatalf("flags %v placement %+v", flags, pl)
	}
}
