// Package monthly is the monthly supervision cycle: fixed photo points
// (定点照片), one monthly report per project under construction and period
// from its responsible unit, the office's review, the flags on figures and
// photos, the status of a period computed from the data, and the reminders
// before the due day. Indicators belong to projects; this package reads
// and records them through Indicators.
package monthly

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// ReportState is where a report stands; "missing" is never stored: it is
// the state of a project that has no report for the period.
type ReportState string

// Report states.
const (
	StateMissing   ReportState = "missing"
	StateDraft     ReportState = "draft"
	StateSubmitted ReportState = "submitted"
	StateReturned  ReportState = "returned"
	StateAccepted  ReportState = "accepted"
)

// Flags on a report's values and photos. They never refuse a report: the
// office decides what they are worth.
const (
	FlagDecreased     = "decreased"
	FlagExceedsTarget = "exceeds_target"
	FlagJump          = "jump"
	FlagOffPoint      = "off_point"
	FlagOutsidePeriod = "outside_period"
	FlagReused        = "reused"
)

// Point is a fixed photo point of a project.
type Point struct {
	ID, ProjectID string
	Name          string
	Lat, Lon      float64
	// Bearing is the direction the camera faces, degrees clockwise from
	// north, [0, 360).
	Bearing   float64
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// Value is one indicator's cumulative figure in a report, with its flags.
type Value struct {
	IndicatorID string   `json:"indicator_id"`
	Value       float64  `json:"value"`
	Flags       []string `json:"flags,omitempty"`
}

// ReportPhoto is a report's photo of one point.
type ReportPhoto struct {
	PointID string `json:"point_id"`
	PhotoID string `json:"photo_id"`
	Caption string `json:"caption"`
}

// Report is one project's monthly report.
type Report struct {
	Seq           int64
	ID, ProjectID string
	Period        Period
	State         ReportState
	Values        []Value
	Photos        []ReportPhoto
	Narrative     string
	Problems      string
	HelpRequested string
	AuthorID      string
	RequestHash   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// SubmittedAt is the first submission, which alone decides on time or
	// late; ResubmittedAt the latest after a return.
	SubmittedAt   *time.Time
	ResubmittedAt *time.Time
	ReturnedAt    *time.Time
	ReturnedBy    string
	ReturnReason  string
	AcceptedAt    *time.Time
	AcceptedBy    string

	// Computed at read time.
	PhotoFlags map[string][]string // photo id → flags
	Stored     map[string]photos.Photo
}

// Flags is every flag of the report, values' and photos', once each.
func (r Report) Flags() []string {
	seen := map[string]bool{}
	var out []string
	add := func(fs []string) {
		for _, f := range fs {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	for _, v := range r.Values {
		add(v.Flags)
	}
	for _, ph := range r.Photos {
		add(r.PhotoFlags[ph.PhotoID])
	}
	return out
}

// Indicator is what the cycle needs of a project's indicator (P0's
// projects.Indicator, adapted in the server wiring).
type Indicator struct {
	ID, ProjectID, Name, Unit string
	Target                    float64
	// Value is the latest cumulative figure as of the date asked.
	Value float64
	// HasValue: some figure was recorded by then.
	HasValue bool
}

// IndicatorValue is one figure to record.
type IndicatorValue struct {
	IndicatorID string
	Value       float64
}

// Indicators is the projects service as the cycle uses it. It does not
// check policy: the monthly service has authorized the caller already.
type Indicators interface {
	// IndicatorsOf lists the indicators of projectIDs with their values as
	// of at (nil: latest).
	IndicatorsOf(ctx context.Context, projectIDs []string, at *time.Time) (map[string][]Indicator, error)
	// RecordIndicatorValues joins the caller's transaction and records once
	// per (indicator, source, sourceID).
	RecordIndicatorValues(ctx context.Context, p auth.Principal, projectID, source, sourceID string,
		date time.Time, values []IndicatorValue) error
}

// ProjectSource is what the cycle reads of projects.
type ProjectSource interface {
	ProjectByID(ctx context.Context, id string) (projects.Project, error)
	IsAssigned(ctx context.Context, projectID, userID string) (bool, error)
	// StatusChangesOf reads projects' status histories (who owed a report
	// for a past period is decided by the status of its time).
	StatusChangesOf(ctx context.Context, projectIDs []string) (map[string][]projects.StatusChange, error)
}

// PhotoIndex reads stored photos (photosdb implements it).
type PhotoIndex interface {
	Get(ctx context.Context, id string) (photos.Photo, error)
	ListByParent(ctx context.Context, parentID string) ([]photos.Photo, error)
}

// Uploader stores a photo through the one photo pipeline.
type Uploader interface {
	Upload(ctx context.Context, p auth.Principal, in photos.UploadInput) (photos.Photo, bool, error)
}

// Notice is one message not tied to an order (orders.Notice).
type Notice struct {
	Event, Subject, Message string
	UnitID                  string
	Period                  Period
	At                      time.Time
}

// Notifier sends notices through the notifications and webhooks, in the
// caller's transaction.
type Notifier interface {
	NotifyUnit(ctx context.Context, n Notice) error
}

// Auditor records writes in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// StatusRow is one project that may have owed a report for a period (it
// was under construction at some instant up to the time asked) or has a
// report in it, with that report if any; the store reads them in one
// query, and the service decides from the status history which owed one.
type StatusRow struct {
	ProjectID, ProjectName, ProjectCode string
	UnitID, UnitName                    string
	TownshipID, Township                string
	ProjectStatus                       projects.Status
	Report                              *Report
}

// Store is the persistence the service needs (monthlydb implements it).
// Methods called with the ctx InTx hands to fn join its transaction.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	InsertPoint(ctx context.Context, pt Point) error
	Point(ctx context.Context, id string) (Point, error)
	Points(ctx context.Context, projectID string) ([]Point, error)
	// UpdatePoint writes a point's name, position, bearing and note; a
	// name taken on the project is errs.ErrConflict.
	UpdatePoint(ctx context.Context, pt Point) error

	// InsertReport adds a report; a taken id or (project, period) is
	// errs.ErrConflict.
	InsertReport(ctx context.Context, r Report) error
	Report(ctx context.Context, id string) (Report, error)
	// LockReport is Report that holds the row until the transaction ends.
	LockReport(ctx context.Context, id string) (Report, error)
	ReportFor(ctx context.Context, projectID string, period Period) (Report, error)
	// UpdateReport writes every mutable column.
	UpdateReport(ctx context.Context, r Report) error
	// IsReport reports whether id names a monthly report (photo routing).
	IsReport(ctx context.Context, id string) (bool, error)
	// ListReports lists the reports of a period (all periods when empty),
	// of projects within scope, optionally of one project, by project code.
	ListReports(ctx context.Context, f ListFilter) ([]Report, error)
	// ReportsOfProject lists a project's reports, oldest period first.
	ReportsOfProject(ctx context.Context, projectID string) ([]Report, error)
	// PointsOf lists the points of many projects, by project id.
	PointsOf(ctx context.Context, projectIDs []string) (map[string][]Point, error)
	// PhotosOfReports lists the stored photos of many reports (what a
	// report shows of them), by report id and photo id.
	PhotosOfReports(ctx context.Context, reportIDs []string) (map[string]map[string]photos.Photo, error)
	// ReportPlacesOfPhotos maps those of photoIDs that belong to monthly
	// reports to their report's place.
	ReportPlacesOfPhotos(ctx context.Context, photoIDs []string) (map[string]ReportPlace, error)
	// ReportPhotosReferring maps each of photoIDs to the places of the
	// report photos whose duplicate or possible-reuse reference names it
	// (the other direction of the pipeline's links).
	ReportPhotosReferring(ctx context.Context, photoIDs []string) (map[string][]ReportPlace, error)

	// PeriodClosed reports whether the office closed the period.
	PeriodClosed(ctx context.Context, p Period) (bool, *time.Time, error)
	// ClosePeriod closes it; closing a closed period is errs.ErrConflict.
	ClosePeriod(ctx context.Context, p Period, by string, at time.Time) error

	// StatusRows lists the projects under construction at some instant
	// up to at (by their status history) and the projects with a report in
	// period, each with that report; ProjectStatus is today's.
	StatusRows(ctx context.Context, period Period, at time.Time) ([]StatusRow, error)
	// ClaimNotice records (period, unit, kind) unless it was recorded
	// before (false).
	ClaimNotice(ctx context.Context, period Period, unitID, kind string, at time.Time) (bool, error)
}

// ReportPlace is where a report photo sits in the order of filing: its
// report's period, then the report's filing order (Seq) within it.
type ReportPlace struct {
	ReportID string
	Period   Period
	Seq      int64
}

// Before reports whether p comes before q: an earlier period, or an
// earlier-filed report of the same period.
func (p ReportPlace) Before(q ReportPlace) bool {
	if p.Period != q.Period {
		return p.Period < q.Period
	}
	return p.Seq < q.Seq
}

// ListFilter selects reports.
type ListFilter struct {
	Period    Period
	ProjectID string
	State     ReportState
	// UnitID restricts to projects of this unit (contractors); AssignedTo
	// to projects assigned to this user (volunteers); None to nothing.
	UnitID, AssignedTo string
	None               bool
	Limit              int
}
