package checks

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Subjects of a flag decision.
const (
	SubjectCheck = "check"
	SubjectPhoto = "photo"
)

// Decisions the office takes on a flag.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// Decision is the office's verdict on a flagged check or photo.
type Decision struct {
	SubjectKind string
	SubjectID   string
	CheckID     string
	Decision    string
	Reason      string
	DecidedBy   string
	DecidedAt   time.Time
}

// Pending is one flagged subject of a check still to decide.
type Pending struct {
	Kind  string // check or photo
	ID    string
	Flags []string
}

// QueueItem is a check in the review queue with what is still to decide.
type QueueItem struct {
	Check   Check
	Pending []Pending
}

// QueuePage is one page of the review queue.
type QueuePage struct {
	Items []QueueItem
	Next  string
}

// Return sends a check back to its author with a note. The author's phone
// sees it as returned (GET /checks?state=returned) and files an amended
// check naming it in supersedes.
func (s *Service) Return(ctx context.Context, p auth.Principal, id, note string) (Check, error) {
	c, _, err := s.authorize(ctx, p, id, policy.ViewCheck)
	if err != nil {
		return Check{}, err
	}
	if err := policy.ReviewChecks(p); err != nil {
		return Check{}, err
	}
	note = strings.TrimSpace(note)
	if note == "" || len(note) > 4000 {
		return Check{}, unprocessable("note", "required", "say what the author must correct (at most 4000 characters)")
	}
	r := Return{Note: note, By: p.UserID, At: s.now().Truncate(time.Microsecond)}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.MarkReturned(ctx, c.ID, r); err != nil {
			return err
		}
		return s.record(ctx, p, "check.return", SubjectCheck, c.ID, map[string]any{"note": note})
	})
	if errors.Is(err, errs.ErrConflict) {
		return Check{}, errs.Conflict("check_not_returnable", "this check was already returned or has been superseded")
	}
	if err != nil {
		return Check{}, err
	}
	return s.Get(ctx, p, id)
}

// amends checks that n may supersede old: the author's own returned check
// on the same project and of the same type, not yet amended.
func amends(p auth.Principal, n NewCheck, old Check) error {
	switch {
	case old.AuthorID != p.UserID:
		return unprocessable("supersedes", "not_yours", "only the author of a returned check amends it")
	case old.Return == nil:
		return unprocessable("supersedes", "not_returned", "that check was not returned for correction")
	case old.SupersededBy != "":
		return unprocessable("supersedes", "already_amended", "that check was already amended")
	case old.ProjectID != n.ProjectID || string(old.Type) != n.Type:
		return unprocessable("supersedes", "mismatch", "an amendment is a check of the same type on the same project")
	}
	return nil
}

// Decide records the office's decision on a flagged check or photo.
func (s *Service) Decide(ctx context.Context, p auth.Principal, kind, id, decision, reason string) (Decision, error) {
	if err := policy.ReviewChecks(p); err != nil {
		return Decision{}, err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(decision != Accepted && decision != Rejected, "decision", "invalid", "must be accepted or rejected")
	reason = strings.TrimSpace(reason)
	v.Check(reason == "" || len(reason) > 4000, "reason", "required", "give the reason (at most 4000 characters)")
	if err := v.Err(); err != nil {
		return Decision{}, err
	}
	checkID, flags := id, []string(nil)
	if kind == SubjectPhoto {
		var err error
		checkID, flags, err = s.d.Store.PhotoSubject(ctx, id)
		if errors.Is(err, errs.ErrNotFound) {
			return Decision{}, errs.NotFound("photo")
		} else if err != nil {
			return Decision{}, err
		}
	}
	c, _, err := s.authorize(ctx, p, checkID, policy.ViewCheck)
	if err != nil {
		return Decision{}, err
	}
	if kind == SubjectCheck {
		flags = c.Flags
	}
	if len(flags) == 0 {
		return Decision{}, errs.Conflict("not_flagged", "there is no flag to decide on")
	}
	d := Decision{SubjectKind: kind, SubjectID: id, CheckID: c.ID, Decision: decision, Reason: reason,
		DecidedBy: p.UserID, DecidedAt: s.now().Truncate(time.Microsecond)}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertDecision(ctx, d); err != nil {
			return err
		}
		return s.record(ctx, p, "flag."+decision, kind, id, map[string]any{"check_id": c.ID,
			"flags": flags, "reason": reason})
	})
	if errors.Is(err, errs.ErrConflict) {
		return Decision{}, errs.Conflict("already_decided", "the office already decided on this; decisions are final")
	}
	return d, err
}

// QueueQuery is what a caller may ask of the review queue; empty fields do
// not filter. Township and Unit are names, as the project list takes them.
// Errors name the fields as the HTTP query parameters do.
type QueueQuery struct {
	// Flag keeps checks with that flag still to decide, on the check or on
	// one of its photos.
	Flag                                string
	ProjectID, Township, Unit, AuthorID string
	// From and To bound captured_at: From inclusive, To exclusive.
	From, To *time.Time
	Cursor   string
	Limit    *int
}

// QueueFilter is a validated QueueQuery, for the store.
type QueueFilter struct {
	// Flag is a check flag, PhotoFlag a photo flag (at most one is set).
	Flag, PhotoFlag                     string
	ProjectID, Township, Unit, AuthorID string
	// CheckID keeps one check (PendingFor); the API does not offer it.
	CheckID   string
	From, To  *time.Time
	BeforeSeq int64
	Limit     int
}

func (q QueueQuery) filter() (QueueFilter, error) {
	lf, err := ListQuery{Flag: q.Flag, From: q.From, To: q.To, Cursor: q.Cursor, Limit: q.Limit}.filter()
	if err != nil {
		return QueueFilter{}, err
	}
	return QueueFilter{Flag: lf.Flag, PhotoFlag: lf.PhotoFlag, ProjectID: q.ProjectID, Township: q.Township,
		Unit: q.Unit, AuthorID: q.AuthorID, From: lf.From, To: lf.To, BeforeSeq: lf.BeforeSeq, Limit: lf.Limit}, nil
}

// ReviewQueue lists flagged checks and photos still to decide, newest first.
// The queue is the office's (policy.ReviewChecks): it sees every check, so
// the filters narrow it and never widen anyone's scope.
func (s *Service) ReviewQueue(ctx context.Context, p auth.Principal, q QueueQuery) (QueuePage, error) {
	if err := policy.ReviewChecks(p); err != nil {
		return QueuePage{}, err
	}
	f, err := q.filter()
	if err != nil {
		return QueuePage{}, err
	}
	want := f.Limit
	f.Limit++ // one more tells whether there is a next page
	items, err := s.d.Store.ReviewQueue(ctx, f)
	if err != nil {
		return QueuePage{}, err
	}
	var pg QueuePage
	if len(items) > want {
		items = items[:want]
		pg.Next = keyset.Encode(items[want-1].Check.Seq)
	}
	cs := make([]Check, len(items))
	for i := range items {
		cs[i] = items[i].Check
	}
	if err := withMissing(ctx, s.d.Photos, cs); err != nil {
		return QueuePage{}, err
	}
	for i := range items {
		items[i].Check = cs[i]
	}
	pg.Items = items
	return pg, nil
}

// PendingFor is what is still to decide on one check and its photos (its
// row of the review queue); empty when nothing is. Office and admin, as
// the queue.
func (s *Service) PendingFor(ctx context.Context, p auth.Principal, id string) ([]Pending, error) {
	if err := policy.ReviewChecks(p); err != nil {
		return nil, err
	}
	items, err := s.d.Store.ReviewQueue(ctx, QueueFilter{CheckID: id, Limit: 1})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return items[0].Pending, nil
}

// QueueFlags are the flags the review queue filters on, check flags first.
func QueueFlags() []string {
	return []string{FlagOffSite, FlagLowAccuracy, FlagLateSubmission, "gps_mismatch", "time_mismatch", "duplicate",
		"possible_reuse", "no_exif", "no_capture_metadata", "undecodable"}
}

func (s *Service) record(ctx context.Context, p auth.Principal, action, entity, id string, changes any) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, p, action, entity, id, changes)
}
