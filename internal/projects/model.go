// Package projects holds the rules for the county's livelihood projects:
// what a project record must contain, how its status may move, how progress
// is reported and judged against the schedule, who is assigned to watch it,
// and how a year's list is imported. Who may do what is asked of the policy
// package; persistence is behind Store.
package projects

import "time"

// Category is the kind of project; the list is the province's.
type Category string

// The categories.
const (
	CatRoad            Category = "road"
	CatDrinkingWater   Category = "drinking_water"
	CatSchool          Category = "school"
	CatKindergarten    Category = "kindergarten"
	CatNursingHome     Category = "nursing_home"
	CatClinic          Category = "clinic"
	CatCulturalStation Category = "cultural_station"
	CatPostOffice      Category = "post_office"
	CatBiogas          Category = "biogas"
	CatLibrary         Category = "library"
	CatSewage          Category = "sewage"
	CatLandfill        Category = "landfill"
	CatSurveillance    Category = "surveillance"
	CatCooperative     Category = "cooperative"
	CatOther           Category = "other"
)

// Categories lists every category in a stable order (for messages and docs).
var Categories = []Category{CatRoad, CatDrinkingWater, CatSchool, CatKindergarten, CatNursingHome, CatClinic,
	CatCulturalStation, CatPostOffice, CatBiogas, CatLibrary, CatSewage, CatLandfill, CatSurveillance,
	CatCooperative, CatOther}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Status is where a project stands; it changes only through ChangeStatus.
type Status string

// The statuses.
const (
	StatusPlanned           Status = "planned"
	StatusUnderConstruction Status = "under_construction"
	StatusCompleted         Status = "completed"
	StatusAccepted          Status = "accepted"
	StatusSuspended         Status = "suspended"
)

// Statuses lists every status.
var Statuses = []Status{StatusPlanned, StatusUnderConstruction, StatusCompleted, StatusAccepted, StatusSuspended}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// Point is a WGS 84 position.
type Point struct {
	Lat, Lon float64
}

// Contractor is the firm building the project. The county keeps its name and
// a contact on record because a contractor who vanishes with the money must
// still be traceable (DOMAIN.md).
type Contractor struct {
	Name    string
	Contact string
}

// Progress is the project's latest progress report, by report date.
type Progress struct {
	Percent  float64
	Quantity *float64
	Date     *time.Time // nil: nothing reported yet
}

// Project is one numbered item of the year's list.
type Project struct {
	ID                string
	Code              string
	Name              string
	Category          Category
	TownshipID        string
	Township          string
	UnitID            string
	Unit              string
	ResponsibleLeader string
	Contractor        Contractor
	BudgetCents       *int64
	FundingSource     string
	PlannedStart      *time.Time // a date: midnight UTC
	PlannedEnd        *time.Time // a date, inclusive
	Status            Status
	TargetQuantity    *float64
	TargetUnit        string
	Location          *Point
	// Route is a road's line, [lon, lat] positions. Lists leave it nil and
	// say only HasRoute, because a route may hold thousands of positions.
	Route     [][2]float64
	HasRoute  bool
	GeofenceM int
	Progress  Progress
	// OnTrackUntil is the moment the project falls behind at its current
	// progress; see schedule.go. Nil when the rule does not apply.
	OnTrackUntil *time.Time
	// ScheduleBasis is a copy of the indicators (figures and plans) kept on
	// the project's row so a list judges schedule status without reading
	// them again; nil when it was never written (then they are read).
	ScheduleBasis []Indicator `audit:"-"`
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Computed by the service at read time from its clock.
	ElapsedPercent *float64
	BehindSchedule bool
	// Schedule is the project's schedule status (序时进度) at the
	// service's clock, from its indicators; filled by Get, List, Create,
	// Update, ChangeStatus and GetMany, nil where a project is read
	// elsewhere.
	Schedule *Schedule
}

// GeoLine is a route as a client or an import file gives it: a GeoJSON
// LineString geometry, positions [lon, lat] or [lon, lat, altitude].
type GeoLine struct {
	Type        string
	Coordinates [][]float64
}

// NewProject is what the office supplies to create a project (one API call
// or one import row). Township and Unit are names; the service resolves them.
type NewProject struct {
	Code              string
	Name              string
	Category          Category
	Township          string
	Unit              string
	ResponsibleLeader string
	Contractor        Contractor
	// Budget is decimal yuan as written ("1234567.89"); "" for none. Dates
	// are YYYY-MM-DD; "" for none. They stay text here so a bad value is
	// reported with every other field error of the same request or row.
	Budget        string
	FundingSource string
	PlannedStart  string
	PlannedEnd    string
	// Status defaults to planned. Any status is accepted at creation so a
	// look-back campaign can record projects finished in earlier years.
	Status         Status
	TargetQuantity *float64
	TargetUnit     string
	// Location defaults to the route's first position.
	Location  *Point
	Route     *GeoLine
	GeofenceM *int
}

// Optional is a PATCH field that may also be cleared: Set says the client
// sent it, and a nil Value then means "clear".
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Update is a PATCH: nil or unset fields stay as they are. Code is absent on
// purpose: it is the number the county's documents cite, so it never changes
// once created (a wrong code means deleting and re-creating the record).
// Status is absent too: it moves only through ChangeStatus and its rules.
type Update struct {
	Name              *string
	Category          *Category
	Township          *string
	Unit              *string
	ResponsibleLeader *string
	ContractorName    *string
	ContractorContact *string
	Budget            Optional[string]
	FundingSource     *string
	PlannedStart      Optional[string]
	PlannedEnd        Optional[string]
	TargetQuantity    Optional[float64]
	TargetUnit        *string
	Location          Optional[Point]
	Route             Optional[GeoLine]
	GeofenceM         *int
}

// ProgressReport is one dated figure of work done.
type ProgressReport struct {
	ID         string
	ProjectID  string
	Date       time.Time
	Quantity   *float64
	Percent    float64
	Note       string
	ReportedBy string
	CreatedAt  time.Time
}

// NewProgress is a report as submitted: exactly one of Quantity or Percent.
type NewProgress struct {
	Date     string // YYYY-MM-DD
	Quantity *float64
	Percent  *float64
	Note     string
}

// DateLayout is how dates are written everywhere (API, CSV, GeoJSON).
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation(DateLayout, s, time.UTC)
}

// dateOf truncates t to its UTC calendar day.
func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
