package projects

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/org"
)

// Store is what the projects service needs from persistence. Methods called
// with the ctx that InTx hands to fn join its transaction.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// InsertProjects inserts one or many projects; a taken code is an
	// errs.ErrConflict.
	InsertProjects(ctx context.Context, ps []Project) error
	// ProjectByID loads a project with its route and the names of its
	// township and unit.
	ProjectByID(ctx context.Context, id string) (Project, error)
	// LockProject is ProjectByID that also locks the row until the
	// transaction ends, so read-modify-write changes do not lose updates.
	LockProject(ctx context.Context, id string) (Project, error)
	// UpdateProject writes every mutable column (all but id, code,
	// created_by, created_at).
	UpdateProject(ctx context.Context, p Project) error
	// ExistingCodes returns which of codes are already used.
	ExistingCodes(ctx context.Context, codes []string) ([]string, error)
	// ProjectsByIDs loads the projects of ids that exist, with routes.
	ProjectsByIDs(ctx context.Context, ids []string) ([]Project, error)
	// AssignmentsOf lists the assignments of each project.
	AssignmentsOf(ctx context.Context, projectIDs []string) (map[string][]Assignment, error)
	// ListProjects returns up to f.Limit projects ordered by code, without
	// their routes.
	ListProjects(ctx context.Context, f Filter) ([]Project, error)

	InsertProgress(ctx context.Context, r ProgressReport) error
	// LatestProgress returns the newest report by date, then creation;
	// errs.ErrNotFound when there is none.
	LatestProgress(ctx context.Context, projectID string) (ProgressReport, error)
	// ListProgress returns reports newest first.
	ListProgress(ctx context.Context, projectID string, limit int) ([]ProgressReport, error)

	IsAssigned(ctx context.Context, projectID, userID string) (bool, error)
	// Assignee reads what assignment needs to know of a user.
	Assignee(ctx context.Context, userID string) (Assignee, error)
	Assignment(ctx context.Context, projectID, userID string) (Assignment, error)
	// SaveAssignment inserts or replaces (project, user).
	SaveAssignment(ctx context.Context, a Assignment) error
	CountAssigned(ctx context.Context, projectID string, role auth.Role) (int, error)
	// DeleteAssignment reports whether there was one to delete.
	DeleteAssignment(ctx context.Context, projectID, userID string) (bool, error)
	ListAssignments(ctx context.Context, projectID string) ([]Assignment, error)

	IndicatorStore
	IndicatorEditStore
	StatusHistoryStore
}

// OrgResolver turns township and unit names into records, creating new ones
// (org.Service does this).
type OrgResolver interface {
	EnsureTownship(ctx context.Context, name string) (org.Township, error)
	EnsureUnit(ctx context.Context, name string) (org.Unit, error)
}

// Assignee is a user as assignment sees them.
type Assignee struct {
	ID       string
	Role     auth.Role
	BadgeNo  string
	Disabled bool
}

// Assignment puts an inspector or a volunteer on a project. It carries no
// phone number or other contact: volunteers list each other.
type Assignment struct {
	ProjectID   string
	UserID      string
	Username    string
	DisplayName string
	Role        auth.Role
	BadgeNo     string
	AssignedBy  string
	CreatedAt   time.Time
}

// IndicatorStore keeps assessment indicators and their dated figures.
type IndicatorStore interface {
	InsertIndicators(ctx context.Context, inds []Indicator) error
	// IndicatorsOf returns each project's indicators by position.
	IndicatorsOf(ctx context.Context, projectIDs []string) (map[string][]Indicator, error)
	// UpdateIndicator writes every mutable column.
	UpdateIndicator(ctx context.Context, ind Indicator) error
	// InsertIndicatorValue records a figure unless one from the same
	// (indicator, source, source id) exists; it reports whether it did.
	InsertIndicatorValue(ctx context.Context, v DatedValue) (bool, error)
	// IndicatorValuesAsOf returns, per indicator id, the latest figure
	// dated on or before day.
	IndicatorValuesAsOf(ctx context.Context, projectIDs []string, day time.Time) (map[string]DatedValue, error)
	// ProjectsWithoutBasis lists up to limit projects whose row has no
	// ScheduleBasis yet; SetBasisIfMissing writes one unless the row got
	// one meanwhile.
	ProjectsWithoutBasis(ctx context.Context, limit int) ([]string, error)
	SetBasisIfMissing(ctx context.Context, projectID string, inds []Indicator) error
}

// IndicatorEditStore is what editing indicators needs beyond IndicatorStore.
type IndicatorEditStore interface {
	// IndicatorByID loads one indicator; errs.ErrNotFound when absent.
	IndicatorByID(ctx context.Context, id string) (Indicator, error)
	// CountIndicatorValues counts an indicator's recorded figures.
	CountIndicatorValues(ctx context.Context, indicatorID string) (int64, error)
	// DeleteIndicator removes an indicator that has no figures.
	DeleteIndicator(ctx context.Context, id string) error
}
