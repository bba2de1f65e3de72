// Package orders holds rectification orders (整改通知): issuing one from a
// failed check or directly on a project, the lifecycle the responsible unit
// and the county walk it through (issued → acknowledged → response
// submitted → closed, or back to acknowledged, or cancelled), its yearly
// number, the overdue escalation, the office's triage of volunteer reports,
// and the notifications and signed webhooks that tell people what concerns
// them. Who may do what is asked of internal/policy; persistence is behind
// Store.
package orders

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Status is where an order stands.
type Status string

// The statuses.
const (
	StatusIssued       Status = "issued"
	StatusAcknowledged Status = "acknowledged"
	StatusResponded    Status = "response_submitted"
	StatusClosed       Status = "closed"
	StatusCancelled    Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{StatusIssued, StatusAcknowledged, StatusResponded, StatusClosed, StatusCancelled}

// Open reports whether the order still waits for someone.
func (s Status) Open() bool { return s != StatusClosed && s != StatusCancelled }

// Action is a step of the lifecycle.
type Action string

// The actions. Escalate is the overdue job's; it does not change the status.
const (
	ActIssue       Action = "issue"
	ActAcknowledge Action = "acknowledge"
	ActRespond     Action = "respond"
	ActVerify      Action = "verify"
	ActReject      Action = "reject"
	ActCancel      Action = "cancel"
	ActEscalate    Action = "escalate"
)

// allowed is the state machine: what may happen next in each status.
var allowed = map[Status][]Action{
	StatusIssued:       {ActAcknowledge, ActCancel},
	StatusAcknowledged: {ActRespond, ActCancel},
	StatusResponded:    {ActVerify, ActReject, ActCancel},
	StatusClosed:       {},
	StatusCancelled:    {},
}

// AllowedActions lists what may happen to an order in status s.
func AllowedActions(s Status) []Action { return append([]Action{}, allowed[s]...) }

func permits(s Status, a Action) bool {
	for _, x := range allowed[s] {
		if x == a {
			return true
		}
	}
	return false
}

// Severity of a defect.
type Severity string

// The severities.
const (
	SeverityMinor    Severity = "minor"
	SeverityMajor    Severity = "major"
	SeverityCritical Severity = "critical"
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	return s == SeverityMinor || s == SeverityMajor || s == SeverityCritical
}

// Order is one rectification order.
type Order struct {
	Seq    int64
	ID     string
	Number string // ZG-2026-0001
	// ProjectID and UnitID (the responsible unit, the project's when issued).
	ProjectID, UnitID string
	// SourceCheckID is the failed check the order came from ("" if issued
	// directly on the project); Items its failed item keys concerned.
	SourceCheckID  string
	Items          []string
	Defect         string
	Severity       Severity
	RequiredAction string
	// Notes are the office's internal notes (policy.OrderViewFull only).
	Notes               string
	Deadline            time.Time
	Status              Status
	EscalatedAt         *time.Time
	LastResponseAt      *time.Time
	VerificationCheckID string
	CreatedBy           string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	ClosedAt            *time.Time
}

// Overdue: past its deadline and not closed (nor cancelled). Computed at
// read time, so the office sees it the moment the deadline passes; the
// escalation job only adds the flag and the notifications.
func (o Order) Overdue(now time.Time) bool { return o.Status.Open() && now.After(o.Deadline) }

// Event is one step of an order's timeline: who, when, why.
type Event struct {
	Seq        int64
	OrderID    string
	Action     Action
	From, To   Status
	ActorID    string
	ActorRole  auth.Role
	Reason     string
	CheckID    string
	ResponseID string
	At         time.Time
}

// Location is a phone's fix.
type Location struct {
	Lat, Lon, AccuracyM float64
}

// Response is the responsible unit's answer: what was done, and photos.
type Response struct {
	ID          string // made by the server
	OrderID     string
	ProjectID   string
	Text        string
	PhotoIDs    []string
	Location    *Location
	CapturedAt  *time.Time
	SubmittedBy string
	SubmittedAt time.Time

	// Filled at read time.
	MissingPhotoIDs []string
	Photos          []photos.Photo
}

// Detail is an order with its timeline and responses.
type Detail struct {
	Order
	Events    []Event
	Responses []Response
	// View is how much of it the caller may read; the HTTP layer leaves
	// out what the view does not cover.
	View ViewLevel
	// Now is when it was read, for the overdue flag.
	Now time.Time
	// Actions are what the caller may do to it now: the steps its status
	// allows that the policy lets them take (the console's buttons).
	Actions []Action
}

// ViewLevel mirrors policy.OrderView for callers that do not import policy.
type ViewLevel int

// The levels (policy.OrderViewStatus, OrderViewUnit, OrderViewFull).
const (
	ViewStatus ViewLevel = iota + 1
	ViewUnit
	ViewFull
)

// Filter narrows an order list; the store applies it newest first, or
// in Sort's order.
type Filter struct {
	Status, ProjectID, UnitID, Severity string
	// Township (a name) and Category are the order's project's.
	Township, Category string
	// Open: true only open orders (issued, acknowledged, response
	// submitted), false only finished ones (closed, cancelled).
	Open *bool
	// Overdue: true only overdue orders, false only those not overdue.
	Overdue *bool
	Now     time.Time
	// Scope: policy.OrderListScope, the rule single reads use too.
	Scope policy.OrderScope
	// Sort is SortNewest (BeforeSeq pages) or SortDue (After pages).
	Sort      string
	BeforeSeq int64
	After     *DueKey
	Limit     int
}

// DueKey is an order's place in the SortDue order: overdue ones first,
// then by deadline, soonest first, then by seq. Overdue is decided at
// Filter.Now exactly as Order.Overdue decides it.
type DueKey struct {
	Overdue  bool
	Deadline time.Time
	Seq      int64
}

// Triage decisions.
const (
	TriageIssued    = "issued"
	TriageDismissed = "dismissed"
)

// TriageItem is a volunteer's failed check waiting for the office.
type TriageItem struct {
	Seq         int64
	CheckID     string
	ProjectID   string
	AuthorID    string
	Type        string
	FailedItems []string
	Notes       string
	CapturedAt  time.Time
	SubmittedAt time.Time
}

// TriageDecision is the office's decision on one volunteer check.
type TriageDecision struct {
	CheckID   string
	Decision  string
	Reason    string
	OrderID   string
	DecidedBy string
	DecidedAt time.Time
}

// Transition is the conditional update a lifecycle step makes.
type Transition struct {
	ID                  string
	From, To            Status
	At                  time.Time
	LastResponseAt      *time.Time
	VerificationCheckID string
	ClosedAt            *time.Time
}

// Store is the persistence of orders; internal/store implements it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// NextNumber bumps and returns the year's counter, inside the caller's
	// transaction (which it serialises with every other creation).
	NextNumber(ctx context.Context, year int) (int, error)
	Insert(ctx context.Context, o Order) error
	Get(ctx context.Context, id string) (Order, error)
	// GetMany, EventsOf and ResponsesOf read many orders at once (the
	// phones' sync); ids that do not exist are left out.
	GetMany(ctx context.Context, ids []string) ([]Order, error)
	EventsOf(ctx context.Context, orderIDs []string) (map[string][]Event, error)
	ResponsesOf(ctx context.Context, orderIDs []string) (map[string][]Response, error)
	List(ctx context.Context, f Filter) ([]Order, error)
	// Transition moves an order from t.From to t.To; errs.ErrConflict if it
	// is no longer in t.From (someone else moved it first).
	Transition(ctx context.Context, t Transition) error
	InsertEvent(ctx context.Context, e Event) error
	Events(ctx context.Context, orderID string) ([]Event, error)
	// InsertResponse: an existing id is errs.ErrConflict.
	InsertResponse(ctx context.Context, r Response) error
	Response(ctx context.Context, id string) (Response, error)
	Responses(ctx context.Context, orderID string) ([]Response, error)
	IsResponse(ctx context.Context, id string) (bool, error)
	// OverdueIDs lists open, not yet escalated orders past their deadline.
	OverdueIDs(ctx context.Context, now time.Time, limit int) ([]string, error)
	// MarkEscalated sets escalated_at unless it is set: false when another
	// worker got there first.
	MarkEscalated(ctx context.Context, id string, at time.Time) (bool, error)

	TriageQueue(ctx context.Context, beforeSeq int64, limit int) ([]TriageItem, error)
	// InsertTriage: a check already decided is errs.ErrConflict.
	InsertTriage(ctx context.Context, d TriageDecision) error
	Triage(ctx context.Context, checkID string) (TriageDecision, error)

	NotifyStore
	DashboardStore
}

// ProjectSource is what orders read of projects (internal/store.Projects).
type ProjectSource interface {
	ProjectByID(ctx context.Context, id string) (projects.Project, error)
	IsAssigned(ctx context.Context, projectID, userID string) (bool, error)
}

// Checks reads checks as the caller may see them (checks.Service), with
// their missing photos.
type Checks interface {
	Get(ctx context.Context, p auth.Principal, id string) (checks.Check, error)
}

// PhotoIndex is what orders read of stored photos (internal/store.Photos).
type PhotoIndex interface {
	StoredPhotoIDs(ctx context.Context, parentIDs []string) (map[string][]string, error)
	ListByParents(ctx context.Context, parentIDs []string) (map[string][]photos.Photo, error)
}

// Uploader stores photos through the one pipeline (photos.Service).
type Uploader interface {
	Upload(ctx context.Context, p auth.Principal, in photos.UploadInput) (photos.Photo, bool, error)
}

// Auditor records writes in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// Jobs is the durable queue webhook deliveries ride on.
type Jobs interface {
	Enqueue(ctx context.Context, j jobs.Job, now time.Time) error
}
