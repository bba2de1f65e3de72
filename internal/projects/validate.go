package projects

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/org"
)

// Bounds on what a project may hold.
const (
	MaxRoutePositions = 10000
	MinGeofenceM      = 10
	MaxGeofenceM      = 50000
	fallbackGeofenceM = 300
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// Dates outside these years are typing errors, not plans.
const minYear, maxYear = 1990, 2100

// fieldNamer turns the API's field name into the caller's (an import row
// prefixes "rows[3]." and names its own columns).
type fieldNamer func(apiField string) string

func apiNames(f string) string { return f }

// draft is a NewProject after validation: cleaned and parsed.
type draft struct {
	code, name     string
	category       Category
	township, unit string
	leader         string
	contractor     Contractor
	budget         *int64
	funding        string
	start, end     *time.Time
	status         Status
	target         *float64
	targetUnit     string
	location       *Point
	route          [][2]float64
	geofence       int
	codeOK         bool
}

func checkText(v *errs.Validation, field, s string, max int, required bool) {
	switch {
	case required && s == "":
		v.Add(field, "required", "is required")
	case !utf8.ValidString(s):
		v.Add(field, "invalid", "must be valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", max))
	}
}

func parseDateField(v *errs.Validation, field, s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	d, err := ParseDate(s)
	if err != nil {
		v.Add(field, "invalid_date", "must be a date written YYYY-MM-DD")
		return nil
	}
	if d.Year() < minYear || d.Year() > maxYear {
		v.Add(field, "out_of_range", fmt.Sprintf("must be between %d and %d", minYear, maxYear))
		return nil
	}
	return &d
}

func checkPoint(v *errs.Validation, latField, lonField string, p Point) bool {
	ok := true
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		v.Add(latField, "out_of_range", "must be between -90 and 90")
		ok = false
	}
	if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		v.Add(lonField, "out_of_range", "must be between -180 and 180")
		ok = false
	}
	return ok
}

// checkRoute validates a GeoJSON LineString. It reports only the first bad
// position: a file with ten thousand swapped coordinates needs one message.
func checkRoute(v *errs.Validation, name fieldNamer, g GeoLine) [][2]float64 {
	if g.Type != "LineString" {
		v.Add(name("route.type"), "invalid", `must be "LineString"`)
		return nil
	}
	n := len(g.Coordinates)
	if n < 2 || n > MaxRoutePositions {
		v.Add(name("route.coordinates"), "invalid_length", fmt.Sprintf("must hold 2 to %d positions", MaxRoutePositions))
		return nil
	}
	out := make([][2]float64, n)
	for i, pos := range g.Coordinates {
		field := name(fmt.Sprintf("route.coordinates[%d]", i))
		// A third number is altitude, which GPS exports often carry; it is
		// dropped because nothing here uses it.
		if len(pos) != 2 && len(pos) != 3 {
			v.Add(field, "invalid", "must be [lon, lat]")
			return nil
		}
		if !checkPoint(v, field, field, Point{Lon: pos[0], Lat: pos[1]}) {
			return nil
		}
		out[i] = [2]float64{pos[0], pos[1]}
	}
	return out
}

// check validates np; errors go to v under the names name gives.
func (s *Service) check(np NewProject, name fieldNamer, v *errs.Validation) draft {
	d := draft{
		code: strings.TrimSpace(np.Code), name: strings.TrimSpace(np.Name), category: np.Category,
		township: org.CleanName(np.Township), unit: org.CleanName(np.Unit),
		leader:     strings.TrimSpace(np.ResponsibleLeader),
		contractor: Contractor{Name: strings.TrimSpace(np.Contractor.Name), Contact: strings.TrimSpace(np.Contractor.Contact)},
		funding:    strings.TrimSpace(np.FundingSource), status: np.Status, target: np.TargetQuantity,
		targetUnit: strings.TrimSpace(np.TargetUnit),
	}
	switch {
	case d.code == "":
		v.Add(name("code"), "required", "is required")
	case !codePattern.MatchString(d.code):
		v.Add(name("code"), "invalid", "must be 1 to 40 letters, digits, '-', '_' or '.'")
	default:
		d.codeOK = true
	}
	checkText(v, name("name"), d.name, 200, true)
	switch {
	case d.category == "":
		v.Add(name("category"), "required", "is required")
	case !d.category.Valid():
		v.Add(name("category"), "invalid", "must be one of "+joinCategories())
	}
	org.CheckName(v, name("township"), d.township)
	org.CheckName(v, name("responsible_unit"), d.unit)
	checkText(v, name("responsible_leader"), d.leader, 100, false)
	checkText(v, name("contractor.name"), d.contractor.Name, 200, false)
	checkText(v, name("contractor.contact"), d.contractor.Contact, 100, false)
	checkText(v, name("funding_source"), d.funding, 200, false)
	checkText(v, name("target_unit"), d.targetUnit, 20, false)
	if b := strings.TrimSpace(np.Budget); b != "" {
		fen, err := ParseYuan(b)
		if err != nil {
			v.Add(name("budget"), "invalid", err.Error())
		} else {
			d.budget = &fen
		}
	}
	d.start = parseDateField(v, name("planned_start"), np.PlannedStart)
	d.end = parseDateField(v, name("planned_end"), np.PlannedEnd)
	if d.start != nil && d.end != nil && d.end.Before(*d.start) {
		v.Add(name("planned_end"), "before_start", "must not be before planned_start")
	}
	if d.status == "" {
		d.status = StatusPlanned
	} else if !d.status.Valid() {
		v.Add(name("status"), "invalid", "must be one of "+joinStatuses(Statuses))
	}
	if d.target != nil && (math.IsNaN(*d.target) || *d.target <= 0 || *d.target > 1e12) {
		v.Add(name("target_quantity"), "out_of_range", "must be greater than 0")
	}
	if np.Route != nil {
		d.route = checkRoute(v, name, *np.Route)
	}
	switch {
	case np.Location != nil:
		if checkPoint(v, name("location.lat"), name("location.lon"), *np.Location) {
			l := *np.Location
			d.location = &l
		}
	case len(d.route) > 0:
		// A road is found by where it starts unless told otherwise.
		d.location = &Point{Lon: d.route[0][0], Lat: d.route[0][1]}
	}
	d.geofence = s.defaultGeofence()
	if np.GeofenceM != nil {
		d.geofence = *np.GeofenceM
		v.Check(d.geofence < MinGeofenceM || d.geofence > MaxGeofenceM, name("geofence_m"), "out_of_range",
			fmt.Sprintf("must be between %d and %d metres", MinGeofenceM, MaxGeofenceM))
	}
	return d
}

func (s *Service) defaultGeofence() int {
	if g := s.opts.DefaultGeofenceM; g >= MinGeofenceM && g <= MaxGeofenceM {
		return g
	}
	return fallbackGeofenceM
}

func joinCategories() string {
	parts := make([]string, len(Categories))
	for i, c := range Categories {
		parts[i] = string(c)
	}
	return strings.Join(parts, ", ")
}

func joinStatuses(ss []Status) string {
	parts := make([]string, len(ss))
	for i, st := range ss {
		parts[i] = string(st)
	}
	return strings.Join(parts, ", ")
}
