package projects

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/fieldproof/fieldproof/internal/errs"
)

type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string                     `json:"type"`
	Geometry   *geometry                  `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// readGeoJSON reads a FeatureCollection. Point features give the location;
// LineString features give a road's route (and, unless lat/lon properties
// say otherwise, its location: the first position). Properties carry the
// other fields under the CSV column names. Foreign members (crs, name, id)
// are ignored as RFC 7946 allows; unknown properties are refused, since a
// misspelt one would otherwise import as empty.
func readGeoJSON(r io.Reader) ([]importRow, error) {
	var fc featureCollection
	dec := json.NewDecoder(r)
	if err := dec.Decode(&fc); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, invalidFile("invalid_geojson", "the body is not a GeoJSON FeatureCollection: "+jsonProblem(err))
	}
	if fc.Type != "FeatureCollection" {
		return nil, invalidFile("invalid_geojson", `the body must be a GeoJSON object with "type": "FeatureCollection"`)
	}
	if len(fc.Features) > MaxImportRows {
		return nil, tooManyRows()
	}
	rows := make([]importRow, len(fc.Features))
	for i, f := range fc.Features {
		rows[i] = featureRow(i, f)
	}
	return rows, nil
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s must be %s", te.Field, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends early"
	}
	return "it could not be read"
}

func featureRow(i int, f feature) importRow {
	var row importRow
	name := rowNamer(i)
	if f.Type != "Feature" {
		row.fail(name("type"), "invalid", `must be "Feature"`)
		return row
	}
	vals := map[string]string{}
	for k, raw := range f.Properties {
		field := name("properties." + k)
		if !isImportColumn(k) {
			row.fail(field, "unknown_field", "is not a project field; use "+strings.Join(importColumns, ",")+indicatorColumnsHint)
			continue
		}
		s, ok := propertyText(raw)
		if !ok {
			row.fail(field, "wrong_type", "must be a string or a number")
			continue
		}
		vals[k] = s
	}
	row.fromValues(name, vals)
	if f.Geometry == nil {
		return row
	}
	switch f.Geometry.Type {
	case "Point":
		var pos []float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &pos); err != nil || (len(pos) != 2 && len(pos) != 3) {
			row.fail(name("route.coordinates"), "invalid", "a Point's coordinates must be [lon, lat]")
			return row
		}
		if vals["lat"] != "" || vals["lon"] != "" {
			row.fail(name("properties.lat"), "conflict", "a Point feature gives its location by its geometry, not by lat/lon")
			return row
		}
		field := name("route.coordinates")
		p := Point{Lon: pos[0], Lat: pos[1]}
		v := errs.NewValidation(errs.KindUnprocessable)
		if checkPoint(v, field, field, p) {
			row.np.Location = &p
		}
		row.errs = append(row.errs, fieldsOf(v.Err())...)
	case "LineString":
		var coords [][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &coords); err != nil {
			row.fail(name("route.coordinates"), "invalid", "a LineString's coordinates must be [[lon, lat], ...]")
			return row
		}
		row.np.Route = &GeoLine{Type: "LineString", Coordinates: coords}
	default:
		row.fail(name("route.type"), "unsupported_geometry", "must be a Point or a LineString (or null)")
	}
	return row
}

// propertyText returns a property's value as text: numbers keep their exact
// spelling (a budget of 1234567.89 must not pass through a float).
func propertyText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}
