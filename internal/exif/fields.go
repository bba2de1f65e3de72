package exif

// Tags read by decode. IFD0 and its two sub-IFDs are all we need; IFD1 (the
// embedded thumbnail) is deliberately ignored, so no IFD chain is followed
// and pointer loops are impossible.
const (
	tagMake           = 0x010F
	tagModel          = 0x0110
	tagOrientation    = 0x0112
	tagExifIFD        = 0x8769
	tagGPSIFD         = 0x8825
	tagDateTimeOrig   = 0x9003
	tagOffsetTimeOrig = 0x9011
	tagSubSecOrig     = 0x9291
	tagGPSLatRef      = 0x0001
	tagGPSLat         = 0x0002
	tagGPSLonRef      = 0x0003
	tagGPSLon         = 0x0004
	tagGPSAltRef      = 0x0005
	tagGPSAlt         = 0x0006
)

// decode fills m from a TIFF-structured EXIF block. Each field is read
// independently so one bad field costs only itself.
func decode(block []byte, m *Meta) {
	t, ifd0Off, err := newTIFF(block)
	if err != nil {
		m.warn("exif: %v", err)
		return
	}
	ifd0, err := t.ifd(ifd0Off)
	if err != nil {
		m.warn("exif: IFD0: %v", err)
	}
	if e, ok := ifd0[tagMake]; ok {
		if m.Make, err = t.text(e); err != nil {
			m.warn("exif: Make: %v", err)
		}
	}
	if e, ok := ifd0[tagModel]; ok {
		if m.Model, err = t.text(e); err != nil {
			m.warn("exif: Model: %v", err)
		}
	}
	if e, ok := ifd0[tagOrientation]; ok {
		switch v, err := t.uint(e); {
		case err != nil:
			m.warn("exif: Orientation: %v", err)
		case v < 1 || v > 8:
			m.warn("exif: Orientation %d is not 1-8; using 1", v)
		default:
			m.Orientation = int(v)
		}
	}
	if sub := subIFD(t, ifd0, tagExifIFD, "Exif IFD", m); sub != nil {
		readCaptureTime(t, sub, m)
	}
	if sub := subIFD(t, ifd0, tagGPSIFD, "GPS IFD", m); sub != nil {
		readGPS(t, sub, m)
	}
}

func subIFD(t *tiffBlock, parent map[uint16]entry, tag uint16, name string, m *Meta) map[uint16]entry {
	e, ok := parent[tag]
	if !ok {
		return nil
	}
	off, err := t.uint(e)
	if err != nil {
		m.warn("exif: %s pointer: %v", name, err)
		return nil
	}
	ifd, err := t.ifd(off)
	if err != nil {
		m.warn("exif: %s: %v", name, err)
	}
	return ifd
}
