package exif

import "math"

// readGPS sets Latitude/Longitude only when value and hemisphere are both
// readable: a coordinate with a guessed hemisphere is worse than none when
// it is used as evidence of where a photo was taken.
func readGPS(t *tiffBlock, g map[uint16]entry, m *Meta) {
	lat, latOK := coordinate(t, g, tagGPSLat, tagGPSLatRef, "N", "S", 90, "latitude", m)
	lon, lonOK := coordinate(t, g, tagGPSLon, tagGPSLonRef, "E", "W", 180, "longitude", m)
	switch {
	case latOK && lonOK:
		m.Latitude, m.Longitude = &lat, &lon
	case latOK != lonOK:
		m.warn("gps: only one of latitude/longitude is readable; position dropped")
	}
	readAltitude(t, g, m)
}

func coordinate(t *tiffBlock, g map[uint16]entry, tag, refTag uint16, pos, neg string, limit float64, name string, m *Meta) (float64, bool) {
	e, ok := g[tag]
	if !ok {
		return 0, false
	}
	parts, err := t.rationals(e)
	if err != nil {
		m.warn("gps: %s: %v", name, err)
		return 0, false
	}
	if len(parts) > 3 {
		m.warn("gps: %s has %d components", name, len(parts))
		return 0, false
	}
	// Degrees, minutes, seconds; writers that store fewer components use
	// fractional degrees or minutes, which the same sum handles.
	v := 0.0
	for i, p := range parts {
		if p < 0 {
			m.warn("gps: %s component %d is negative", name, i)
			return 0, false
		}
		v += p / math.Pow(60, float64(i))
	}
	re, ok := g[refTag]
	if !ok {
		m.warn("gps: %s has no hemisphere reference; position dropped", name)
		return 0, false
	}
	ref, err := t.text(re)
	switch {
	case err != nil:
		m.warn("gps: %s reference: %v", name, err)
		return 0, false
	case ref == neg:
		v = -v
	case ref != pos:
		m.warn("gps: %s reference %q is not %s or %s", name, ref, pos, neg)
		return 0, false
	}
	if math.Abs(v) > limit {
		m.warn("gps: %s %.6f out of range", name, v)
		return 0, false
	}
	return v, true
}

func readAltitude(t *tiffBlock, g map[uint16]entry, m *Meta) {
	e, ok := g[tagGPSAlt]
	if !ok {
		return
	}
	parts, err := t.rationals(e)
	if err != nil {
		m.warn("gps: altitude: %v", err)
		return
	}
	alt := parts[0]
	// AltitudeRef 1 = below sea level; absent means 0 (above) per EXIF.
	if re, ok := g[tagGPSAltRef]; ok {
		switch ref, err := t.uint(re); {
		case err != nil:
			m.warn("gps: altitude reference: %v", err)
			return
		case ref == 1:
			alt = -math.Abs(alt)
		case ref != 0:
			m.warn("gps: altitude reference %d is not 0 or 1", ref)
			return
		}
	}
	m.Altitude = &alt
}
