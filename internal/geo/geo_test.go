package geo

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/fieldproof/fieldproof/internal/exif"
)

// Local test frame: metres east (x) and north (y) of an origin at 45°N 7°E,
// converted to WGS84 with the local scale, so expected values can be worked
// out by hand in the plane.
var origin = Point{Lat: 45, Lon: 7}

func at(x, y float64) Point {
	return Point{
		Lat: origin.Lat + y/EarthRadius*180/math.Pi,
		Lon: origin.Lon + x/(EarthRadius*math.Cos(origin.Lat*math.Pi/180))*180/math.Pi,
	}
}

// route: 1000 m east, 800 m north, 600 m west (length 2400 m).
var route = []Point{at(0, 0), at(1000, 0), at(1000, 800), at(400, 800)}

func TestPointToLine(t *testing.T) {
	const tol = 1.0 // metres
	tests := []struct {
		name     string
		p        Point
		dist     float64
		chainage float64
		side     Side
	}{
		// Nearest vertex A is 304 m away: only a segment distance gives 50.
		{"north of eastbound leg is left", at(300, 50), 50, 300, Left},
		{"south of eastbound leg is right", at(300, -50), 50, 300, Right},
		{"east of northbound leg is right", at(1030, 500), 30, 1500, Right},
		{"west of northbound leg is left", at(960, 500), 40, 1500, Left},
		{"north of westbound leg is right", at(700, 820), 20, 2100, Right},
		{"south of westbound leg is left", at(700, 770), 30, 2100, Left},
		{"inside the corner, nearer the first leg", at(980, 10), 10, 980, Left},
		{"outside the corner, tie goes to the earlier leg", at(1040, -30), 50, 1000, Right},
		{"beyond the end", at(200, 830), math.Hypot(200, 30), 2400, Right},
		{"before the start", at(-50, -20), math.Hypot(50, 20), 0, Right},
		{"on the line", at(500, 0), 0, 500, On},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, c, s := PointToLine(tc.p, route)
			if math.Abs(d-tc.dist) > tol {
				t.Errorf("distance = %.2f, want %.2f", d, tc.dist)
			}
			if math.Abs(c-tc.chainage) > tol {
				t.Errorf("chainage = %.2f, want %.2f", c, tc.chainage)
			}
			if s != tc.side {
				t.Errorf("side = %v, want %v", s, tc.side)
			}
		})
	}
}

func TestPointToLineBeyondEndIsLength(t *testing.T) {
	_, c, _ := PointToLine(at(-500, 900), route)
	if l := Length(route); math.Abs(c-l) > 1e-9 {
		t.Errorf("chainage beyond end = %.6f, want Length %.6f", c, l)
	}
	if l := Length(route); math.Abs(l-2400) > 1 {
		t.Errorf("Length = %.2f, want 2400 ± 1", l)
	}
}

func TestPointToLineDegenerate(t *testing.T) {
	if d, c, s := PointToLine(origin, nil); !math.IsInf(d, 1) || c != 0 || s != On {
		t.Errorf("empty line: %v %v %v", d, c, s)
	}
	if d, c, s := PointToLine(at(30, 40), []Point{origin}); math.Abs(d-50) > 0.1 || c != 0 || s != On {
		t.Errorf("single vertex: %v %v %v", d, c, s)
	}
	// A repeated vertex (zero-length segment) must not break chainage.
	dup := []Point{at(0, 0), at(0, 0), at(1000, 0)}
	if d, c, s := PointToLine(at(400, -10), dup); math.Abs(d-10) > 1 || math.Abs(c-400) > 1 || s != Right {
		t.Errorf("duplicate vertex: %v %v %v", d, c, s)
	}
}

func TestPointToLineAcrossAntimeridian(t *testing.T) {
	line := []Point{{Lat: -17, Lon: 179.99}, {Lat: -17, Lon: -179.99}} // eastbound, ~2.1 km
	d, c, s := PointToLine(Point{Lat: -16.9999, Lon: 180}, line)
	if math.Abs(d-11.1) > 1 || math.Abs(c-Length(line)/2) > 1 || s != Left {
		t.Errorf("got %.2f m, chainage %.2f (len %.2f), %v", d, c, Length(line), s)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b Point
		want float64
		tol  float64
	}{
		{"same point", origin, origin, 0, 1e-9},
		{"one degree of latitude", Point{0, 0}, Point{1, 0}, 111195, 1},
		{"one degree of longitude at equator", Point{0, 10}, Point{0, 11}, 111195, 1},
		{"quarter meridian", Point{0, 0}, Point{90, 0}, math.Pi / 2 * EarthRadius, 1e-6},
		{"symmetric across antimeridian", Point{0, 179.5}, Point{0, -179.5}, 111195, 1},
	}
	for _, tc := range tests {
		if got := Distance(tc.a, tc.b); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: Distance = %.3f, want %.3f", tc.name, got, tc.want)
		}
	}
}

func photoPoint(t *testing.T, rel string) Point {
	t.Helper()
	f, err := os.Open(filepath.Join("../../testdata/photos", rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	m, err := exif.Read(f, st.Size())
	if err != nil || m.Latitude == nil || m.Longitude == nil {
		t.Fatalf("no GPS in %s: %v", rel, err)
	}
	return Point{*m.Latitude, *m.Longitude}
}

// The expected values are WGS84 ellipsoidal (Vincenty) distances computed
// independently from the MANIFEST coordinates; the spherical haversine must
// agree within 0.5%.
func TestDistanceBetweenTestdataPhotos(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"gps/DSCN0010.jpg", "gps/DSCN0029.jpg", 410.570},
		{"gps/DSCN0010.jpg", "gps/DSCN0021.jpg", 62.658},
	} {
		got := Distance(photoPoint(t, tc.a), photoPoint(t, tc.b))
		if math.Abs(got-tc.want) > 0.005*tc.want {
			t.Errorf("%s -> %s = %.2f m, want %.2f m ± 0.5%%", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFormatChainage(t *testing.T) {
	for _, tc := range []struct {
		m    float64
		want string
	}{
		{0, "K0+000"},
		{12350, "K12+350"},
		{850.4, "K0+850"},
		{850.5, "K0+851"},
		{999.4, "K0+999"},
		{999.6, "K1+000"},
		{1000, "K1+000"},
		{1000.49, "K1+000"},
		{9999.5, "K10+000"},
		{7, "K0+007"},
		{123456, "K123+456"},
		{-0.4, "K0+000"},
		{-50, "-K0+050"},
		{math.NaN(), ""},
		{math.Inf(1), ""},
	} {
		if got := FormatChainage(tc.m); got != tc.want {
			t.Errorf("FormatChainage(%v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestSideString(t *testing.T) {
	if Left.String() != "left" || Right.String() != "right" || On.String() != "on" {
		t.Error("Side strings")
	}
}
