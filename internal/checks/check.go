package checks

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Completeness of a check's photo evidence.
const (
	StatusComplete   = "complete"
	StatusIncomplete = "incomplete"
)

// Check is one filed check as stored, with what the server computed.
type Check struct {
	ID              string
	Seq             int64
	ProjectID       string
	Type            checklists.Type
	TemplateVersion int
	Answers         map[string]any
	Items           []checklists.ItemResult
	Result          checklists.Outcome
	Notes           string
	Location        Location
	// CapturedAt is in the phone's own zone (its UTC offset as sent).
	CapturedAt time.Time
	Flags      []string
	Placement  *Placement
	// PhotoIDs are the client photo UUIDs the check announced: those in
	// its photo_ids and those named by its photo items.
	PhotoIDs    []string
	AuthorID    string
	AuthorRole  auth.Role
	RequestHash string
	CreatedAt   time.Time

	// Returned for correction by the office, with its note.
	Return *Return
	// Supersedes is the returned check this one amends; SupersededBy the
	// amendment that replaced this one. Both checks are kept.
	Supersedes, SupersededBy string
	// TaskID is the look-back campaign task this inspection answers.
	TaskID string

	// Computed at read time from the photos stored so far.
	MissingPhotoIDs []string
}

// Return is the office sending a check back to its author.
type Return struct {
	Note string
	By   string
	At   time.Time
}

// Review states of a check.
const (
	StateFiled      = "filed"
	StateReturned   = "returned"
	StateSuperseded = "superseded"
)

// State is filed, returned (waiting for its author's amendment) or
// superseded (amended; kept for the record).
func (c Check) State() string {
	switch {
	case c.SupersededBy != "":
		return StateSuperseded
	case c.Return != nil:
		return StateReturned
	}
	return StateFiled
}

// Status is complete once every announced photo is stored.
func (c Check) Status() string {
	if len(c.MissingPhotoIDs) > 0 {
		return StatusIncomplete
	}
	return StatusComplete
}

// Store is the persistence the service needs; internal/store implements it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// Insert adds a check; an existing id gives errs.ErrConflict.
	Insert(ctx context.Context, c Check) error
	Get(ctx context.Context, id string) (Check, error)
	// GetMany loads the checks of ids that exist, in no particular order.
	GetMany(ctx context.Context, ids []string) ([]Check, error)
	// List returns up to f.Limit checks, newest (highest seq) first.
	List(ctx context.Context, f Filter) ([]Check, error)
	// MarkReturned records a return unless the check was already returned
	// or superseded (errs.ErrConflict).
	MarkReturned(ctx context.Context, id string, r Return) error
	// MarkSuperseded links old to its amendment unless old is already
	// superseded (errs.ErrConflict).
	MarkSuperseded(ctx context.Context, oldID, newID string) error
	// InsertDecision records a flag decision; a subject already decided is
	// errs.ErrConflict.
	InsertDecision(ctx context.Context, d Decision) error
	// PhotoSubject is the check and flag names of one photo.
	PhotoSubject(ctx context.Context, photoID string) (checkID string, flags []string, err error)
	// ReviewQueue lists checks with a check or photo flag not yet decided,
	// newest first, with what is still to decide; up to f.Limit of those
	// matching f.
	ReviewQueue(ctx context.Context, f QueueFilter) ([]QueueItem, error)
}

// ProjectSource is what checks read of projects (internal/store.Projects).
type ProjectSource interface {
	ProjectByID(ctx context.Context, id string) (projects.Project, error)
	IsAssigned(ctx context.Context, projectID, userID string) (bool, error)
}

// Templates gives the template version a check answers.
type Templates interface {
	Get(ctx context.Context, t checklists.Type, version int) (checklists.Stored, error)
}

// TaskLinker links a post-completion inspection to its campaign task
// (internal/campaigns implements it). Link runs inside the check's insert
// transaction, so the check and the task's completion commit together or
// not at all; its refusals (422 on task_id, 409 task_done) are the check's.
type TaskLinker interface {
	Link(ctx context.Context, p auth.Principal, taskID string, c Check) error
}

// Auditor records writes in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}
