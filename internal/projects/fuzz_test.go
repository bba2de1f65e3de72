package projects

import (
	"bytes"
	"testing"
)

// FuzzImportReaders: CSV and GeoJSON import files are parsed into rows or
// refused with an error; never a panic, whatever the bytes.
func FuzzImportReaders(f *testing.F) {
	f.Add([]byte("code,name,category,township,responsible_unit,planned_start,budget\nR-1,Road,road,Qingshan,Bureau,2026-03-01,1850000.00\n"))
	f.Add([]byte("\xef\xbb\xbfcode,name\n\"R-2\",\"a \"\"quoted\"\" name\"\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.9,28.2],[112.91,28.21]]},"properties":{"code":"R-3","name":"Road","category":"road","township":"Q","responsible_unit":"B"}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,"x"]},"properties":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = readCSV(bytes.NewReader(data))
		_, _ = readGeoJSON(bytes.NewReader(data))
	})
}
