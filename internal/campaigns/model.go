// Package campaigns runs look-back (回头看, post-completion) campaigns: the
// office selects projects completed before a date, in chosen categories and
// townships, and gets one inspection task per project, which it assigns to
// inspectors. An inspection is a post_completion check filed with the
// task's id (checks.NewCheck.TaskID); this package links it to its task
// inside the check's own transaction (Service.Link implements
// checks.TaskLinker). A failed inspection leads to a rectification order
// like any failed check. Who may do what is asked of internal/policy;
// persistence is behind Store.
package campaigns

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// MaxTasks bounds one campaign: a county has hundreds of projects a year,
// so a selection larger than this is a mistake (no filter at all).
const MaxTasks = 5000

// Campaign is the office's selection and what it produced.
type Campaign struct {
	ID   string
	Seq  int64
	Name string
	// Categories and Townships are the selection as a set (sorted, no
	// duplicates); no townships means every township.
	Categories []projects.Category
	Townships  []string
	// CompletedBefore: a project counts as completed before this date when
	// its status is completed or accepted and its planned_end is on or
	// before it. Projects carry no actual completion date; the planned end
	// of a completed project is the best date the record has (see
	// CompletedStatuses).
	CompletedBefore time.Time // a date: midnight UTC, inclusive
	DueDate         time.Time // a date: midnight UTC, inclusive
	TaskCount       int
	RequestHash     string
	CreatedBy       string
	CreatedAt       time.Time

	// Computed at read time.
	Progress Progress
	Findings *Findings // single reads only
}

// CompletedStatuses are the project statuses a campaign selects.
var CompletedStatuses = []projects.Status{projects.StatusCompleted, projects.StatusAccepted}

// Progress counts a campaign's tasks. Open tasks are due while the due date
// has not passed (today in UTC is on or before it) and overdue after.
type Progress struct {
	Total, Done, Due, Overdue, Unassigned int
}

// Findings are the inspections done, and how many failed, per project
// category and per township (every category and township with a task is
// listed, even with nothing inspected yet).
type Findings struct {
	Inspected, Failed int
	ByCategory        []Finding
	ByTownship        []Finding
}

// Finding is one group of Findings: Key is a category or a township name.
type Finding struct {
	Key                      string
	Tasks, Inspected, Failed int
}

// FindingRow is one (category, township) group as the store counts it.
type FindingRow struct {
	Category                 string
	Township                 string
	Tasks, Inspected, Failed int
}

// NewCampaign is what the office sends. ID is the client's UUID, so a
// retry after a lost answer makes no second campaign. Dates are YYYY-MM-DD.
type NewCampaign struct {
	ID              string
	Name            string
	Categories      []string
	CompletedBefore string
	Townships       []string
	DueDate         string
}

// Task statuses, computed from the task and the campaign's due date.
const (
	TaskDone    = "done"
	TaskDue     = "due"
	TaskOverdue = "overdue"
)

// Task is one project to inspect in a campaign.
type Task struct {
	ID         string
	Seq        int64
	CampaignID string
	ProjectID  string
	// Category and TownshipID are the project's when the campaign was made.
	Category   projects.Category
	TownshipID string
	AssigneeID string
	AssignedBy string
	AssignedAt *time.Time
	// CheckID is the inspection that did the task; DoneAt when it was filed.
	CheckID   string
	DoneAt    *time.Time
	CreatedAt time.Time

	// Read through joins.
	ProjectCode, ProjectName, Township string
	Result                             checklists.Outcome // of the inspection; "" while open
	DueDate                            time.Time          // the campaign's

	// Computed by the service from its clock.
	Status string
}

// ProjectRef is a project a campaign selected.
type ProjectRef struct {
	ID         string
	Category   projects.Category
	TownshipID string
}

// Selection is what the store matches projects on.
type Selection struct {
	Categories      []projects.Category
	TownshipIDs     []string // empty: every township
	CompletedBefore time.Time
	Statuses        []projects.Status
	Limit           int
}

// TaskFilter lists one campaign's tasks for the store.
type TaskFilter struct {
	CampaignID string
	// Done: nil lists all, else done or open tasks only.
	Done *bool
	// Assignee: a user id; Unassigned lists tasks with nobody.
	Assignee   string
	Unassigned bool
	// ScopeOpenOr: the caller sees tasks assigned to this user and tasks
	// assigned to nobody (inspectors).
	ScopeOpenOr string
	AfterSeq    int64
	Limit       int
}

// Completion is what linking an inspection writes on its task.
type Completion struct {
	TaskID  string
	CheckID string
	At      time.Time
	// TakenBy is set when an inspector takes an unassigned task by filing
	// its inspection: the task becomes theirs.
	TakenBy string
}

// Store is what the service needs from persistence. Methods called with
// the ctx InTx hands to fn join its transaction.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// InsertCampaign adds a campaign; a taken id is errs.ErrConflict.
	InsertCampaign(ctx context.Context, c Campaign) error
	Campaign(ctx context.Context, id string) (Campaign, error)
	// ListCampaigns returns up to limit campaigns, newest first.
	ListCampaigns(ctx context.Context, beforeSeq int64, limit int) ([]Campaign, error)
	// TownshipIDs resolves township names; unknown names are absent.
	TownshipIDs(ctx context.Context, names []string) (map[string]string, error)
	// MatchProjects returns the projects a selection picks, by code.
	MatchProjects(ctx context.Context, s Selection) ([]ProjectRef, error)
	InsertTasks(ctx context.Context, ts []Task) error
	// Task loads one task with its joins; lock also locks its row until
	// the transaction ends.
	Task(ctx context.Context, id string, lock bool) (Task, error)
	// ListTasks returns up to f.Limit tasks in creation order.
	ListTasks(ctx context.Context, f TaskFilter) ([]Task, error)
	// AssignTask sets the assignee of an open task; a done task is
	// errs.ErrConflict.
	AssignTask(ctx context.Context, taskID, userID, by string, at time.Time) error
	// CompleteTask links an inspection to an open task; a done one is
	// errs.ErrConflict.
	CompleteTask(ctx context.Context, c Completion) error
	// ReplaceTaskCheck moves a task's link from one inspection to its
	// amendment; errs.ErrConflict when the task no longer holds from.
	ReplaceTaskCheck(ctx context.Context, taskID, from, to string) error
	// Progress counts done, open and unassigned tasks per campaign
	// (Due holds every open task; the service splits due from overdue).
	Progress(ctx context.Context, campaignIDs []string) (map[string]Progress, error)
	Findings(ctx context.Context, campaignID string) ([]FindingRow, error)
	// UserRole reads what assignment needs to know of a user.
	UserRole(ctx context.Context, userID string) (role auth.Role, disabled bool, err error)
}

// Auditor records writes in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}
