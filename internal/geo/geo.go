// Package geo has the WGS84 helpers the inspection workflow needs: distance
// between two fixes and where a photo lies relative to a road centreline
// (offset, chainage, side).
package geo

import "math"

// EarthRadius is the IUGG mean Earth radius in metres. A sphere is accurate
// to ~0.5% against the ellipsoid, far below phone GPS error over village-road
// distances.
const EarthRadius = 6371008.8

// Point is a WGS84 position in decimal degrees (south and west negative).
type Point struct {
	Lat, Lon float64
}

func rad(d float64) float64 { return d * math.Pi / 180 }

// Distance is the great-circle (haversine) distance in metres. Haversine
// stays accurate for the short distances we mostly measure, where the
// spherical law of cosines loses precision.
func Distance(a, b Point) float64 {
	dLat := rad(b.Lat - a.Lat)
	dLon := rad(b.Lon - a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}

// Length is the length of a polyline in metres, summed per segment with
// Distance (so that PointToLine's chainage at the last vertex equals it).
func Length(line []Point) float64 {
	var l float64
	for i := 1; i < len(line); i++ {
		l += Distance(line[i-1], line[i])
	}
	return l
}
