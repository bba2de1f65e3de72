package console

import (
	"encoding/json"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// mapPoint is one point of static/map.js's data-points; Kind picks its
// colour (check, photo, site), Radius draws an accuracy circle in metres.
type mapPoint struct {
	Lat    float64 `json:"lat"`
	Lng    float64 `json:"lng"`
	Label  string  `json:"label,omitempty"`
	Kind   string  `json:"kind"`
	Radius float64 `json:"radius,omitempty"`
}

// routeLatLng turns a project's route, stored as GeoJSON [lon, lat]
// positions, into Leaflet's [lat, lng] pairs.
func routeLatLng(p projects.Project) [][2]float64 {
	line := make([][2]float64, len(p.Route))
	for i, pos := range p.Route {
		line[i] = [2]float64{pos[1], pos[0]}
	}
	return line
}

// jsonAttr encodes a value for a data- attribute (html/template escapes it).
func jsonAttr(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
