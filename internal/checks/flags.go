// Package checks holds the rules of a check: one visit by one person to one
// project. This file computes what the server, not the client, says about
// where and when a check was made: the flags the office reviews and, on
// roads, the chainage.
package checks

import (
	"time"

	"github.com/fieldproof/fieldproof/internal/geo"
)

// Flags the server raises on a check.
const (
	FlagOffSite        = "off_site"
	FlagLowAccuracy    = "low_accuracy"
	FlagLateSubmission = "late_submission"
)

// Thresholds come from config.CheckConfig; copied here so the domain does not
// depend on how configuration is read.
type Thresholds struct {
	LowAccuracyM   float64
	LateSubmission time.Duration
}

// Location is the phone's GPS fix.
type Location struct {
	Lat, Lon, AccuracyM float64
}

// Site is where the project is: a point, a route ([lon, lat] positions, as
// projects store it), or both, and how far from it a check still counts as on
// site.
type Site struct {
	Point     *geo.Point
	Route     [][2]float64
	GeofenceM float64
}

// Placement is where along a road the check was made; nil for projects
// without a route.
type Placement struct {
	ChainageM float64
	Chainage  string // "K12+350"
	OffsetM   float64
	Side      string // left, right or on
}

// Assess computes the flags and, for a route, the placement. The distance to
// a route is to its segments, not its vertices: a check in the middle of a
// long straight stretch is on site even though both vertices are far away.
func Assess(loc Location, site Site, capturedAt, submittedAt time.Time, th Thresholds) ([]string, *Placement) {
	var flags []string
	var place *Placement
	p := geo.Point{Lat: loc.Lat, Lon: loc.Lon}
	dist := -1.0
	switch {
	case len(site.Route) > 0:
		line := make([]geo.Point, len(site.Route))
		for i, c := range site.Route {
			line[i] = geo.Point{Lat: c[1], Lon: c[0]}
		}
		d, ch, side := geo.PointToLine(p, line)
		dist = d
		if d <= geo.MaxPlacementOffsetM {
			place = &Placement{ChainageM: ch, Chainage: geo.FormatChainage(ch), OffsetM: d, Side: side.String()}
		}
	case site.Point != nil:
		dist = geo.Distance(p, *site.Point)
	}
	// A project with neither a point nor a route cannot be off site: there
	// is nothing to compare with, and a false flag would waste the office's time.
	if dist >= 0 && site.GeofenceM > 0 && dist > site.GeofenceM {
		flags = append(flags, FlagOffSite)
	}
	if th.LowAccuracyM > 0 && loc.AccuracyM > th.LowAccuracyM {
		flags = append(flags, FlagLowAccuracy)
	}
	if th.LateSubmission > 0 && submittedAt.Sub(capturedAt) > th.LateSubmission {
		flags = append(flags, FlagLateSubmission)
	}
	return flags, place
}

// NewPlacement rebuilds a placement from its stored parts.
func NewPlacement(chainageM, offsetM float64, side string) *Placement {
	return &Placement{ChainageM: chainageM, Chainage: geo.FormatChainage(chainageM), OffsetM: offsetM, Side: side}
}
