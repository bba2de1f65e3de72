package exif

import (
	"fmt"
	"strings"
	"time"
)

// readCaptureTime reads DateTimeOriginal, SubSecTimeOriginal and
// OffsetTimeOriginal. Only the offset recorded for DateTimeOriginal is used:
// OffsetTime belongs to DateTime (last modification), and borrowing it would
// assert an instant the camera never recorded.
func readCaptureTime(t *tiffBlock, ifd map[uint16]entry, m *Meta) {
	e, ok := ifd[tagDateTimeOrig]
	if !ok {
		return
	}
	s, err := t.text(e)
	if err != nil {
		m.warn("exif: DateTimeOriginal: %v", err)
		return
	}
	if blank(s) { // EXIF's way of saying "unknown"
		return
	}
	ts, err := parseDateTime(s)
	if err != nil {
		m.warn("exif: DateTimeOriginal %q: %v", s, err)
		return
	}
	if e, ok := ifd[tagSubSecOrig]; ok {
		if ss, err := t.text(e); err == nil {
			if ns, ok := subSecNanos(ss); ok {
				ts = ts.Add(time.Duration(ns))
			} else if !blank(ss) {
				m.warn("exif: SubSecTimeOriginal %q is not digits", ss)
			}
		}
	}
	if e, ok := ifd[tagOffsetTimeOrig]; ok {
		offStr, err := t.text(e)
		switch {
		case err != nil:
			m.warn("exif: OffsetTimeOriginal: %v", err)
		case blank(offStr):
		default:
			if secs, err := parseOffset(offStr); err != nil {
				m.warn("exif: OffsetTimeOriginal %q: %v", offStr, err)
			} else {
				// Same wall clock, now pinned to the recorded offset.
				ts = time.Date(ts.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), time.FixedZone(offStr, secs))
				m.OffsetKnown = true
			}
		}
	}
	m.CapturedAt = &ts
}

// blank reports EXIF's "unknown" spellings: empty, all spaces, or all
// separators and zeros as in "0000:00:00 00:00:00" and "  :  ".
func blank(s string) bool {
	return strings.Trim(s, " :0-") == ""
}

// dateLayouts: the EXIF form first, then variants seen from non-conforming writers.
var dateLayouts = []string{
	"2006:01:02 15:04:05",
	"2006-01-02 15:04:05",
	"2006:01:02T15:04:05",
	"2006-01-02T15:04:05",
}

func parseDateTime(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if ts, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return ts, nil
		}
	}
	return time.Time{}, fmt.Errorf("not in YYYY:MM:DD HH:MM:SS form")
}

func subSecNanos(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(s) {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			ns += int64(s[i] - '0')
		}
	}
	return ns, true
}

// parseOffset parses "+HH:MM" / "-HH:MM" into seconds east of UTC.
func parseOffset(s string) (int, error) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, fmt.Errorf("not in ±HH:MM form")
	}
	var h, mm int
	for _, c := range s[1:3] + s[4:6] {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not in ±HH:MM form")
		}
	}
	h = int(s[1]-'0')*10 + int(s[2]-'0')
	mm = int(s[4]-'0')*10 + int(s[5]-'0')
	if h > 14 || mm > 59 {
		return 0, fmt.Errorf("offset out of range")
	}
	secs := h*3600 + mm*60
	if s[0] == '-' {
		secs = -secs
	}
	return secs, nil
}
