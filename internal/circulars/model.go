// Package circulars makes the office's monthly supervision circular
// (督查通报): from the month's facts — each project's schedule status, each
// project's monthly report, the rectification orders and the look-back
// inspections — the headline figures and the tables by responsible unit
// that name its leader. Compute is a pure function of an Input of this
// package's own; gathering that input is behind Gatherer, so the figures
// are tested with hand-worked numbers and the sources can change without
// touching them. A published circular is immutable: its bytes go to the
// object store under retention, their SHA-256 into the audit log, and
// publishing the same period again makes the next version.
package circulars

import "time"

// ScheduleStatus is a project's time-proportional progress (序时进度) as
// internal/projects computes it; the circular keeps its own copy of the
// names so that its figures do not move when another package's do.
type ScheduleStatus string

// The statuses, worst first.
const (
	Stalled    ScheduleStatus = "stalled"
	Behind     ScheduleStatus = "behind"
	OnSchedule ScheduleStatus = "on_schedule"
	NotStarted ScheduleStatus = "not_started"
	Ahead      ScheduleStatus = "ahead"
	Completed  ScheduleStatus = "completed"
)

// ReportState is what the circular says of a project's monthly report.
type ReportState string

// The report states: filed by the due time, filed after it, or not filed.
const (
	ReportOnTime  ReportState = "on_time"
	ReportLate    ReportState = "late"
	ReportMissing ReportState = "missing"
)

// Unit is a responsible unit with its responsible leader (负责人).
type Unit struct {
	ID, Name, Leader string
}

// ProjectFacts is one project of the programme and its schedule status at
// the circular's date.
type ProjectFacts struct {
	ID, Code, Name string
	UnitID         string
	Township       string
	Status         ScheduleStatus
	// GapPoints is reported − planned share, in percentage points (one
	// decimal); negative when behind.
	GapPoints float64
}

// ReportFacts is one project that owed a monthly report for the period.
type ReportFacts struct {
	ProjectID, Code, Name string
	UnitID                string
	Township              string
	State                 ReportState
}

// OverdueOrder is a rectification order still open at the end of the
// period with its deadline passed by then.
type OverdueOrder struct {
	ID, Number  string
	ProjectCode string
	ProjectName string
	UnitID      string
	Deadline    time.Time
}

// Input is everything a circular is computed from.
type Input struct {
	County string
	Period Period
	// At is the date (midnight UTC) whose schedule the circular reports:
	// the period's last day, or today while the period is still running
	// (judged at the end of that day, or now).
	At    time.Time
	Units []Unit
	// Projects are the programme's projects in the circular, Reports the
	// projects that owed a report for the period (the two lists need not
	// be the same: a project not yet started owes no report).
	Projects []ProjectFacts
	Reports  []ReportFacts
	// OrdersOpened and OrdersClosed count the orders issued and closed in
	// the period; Overdue lists those overdue at its end.
	OrdersOpened, OrdersClosed int
	Overdue                    []OverdueOrder
	// LookBackInspected and LookBackFindings count the look-back
	// inspections filed in the period and those that found a problem.
	LookBackInspected, LookBackFindings int
}

// Figures are the circular's headline figures. Projects is the sum of the
// six schedule statuses; ReportsDue of the three report states.
type Figures struct {
	Projects                                                  int
	OnSchedule, Behind, Stalled, Completed, Ahead, NotStarted int
	ReportsDue, ReportsOnTime, ReportsLate, ReportsMissing    int
	OrdersOpened, OrdersClosed, OrdersOverdue                 int
	LookBackInspected, LookBackFindings                       int
}

// BehindProject is a row of a unit's "behind schedule" table.
type BehindProject struct {
	ProjectID, Code, Name, Township string
	Status                          ScheduleStatus // behind or stalled
	GapPoints                       float64
}

// ProjectRef names a project in a unit's report tables.
type ProjectRef struct {
	ProjectID, Code, Name, Township string
}

// UnitSection is one responsible unit's part of the circular.
type UnitSection struct {
	Unit
	Projects       int
	Behind         []BehindProject // worst gap first
	MissingReports []ProjectRef
	LateReports    []ProjectRef
	OverdueOrders  []OverdueOrder // oldest deadline first
}

// HasIssues reports whether the unit appears in the circular's tables of
// problems.
func (u UnitSection) HasIssues() bool {
	return len(u.Behind)+len(u.MissingReports)+len(u.LateReports)+len(u.OverdueOrders) > 0
}

// Circular is the computed circular.
type Circular struct {
	County  string
	Period  Period
	At      time.Time
	Figures Figures
	// Units lists every unit with a project, a report owed or an overdue
	// order, by name; Ahead the units ahead of schedule (or finished) on
	// every one of their projects, by name.
	Units []UnitSection
	Ahead []AheadUnit
}

// AheadUnit is a unit the circular praises, with how many projects it has.
type AheadUnit struct {
	Unit
	Projects int
}
