// Package review is the office's view of the whole programme, and the
// public's: the dashboard of projects that need attention (behind
// schedule, zero progress at mid-year, failed checks nobody has ordered
// put right, sites nobody has visited), the exports that load into Excel
// and QGIS, and the public disclosure list (公示) of every project's
// progress without personal data.
//
// Reads only: the service never writes a project or a check. Checks are
// exported through checks.Service.List, page by page, so an export applies
// exactly the filters, validation and visibility rules of GET /checks.
package review

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Store is what the review reads beyond the checks service.
// internal/store.Review implements it. Every method is one database call
// under its own deadline; lists that may be long are read in keyset
// batches by the caller.
type Store interface {
	// ProjectBatch returns up to limit projects ordered by code, after
	// afterCode ("" from the start); withRoute also loads road routes.
	ProjectBatch(ctx context.Context, afterCode string, limit int, withRoute bool) ([]projects.Project, error)
	// ProjectLabels returns code and name of the projects named (absent
	// ids are left out).
	ProjectLabels(ctx context.Context, ids []string) (map[string]ProjectLabel, error)
	// BehindProjects: on_track_until < asOf (projects.Behind in SQL).
	BehindProjects(ctx context.Context, asOf time.Time) ([]projects.Project, error)
	// ZeroProgressCandidates: planned or under construction, with both
	// dates, started by asOf, and no progress at all. The service keeps
	// those whose schedule is at least half gone.
	ZeroProgressCandidates(ctx context.Context, asOf time.Time) ([]projects.Project, error)
	// FailedChecks counts, per project, the failed checks captured before
	// q.AsOf that are not superseded by an amendment; with
	// q.ExcludeOrdered, only those no rectification order cites and the
	// office has not dismissed.
	FailedChecks(ctx context.Context, q FailedQuery) ([]FailedProject, error)
	// NotInspected lists projects that should be underway at q.AsOf
	// (under construction, or planned with a start on or before it) on
	// which no inspector, office or admin check was captured in
	// [q.Since, q.AsOf), with the last such check before q.AsOf.
	NotInspected(ctx context.Context, q InspectionQuery) ([]UninspectedProject, error)
}

// CheckLister is the checks service's list (checks.Service).
type CheckLister interface {
	List(ctx context.Context, p auth.Principal, q checks.ListQuery) (checks.Page, error)
}

// OrderTally counts a project's rectification orders: open is issued,
// acknowledged or response_submitted; closed is closed. Cancelled orders
// are neither (an order cancelled was issued in error or overtaken).
type OrderTally struct {
	Open, Closed int
}

// OrderCounts is how the review learns about rectification orders, which
// live in another domain (internal/orders, migration 00007).
// internal/store.ReviewOrders implements it from the orders table, and
// answers zeros (Linked false) on a database where that table does not
// exist yet, so the review works before and after orders land.
type OrderCounts interface {
	// Linked reports whether orders exist to count and to join on; when
	// false Tallies is empty and failed checks are listed without the
	// "no order" condition.
	Linked() bool
	// Tallies returns the counts per project id; projects without orders
	// are absent.
	Tallies(ctx context.Context) (map[string]OrderTally, error)
}

// ProjectLabel is how an export names a check's project.
type ProjectLabel struct {
	Code, Name, Township, Unit string
	// Location is the project's point, or its route's first position;
	// nil when it has neither (GeoJSON exports it with a null geometry).
	Location *projects.Point
}

// OrderLister lists orders as the caller may see them.
type OrderLister interface {
	List(ctx context.Context, p auth.Principal, q orders.ListQuery) (orders.Page, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store  Store
	Checks CheckLister
	Orders OrderCounts
	// OrderList pages through orders as GET /orders does (orders.Service).
	OrderList OrderLister
	// Indicators judges schedule status (序时进度) on each project's
	// indicators (projects.Service); nil judges each on its own progress.
	Indicators IndicatorSource
	// Statuses gives projects the status they had at a past date
	// (projects.Service, from the status history), so a past day is not
	// judged with today's status; nil judges with today's.
	Statuses StatusSource
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service answers the dashboard, the exports and the public list.
type Service struct{ d Deps }

// NewService builds the service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// mayOverview: the dashboard and the exports are county-wide, so they are
// for the roles that see every project and every check (admin, office,
// inspector): an inspector can already page through all of it with
// GET /projects and GET /checks, and the bulk form protects nothing by
// being refused. Volunteers and contractors, who see a slice, get 403
// rather than a silently partial county.
func mayOverview(p auth.Principal) error {
	if policy.ProjectListScope(p).All && policy.CheckListScope(p).All() {
		return nil
	}
	return errs.Forbidden("the dashboard and exports are for the county's staff")
}

// decorated fills the read-time schedule fields at asOf, as
// projects.Service does with its clock.
func decorated(p projects.Project, asOf time.Time) projects.Project {
	p.ElapsedPercent = projects.ElapsedPercent(p.PlannedStart, p.PlannedEnd, asOf)
	p.BehindSchedule = projects.Behind(p.OnTrackUntil, asOf)
	return p
}
