package exif

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const photos = "../../testdata/photos"

// manifestRow is one line of testdata/photos/MANIFEST.tsv (exiftool's
// reading of each file); "-" means absent.
type manifestRow struct {
	file, lat, lon, dateTime, offset, width, height, orientation, make, model string
}

func readManifest(t *testing.T) []manifestRow {
	t.Helper()
	f, err := os.Open(filepath.Join(photos, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 10 {
			t.Fatalf("manifest line has %d columns: %q", len(c), line)
		}
		rows = append(rows, manifestRow{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func readFile(t *testing.T, rel string) Meta {
	t.Helper()
	f, err := os.Open(filepath.Join(photos, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Read(f, st.Size())
	if err != nil {
		t.Fatalf("Read(%s): %v", rel, err)
	}
	return m
}

func TestManifest(t *testing.T) {
	rows := readManifest(t)
	if len(rows) < 15 {
		t.Fatalf("manifest has only %d rows", len(rows))
	}
	// Every photo in testdata must be covered, so a new file cannot slip in untested.
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r.file] = true
	}
	files, _ := filepath.Glob(filepath.Join(photos, "*", "*"))
	for _, p := range files {
		rel, _ := filepath.Rel(photos, p)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s is not in MANIFEST.tsv", rel)
		}
	}

	for _, r := range rows {
		t.Run(r.file, func(t *testing.T) {
			m := readFile(t, r.file)
			checkCoord(t, "latitude", m.Latitude, r.lat)
			checkCoord(t, "longitude", m.Longitude, r.lon)

			switch {
			case r.dateTime == "-" && m.CapturedAt != nil:
				t.Errorf("CapturedAt = %v, want absent", m.CapturedAt)
			case r.dateTime != "-" && m.CapturedAt == nil:
				t.Errorf("CapturedAt absent, want %s", r.dateTime)
			case r.dateTime != "-":
				if got := m.CapturedAt.Format("2006:01:02 15:04:05"); got != r.dateTime {
					t.Errorf("CapturedAt wall clock = %s, want %s", got, r.dateTime)
				}
			}
			if want := r.offset != "-"; m.OffsetKnown != want {
				t.Errorf("OffsetKnown = %v, want %v", m.OffsetKnown, want)
			} else if want {
				if got := m.CapturedAt.Format("-07:00"); got != r.offset {
					t.Errorf("offset = %s, want %s", got, r.offset)
				}
			}

			wantOr, _ := strconv.Atoi(r.orientation)
			if m.Orientation != wantOr {
				t.Errorf("Orientation = %d, want %d", m.Orientation, wantOr)
			}
			if got, want := m.Make, dash(r.make); got != want {
				t.Errorf("Make = %q, want %q", got, want)
			}
			if got, want := m.Model, dash(r.model); got != want {
				t.Errorf("Model = %q, want %q", got, want)
			}
			if len(m.Warnings) > 0 {
				t.Logf("warnings: %q", m.Warnings)
			}
		})
	}
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func checkCoord(t *testing.T, name string, got *float64, want string) {
	t.Helper()
	if want == "-" {
		if got != nil {
			t.Errorf("%s = %v, want absent", name, *got)
		}
		return
	}
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		t.Fatalf("bad manifest %s %q", name, want)
	}
	if got == nil {
		t.Errorf("%s absent, want %v", name, w)
		return
	}
	if math.Abs(*got-w) > 1e-6 {
		t.Errorf("%s = %.9f, want %.9f (±1e-6)", name, *got, w)
	}
}
