package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Options are the order settings. Zero values take the documented defaults
// (see withDefaults); cmd/fieldproof reads them from the environment.
type Options struct {
	// Deadline per severity when the issuer names none: minor 30 days,
	// major 14 days, critical 3 days.
	DeadlineMinor, DeadlineMajor, DeadlineCritical time.Duration
	// EscalationInterval is how often each replica looks for overdue orders
	// (default 5 minutes). Escalation is exactly-once whatever the number
	// of replicas, so this only bounds how late it comes.
	EscalationInterval time.Duration
	// NumberZone decides which year an order is numbered in (default UTC).
	NumberZone *time.Location
	// NumberPrefix begins every order number (default "ZG").
	NumberPrefix string
	// WebhookTimeout bounds each outbound POST (default 10 seconds).
	WebhookTimeout time.Duration
	// WebhookMaxAttempts before a delivery is left failed (default 8);
	// retries back off exponentially from WebhookBackoffBase (default 30
	// seconds) to WebhookBackoffMax (default 1 hour).
	WebhookMaxAttempts                    int
	WebhookBackoffBase, WebhookBackoffMax time.Duration
}

// DefaultOptions are the defaults spelled out.
func DefaultOptions() Options { return Options{}.withDefaults() }

func (o Options) withDefaults() Options {
	day := 24 * time.Hour
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.DeadlineMinor, 30*day)
	set(&o.DeadlineMajor, 14*day)
	set(&o.DeadlineCritical, 3*day)
	set(&o.EscalationInterval, 5*time.Minute)
	set(&o.WebhookTimeout, 10*time.Second)
	set(&o.WebhookBackoffBase, 30*time.Second)
	set(&o.WebhookBackoffMax, time.Hour)
	if o.WebhookMaxAttempts <= 0 {
		o.WebhookMaxAttempts = 8
	}
	if o.NumberZone == nil {
		o.NumberZone = time.UTC
	}
	if o.NumberPrefix == "" {
		o.NumberPrefix = "ZG"
	}
	return o
}

// DefaultDeadline is how long an order of severity s has by default.
func (o Options) DefaultDeadline(s Severity) time.Duration {
	switch s {
	case SeverityCritical:
		return o.DeadlineCritical
	case SeverityMajor:
		return o.DeadlineMajor
	}
	return o.DeadlineMinor
}

// Deps are the service's collaborators.
type Deps struct {
	Store    Store
	Projects ProjectSource
	Checks   Checks
	Photos   PhotoIndex
	Uploader Uploader
	Jobs     Jobs
	Audit    Auditor // nil records nothing
	Options  Options
	// HTTP sends webhooks; nil is a client with Options.WebhookTimeout.
	HTTP *http.Client
	Log  *slog.Logger
	Now  func() time.Time
}

// Service runs rectification orders.
type Service struct {
	d Deps
	o Options
}

// NewService builds the service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	o := d.Options.withDefaults()
	if d.HTTP == nil {
		d.HTTP = &http.Client{Timeout: o.WebhookTimeout}
	}
	return &Service{d: d, o: o}
}

// Options returns the effective settings.
func (s *Service) Options() Options { return s.o }

// now is microsecond UTC: what PostgreSQL keeps, so read-backs compare equal.
func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// NewOrder is what an issuer sends.
type NewOrder struct {
	ProjectID      string
	CheckID        string
	Items          []string
	Defect         string
	Severity       Severity
	RequiredAction string
	Notes          string
	Deadline       *time.Time
}

func (n NewOrder) validate(now time.Time, fromTriage bool) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(!fromTriage && n.ProjectID == "" && n.CheckID == "", "project_id", "required",
		"name the project, or the failed check the order comes from")
	v.Check(strings.TrimSpace(n.Defect) == "", "defect", "required", "describe the defect")
	v.Check(len(n.Defect) > 4000, "defect", "too_long", "at most 4000 characters")
	v.Check(strings.TrimSpace(n.RequiredAction) == "", "required_action", "required", "say what must be done")
	v.Check(len(n.RequiredAction) > 4000, "required_action", "too_long", "at most 4000 characters")
	v.Check(len(n.Notes) > 10000, "notes", "too_long", "at most 10000 characters")
	v.Check(!n.Severity.Valid(), "severity", "invalid", "must be minor, major or critical")
	v.Check(len(n.Items) > 100, "items", "too_many", "at most 100 items")
	v.Check(n.Deadline != nil && !n.Deadline.After(now), "deadline", "in_the_past", "the deadline must be in the future")
	return v.Err()
}

func unprocessable(field, code, msg string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Add(field, code, msg)
	return v.Err()
}

// prepare validates a new order and builds it, without writing anything.
func (s *Service) prepare(ctx context.Context, p auth.Principal, n NewOrder, fromTriage bool) (Order, error) {
	now := s.now()
	if err := n.validate(now, fromTriage); err != nil {
		return Order{}, err
	}
	id, _ := idempotency.DerivedID(ctx, "order")
	o := Order{ID: id, ProjectID: n.ProjectID, Items: n.Items, Defect: strings.TrimSpace(n.Defect),
		Severity: n.Severity, RequiredAction: strings.TrimSpace(n.RequiredAction), Notes: n.Notes,
		Status: StatusIssued, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if n.CheckID != "" {
		c, err := s.d.Checks.Get(ctx, p, n.CheckID)
		if errors.Is(err, errs.ErrNotFound) {
			return Order{}, unprocessable("check_id", "not_found", "no such check")
		} else if err != nil {
			return Order{}, err
		}
		if err := sourceCheck(c, n, fromTriage); err != nil {
			return Order{}, err
		}
		o.ProjectID, o.SourceCheckID = c.ProjectID, c.ID
		if len(o.Items) == 0 {
			o.Items = failedItems(c)
		}
	}
	if o.Items == nil {
		o.Items = []string{}
	}
	proj, err := s.d.Projects.ProjectByID(ctx, o.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Order{}, unprocessable("project_id", "not_found", "no such project")
	} else if err != nil {
		return Order{}, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return Order{}, err
	}
	rel := policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}
	if !policy.CanSeeProject(p, rel) {
		return Order{}, unprocessable("project_id", "not_found", "no such project")
	}
	if err := policy.OrderCreation(p, rel); err != nil {
		return Order{}, err
	}
	o.UnitID = proj.UnitID
	if n.Deadline != nil {
		o.Deadline = n.Deadline.UTC().Truncate(time.Microsecond)
	} else {
		o.Deadline = now.Add(s.o.DefaultDeadline(o.Severity))
	}
	return o, nil
}

// sourceCheck decides whether an order may come from check c.
func sourceCheck(c checks.Check, n NewOrder, fromTriage bool) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	if c.Result != checklists.Fail {
		v.Add("check_id", "check_passed", "an order comes from a failed check")
		return v.Err()
	}
	if c.AuthorRole == auth.RoleVolunteer && !fromTriage {
		v.Add("check_id", "triage_required",
			"a volunteer's report goes to the office's triage first (POST /api/v1/triage/{check_id}/issue)")
		return v.Err()
	}
	v.Check(n.ProjectID != "" && n.ProjectID != c.ProjectID, "project_id", "mismatch", "the check is of another project")
	failed := map[string]bool{}
	for _, k := range failedItems(c) {
		failed[k] = true
	}
	seen := map[string]bool{}
	for i, k := range n.Items {
		f := fmt.Sprintf("items[%d]", i)
		v.Check(!failed[k], f, "not_failed", "not a failed item of the check")
		v.Check(seen[k], f, "duplicate", "named twice")
		seen[k] = true
	}
	return v.Err()
}

func failedItems(c checks.Check) []string {
	out := []string{}
	for _, it := range c.Items {
		if it.Result == checklists.Fail {
			out = append(out, it.Key)
		}
	}
	return out
}

// Create issues an order from a failed check (not a volunteer's: those go
// through triage) or directly on a project.
func (s *Service) Create(ctx context.Context, p auth.Principal, n NewOrder) (Detail, error) {
	o, err := s.prepare(ctx, p, n, false)
	if err != nil {
		return Detail{}, err
	}
	if err := s.d.Store.InTx(ctx, func(ctx context.Context) error { return s.issue(ctx, p, &o) }); err != nil {
		if s.issuedBefore(ctx, p, o, err) {
			return s.Get(ctx, p, o.ID)
		}
		return Detail{}, err
	}
	return s.Get(ctx, p, o.ID)
}

// issuedBefore: the create ran before under the same Idempotency-Key and
// committed, but its answer was never recorded (see
// idempotency.DerivedID), so its order is the answer. The same creator,
// project and source check are required: a key reused for another order
// after a released key stays a conflict.
func (s *Service) issuedBefore(ctx context.Context, p auth.Principal, o Order, err error) bool {
	if _, derived := idempotency.DerivedID(ctx, "order"); !derived || !errors.Is(err, errs.ErrConflict) {
		return false
	}
	prev, gerr := s.d.Store.Get(ctx, o.ID)
	return gerr == nil && prev.CreatedBy == p.UserID && prev.ProjectID == o.ProjectID && prev.SourceCheckID == o.SourceCheckID
}

// issue numbers and stores a prepared order, with its first event, audit
// entry and notifications, in the caller's transaction.
func (s *Service) issue(ctx context.Context, p auth.Principal, o *Order) error {
	year := o.CreatedAt.In(s.o.NumberZone).Year()
	n, err := s.d.Store.NextNumber(ctx, year)
	if err != nil {
		return err
	}
	o.Number = fmt.Sprintf("%s-%d-%04d", s.o.NumberPrefix, year, n)
	if err := s.d.Store.Insert(ctx, *o); err != nil {
		return err
	}
	if err := s.d.Store.InsertEvent(ctx, Event{OrderID: o.ID, Action: ActIssue, To: StatusIssued, ActorID: p.UserID,
		ActorRole: p.Role, CheckID: o.SourceCheckID, At: o.CreatedAt}); err != nil {
		return err
	}
	if err := s.notify(ctx, EventIssued, *o, Audience{UnitContractors: o.UnitID, Except: p.UserID}, o.CreatedAt); err != nil {
		return err
	}
	// Last: appending to the audit chain takes its turn and holds it until
	// the commit, so nothing else should run after it.
	return s.audit(ctx, p, "order.issue", o.ID, map[string]any{"number": o.Number, "project_id": o.ProjectID,
		"unit_id": o.UnitID, "source_check_id": o.SourceCheckID, "items": o.Items, "severity": o.Severity,
		"deadline": o.Deadline})
}

func (s *Service) audit(ctx context.Context, p auth.Principal, action, id string, changes any) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, p, action, "order", id, changes)
}

// access loads an order and the caller's relation to it. Callers who may
// not see it get not-found, as if it did not exist.
func (s *Service) access(ctx context.Context, p auth.Principal, id string) (Order, projects.Project, policy.OrderRelation, error) {
	o, err := s.d.Store.Get(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Order{}, projects.Project{}, policy.OrderRelation{}, errs.NotFound("order")
	} else if err != nil {
		return Order{}, projects.Project{}, policy.OrderRelation{}, err
	}
	proj, err := s.d.Projects.ProjectByID(ctx, o.ProjectID)
	if err != nil {
		return Order{}, projects.Project{}, policy.OrderRelation{}, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return Order{}, projects.Project{}, policy.OrderRelation{}, err
	}
	rel := policy.OrderRelation{Project: policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}, UnitID: o.UnitID}
	if !policy.CanSeeOrder(p, rel) {
		return Order{}, projects.Project{}, policy.OrderRelation{}, errs.NotFound("order")
	}
	return o, proj, rel, nil
}

// authorize is access plus the policy's word on action a.
func (s *Service) authorize(ctx context.Context, p auth.Principal, id string, a policy.Action) (Order, error) {
	o, _, rel, err := s.access(ctx, p, id)
	if err != nil {
		return Order{}, err
	}
	if err := policy.Order(p, a, rel); err != nil {
		return Order{}, err
	}
	return o, nil
}

func levelOf(v policy.OrderView) ViewLevel {
	switch v {
	case policy.OrderViewFull:
		return ViewFull
	case policy.OrderViewUnit:
		return ViewUnit
	}
	return ViewStatus
}

// Get returns an order with its timeline and, for those who may see them,
// its responses and their photos.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Detail, error) {
	o, _, rel, err := s.access(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Order: o, View: levelOf(policy.OrderViewOf(p, rel)), Now: s.now(), Actions: actionsFor(p, o, rel)}
	if d.Events, err = s.d.Store.Events(ctx, o.ID); err != nil {
		return Detail{}, err
	}
	if policy.Order(p, policy.ViewResponsePhoto, rel) != nil {
		return d, nil
	}
	one := map[string]Detail{o.ID: d}
	if err := s.withResponses(ctx, one, []string{o.ID}); err != nil {
		return Detail{}, err
	}
	return one[o.ID], nil
}

func missing(announced, stored []string) []string {
	have := map[string]bool{}
	for _, id := range stored {
		have[id] = true
	}
	out := []string{}
	for _, id := range announced {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}
