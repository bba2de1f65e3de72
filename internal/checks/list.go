package checks

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// List page sizes.
const (
	DefaultLimit = keyset.DefaultLimit
	MaxLimit     = keyset.MaxLimit
)

// Flags a list can filter on: the check's own and its photos'.
var listFlags = map[string]bool{
	FlagOffSite: true, FlagLowAccuracy: true, FlagLateSubmission: true,
	"no_exif": true, "no_capture_metadata": true, "gps_mismatch": true, "time_mismatch": true, "duplicate": true,
	"possible_reuse": true, "undecodable": true,
}

// photoFlags are raised on photos; a check "has" one when any of its
// photos does.
var photoFlags = map[string]bool{
	"no_exif": true, "no_capture_metadata": true, "gps_mismatch": true, "time_mismatch": true, "duplicate": true,
	"possible_reuse": true, "undecodable": true,
}

// ListQuery is what a caller may ask of a check list; empty fields do not
// filter. Errors name the fields as the HTTP query parameters do.
type ListQuery struct {
	ProjectID string
	Type      string
	Result    string
	Flag      string
	AuthorID  string
	// State is filed, returned or superseded.
	State string
	// From and To bound captured_at: From inclusive, To exclusive.
	From, To *time.Time
	Cursor   string
	Limit    *int
}

// Filter is a validated ListQuery plus the caller's scope, for the store.
type Filter struct {
	ProjectID, Type, Result, AuthorID, State string
	// Flag is a check flag; PhotoFlag a photo flag (at most one is set).
	Flag, PhotoFlag string
	From, To        *time.Time
	// BeforeSeq pages: only checks older than the last one seen.
	BeforeSeq int64
	Limit     int
	// Scope: policy.CheckListScope, the rule single reads use too.
	Scope policy.CheckScope
}

// Page is one page of a list; Next is empty on the last page.
type Page struct {
	Checks []Check
	Next   string
}

func (q ListQuery) filter() (Filter, error) {
	v := errs.NewValidation(errs.KindInvalid)
	f := Filter{ProjectID: q.ProjectID, Type: q.Type, Result: q.Result, AuthorID: q.AuthorID, State: q.State,
		From: q.From, To: q.To}
	v.Check(q.State != "" && q.State != StateFiled && q.State != StateReturned && q.State != StateSuperseded,
		"state", "invalid", "must be filed, returned or superseded")
	v.Check(q.Type != "" && !checklists.Type(q.Type).Valid(), "type", "invalid", "not a checklist type")
	v.Check(q.Result != "" && q.Result != string(checklists.Pass) && q.Result != string(checklists.Fail),
		"result", "invalid", "must be pass or fail")
	switch {
	case q.Flag == "":
	case !listFlags[q.Flag]:
		v.Add("flag", "invalid", "not a flag")
	case photoFlags[q.Flag]:
		f.PhotoFlag = q.Flag
	default:
		f.Flag = q.Flag
	}
	v.Check(q.From != nil && q.To != nil && !q.From.Before(*q.To), "to", "invalid", "must be after from")
	f.BeforeSeq, f.Limit = keyset.Args(v, q.Cursor, q.Limit)
	return f, v.Err()
}

// List returns the checks the caller may see that match q, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	f, err := q.filter()
	if err != nil {
		return Page{}, err
	}
	f.Scope = policy.CheckListScope(p)
	if f.Scope.None() {
		return Page{}, nil
	}
	return s.page(ctx, f)
}

// ListForProject lists one project's checks: 404 for a caller who cannot
// see the project, and within it the caller's list scope still applies (a
// volunteer sees their own checks).
func (s *Service) ListForProject(ctx context.Context, p auth.Principal, projectID string, q ListQuery) (Page, error) {
	proj, err := s.d.Projects.ProjectByID(ctx, projectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Page{}, errs.NotFound("project")
	} else if err != nil {
		return Page{}, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return Page{}, err
	}
	if !policy.CanSeeProject(p, policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}) {
		return Page{}, errs.NotFound("project")
	}
	q.ProjectID = projectID
	return s.List(ctx, p, q)
}

func (s *Service) page(ctx context.Context, f Filter) (Page, error) {
	want := f.Limit
	f.Limit++ // one more tells whether there is a next page
	cs, err := s.d.Store.List(ctx, f)
	if err != nil {
		return Page{}, err
	}
	var pg Page
	if len(cs) > want {
		cs = cs[:want]
		pg.Next = keyset.Encode(cs[want-1].Seq)
	}
	if err := withMissing(ctx, s.d.Photos, cs); err != nil {
		return Page{}, err
	}
	pg.Checks = cs
	return pg, nil
}
