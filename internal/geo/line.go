package geo

import "math"

// Side says on which side of the line's direction of travel a point lies.
type Side int

const (
	// On: exactly on the line (or the line has no direction).
	On Side = iota
	Left
	Right
)

func (s Side) String() string {
	switch s {
	case Left:
		return "left"
	case Right:
		return "right"
	}
	return "on"
}

// MaxPlacementOffsetM is how far from a road a point may be and still be
// placed along it. A chainage for a photo taken 6,000 km away names a
// stretch of road that has nothing to do with it, so beyond this a point
// gets no placement (its distance is flagged instead).
const MaxPlacementOffsetM = 5000

// PointToLine measures p against a polyline given in its direction of
// travel: the shortest distance to it in metres (to segments, not only
// vertices), the chainage in metres (distance along the line from its first
// vertex to the foot of that perpendicular), and the side of travel p is on.
//
// Geometry is done in a local equirectangular projection centred on p, where
// metres east and north are nearly exact within tens of km; chainage sums
// per-segment great-circle lengths so it is consistent with Length, and a
// point beyond an end gets chainage 0 or Length(line) and its distance to
// that end vertex. Ties between equally near segments go to the earlier one.
// An empty line gives (+Inf, 0, On); a single vertex gives the distance to it.
func PointToLine(p Point, line []Point) (distanceM, chainageM float64, side Side) {
	if len(line) == 0 {
		return math.Inf(1), 0, On
	}
	if len(line) == 1 {
		return Distance(p, line[0]), 0, On
	}
	cosLat := math.Cos(rad(p.Lat))
	// project gives metres east (x) and north (y) of p.
	project := func(q Point) (x, y float64) {
		dLon := q.Lon - p.Lon
		// Keep longitude differences in (-180, 180] so a line crossing the
		// antimeridian is not projected around the globe.
		dLon = math.Mod(dLon+540, 360) - 180
		return rad(dLon) * cosLat * EarthRadius, rad(q.Lat-p.Lat) * EarthRadius
	}

	best := math.Inf(1)
	var startOfSeg float64 // chainage at the current segment's first vertex
	ax, ay := project(line[0])
	for i := 1; i < len(line); i++ {
		bx, by := project(line[i])
		segLen := Distance(line[i-1], line[i])
		dx, dy := bx-ax, by-ay
		// Parameter of the foot of the perpendicular from p (the origin),
		// clamped onto the segment.
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		fx, fy := ax+t*dx, ay+t*dy
		if d := math.Hypot(fx, fy); d < best {
			best = d
			chainageM = startOfSeg + t*segLen
			// Cross product of the segment direction with (p - a): positive
			// means p is counter-clockwise of travel, i.e. on the left.
			switch cross := dx*(0-ay) - dy*(0-ax); {
			case cross > 0:
				side = Left
			case cross < 0:
				side = Right
			default:
				side = On
			}
		}
		startOfSeg += segLen
		ax, ay = bx, by
	}
	return best, chainageM, side
}
