package checks

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Deps are the service's collaborators and settings.
type Deps struct {
	Store     Store
	Projects  ProjectSource
	Templates Templates
	Photos    PhotoIndex
	Audit     Auditor // nil records nothing
	// Tasks links inspections to campaign tasks; nil refuses task_id.
	Tasks TaskLinker
	// Thresholds decide low_accuracy and late_submission.
	Thresholds Thresholds
	// FutureAllowance is how far ahead of the server a phone clock may run.
	FutureAllowance time.Duration
	Now             func() time.Time
}

// Service files and reads checks.
type Service struct{ d Deps }

// NewService builds the service; a nil Now means time.Now.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// Create files a check. created is false when the same id and body were
// filed before: the phone lost the first answer and retried, so the stored
// check is answered and nothing new is made. The same id with another body
// is a conflict (a client bug or a reused UUID), never an overwrite.
func (s *Service) Create(ctx context.Context, p auth.Principal, n NewCheck) (c Check, created bool, err error) {
	now := s.now()
	if err := n.Validate(now, s.d.FutureAllowance); err != nil {
		return Check{}, false, err
	}
	hash, err := n.Hash()
	if err != nil {
		return Check{}, false, err
	}
	if prev, err := s.d.Store.Get(ctx, n.ID); err == nil {
		return s.replay(ctx, p, prev, hash)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Check{}, false, err
	}

	proj, err := s.d.Projects.ProjectByID(ctx, n.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Check{}, false, noProject()
	} else if err != nil {
		return Check{}, false, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return Check{}, false, err
	}
	rel := policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}
	if !policy.CanSeeProject(p, rel) {
		// A project the caller may not see answers as one that does not
		// exist, so filing cannot probe which ids are real.
		return Check{}, false, noProject()
	}
	if err := policy.CheckFiling(p, rel, n.Type); err != nil {
		return Check{}, false, err
	}
	c, err = s.judge(ctx, n, proj, now)
	if err != nil {
		return Check{}, false, err
	}
	c.RequestHash, c.AuthorID, c.AuthorRole, c.TaskID = hash, p.UserID, p.Role, n.TaskID
	if n.TaskID != "" && s.d.Tasks == nil {
		return Check{}, false, unprocessable("task_id", "unsupported", "campaign tasks are not available")
	}
	if n.Supersedes != "" {
		old, err := s.d.Store.Get(ctx, n.Supersedes)
		if err == nil {
			// Another's check the caller may not see is, to them, no check.
			var rel policy.CheckRelation
			if rel, _, err = s.relation(ctx, p, old); err == nil && !policy.CanSeeCheck(p, rel) {
				err = errs.ErrNotFound
			}
		}
		if errors.Is(err, errs.ErrNotFound) {
			return Check{}, false, unprocessable("supersedes", "not_found", "no such check")
		} else if err != nil {
			return Check{}, false, err
		}
		if err := amends(p, n, old); err != nil {
			return Check{}, false, err
		}
		c.Supersedes = old.ID
	}

	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.Insert(ctx, c); err != nil {
			return err
		}
		if c.Supersedes != "" {
			if err := s.d.Store.MarkSuperseded(ctx, c.Supersedes, c.ID); errors.Is(err, errs.ErrConflict) {
				return errAlreadyAmended
			} else if err != nil {
				return err
			}
			// The old check's state changed too: an entry of its own puts it
			// in the phones' change feed (/sync), so the author's phone stops
			// showing it as returned.
			if err := s.record(ctx, p, "check.supersede", SubjectCheck, c.Supersedes,
				map[string]any{"superseded_by": c.ID}); err != nil {
				return err
			}
		}
		if c.TaskID != "" {
			if err := s.d.Tasks.Link(ctx, p, c.TaskID, c); err != nil {
				return linkError{err}
			}
		}
		return s.audit(ctx, p, c)
	})
	var le linkError
	if errors.As(err, &le) {
		return Check{}, false, le.err
	}
	if errors.Is(err, errAlreadyAmended) {
		return Check{}, false, errs.Conflict("already_amended", "another check already amended that one")
	}
	if errors.Is(err, errs.ErrConflict) {
		// Two retries raced past the lookup above; the loser answers what
		// the winner stored.
		prev, gerr := s.d.Store.Get(ctx, n.ID)
		if gerr != nil {
			return Check{}, false, gerr
		}
		return s.replay(ctx, p, prev, hash)
	}
	if err != nil {
		return Check{}, false, err
	}
	cs := []Check{c}
	if err := withMissing(ctx, s.d.Photos, cs); err != nil {
		return Check{}, false, err
	}
	return cs[0], true, nil
}

// replay answers a retry, or refuses an id already used for something else.
func (s *Service) replay(ctx context.Context, p auth.Principal, prev Check, hash string) (Check, bool, error) {
	if prev.AuthorID != p.UserID || prev.RequestHash != hash {
		return Check{}, false, &errs.Error{Kind: errs.KindConflict, Code: "id_reused",
			Message: "a different check was already filed with this id; make a new UUID for a new check",
			Fields:  []errs.FieldError{{Field: "id", Code: "id_reused", Message: "already used"}}}
	}
	cs := []Check{prev}
	if err := withMissing(ctx, s.d.Photos, cs); err != nil {
		return Check{}, false, err
	}
	return cs[0], false, nil
}

// judge turns a request into a check: the template's verdict on each
// answer, the flags and the placement on the road. The client sends none of
// these; it cannot set them.
func (s *Service) judge(ctx context.Context, n NewCheck, proj projects.Project, now time.Time) (Check, error) {
	t := checklists.Type(n.Type)
	if !t.Valid() {
		return Check{}, unprocessable("type", "unknown", "not a checklist type")
	}
	tpl, err := s.d.Templates.Get(ctx, t, n.TemplateVersion)
	if errors.Is(err, errs.ErrNotFound) {
		return Check{}, unprocessable("template_version", "unknown",
			"this checklist has no such version")
	} else if err != nil {
		return Check{}, err
	}
	ev, err := checklists.Evaluate(tpl.Template, n.Answers)
	if err != nil {
		return Check{}, err
	}
	announced, err := announcedPhotos(tpl.Template, n)
	if err != nil {
		return Check{}, err
	}
	site := Site{Route: proj.Route, GeofenceM: float64(proj.GeofenceM)}
	if proj.Location != nil {
		site.Point = &geo.Point{Lat: proj.Location.Lat, Lon: proj.Location.Lon}
	}
	flags, place := Assess(n.Location, site, n.CapturedAt, now, s.d.Thresholds)
	return Check{
		ID: n.ID, ProjectID: proj.ID, Type: t, TemplateVersion: tpl.Version, Answers: n.Answers,
		Items: ev.Items, Result: ev.Result, Notes: n.Notes, Location: n.Location, CapturedAt: n.CapturedAt,
		Flags: flags, Placement: place, PhotoIDs: announced,
		// Microseconds: what PostgreSQL keeps, so a read-back equals this.
		CreatedAt: now.Truncate(time.Microsecond),
	}, nil
}

// announcedPhotos joins photo_ids with the photos named by photo items: the
// phone uploads all of them, and the check is incomplete until it has.
func announcedPhotos(t checklists.Template, n NewCheck) ([]string, error) {
	out := append([]string(nil), n.PhotoIDs...)
	seen := map[string]bool{}
	for _, id := range out {
		seen[id] = true
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	for _, id := range checklists.PhotoIDs(t, n.Answers) {
		v.Check(!isUUID(id), "answers", "invalid_photo_id", "photo items list client photo UUIDs")
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > MaxPhotos {
		v.Add("photo_ids", "too_many", "a check carries at most 50 photos")
	}
	return out, v.Err()
}

func (s *Service) audit(ctx context.Context, p auth.Principal, c Check) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, p, "check.file", "check", c.ID, map[string]any{
		"project_id": c.ProjectID, "type": c.Type, "template_version": c.TemplateVersion,
		"result": c.Result, "flags": c.Flags, "photo_ids": c.PhotoIDs, "supersedes": c.Supersedes,
	})
}

// authorize loads a check and asks the policy whether p may do a. Callers
// who may not see it get not-found, as if it did not exist.
func (s *Service) authorize(ctx context.Context, p auth.Principal, id string, a policy.Action) (Check, projects.Project, error) {
	c, err := s.d.Store.Get(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Check{}, projects.Project{}, errs.NotFound("check")
	} else if err != nil {
		return Check{}, projects.Project{}, err
	}
	rel, proj, err := s.relation(ctx, p, c)
	if err != nil {
		return Check{}, projects.Project{}, err
	}
	if !policy.CanSeeCheck(p, rel) {
		return Check{}, projects.Project{}, errs.NotFound("check")
	}
	if err := policy.Check(p, a, rel); err != nil {
		return Check{}, projects.Project{}, err
	}
	return c, proj, nil
}

// noProject answers both an unknown project and one the caller may not
// see, in the same words.
func noProject() error { return unprocessable("project_id", "not_found", "no such project") }

// relation is how p stands to c, as the policy reads it: the one source
// for authorize and for a superseded check's visibility.
func (s *Service) relation(ctx context.Context, p auth.Principal, c Check) (policy.CheckRelation, projects.Project, error) {
	proj, err := s.d.Projects.ProjectByID(ctx, c.ProjectID)
	if err != nil {
		return policy.CheckRelation{}, projects.Project{}, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return policy.CheckRelation{}, projects.Project{}, err
	}
	return policy.CheckRelation{Project: policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}, AuthorID: c.AuthorID}, proj, nil
}

// Get returns one check the caller may see, with its missing photos.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Check, error) {
	c, _, err := s.authorize(ctx, p, id, policy.ViewCheck)
	if err != nil {
		return Check{}, err
	}
	cs := []Check{c}
	if err := withMissing(ctx, s.d.Photos, cs); err != nil {
		return Check{}, err
	}
	return cs[0], nil
}

// errAlreadyAmended tells the loser of two amendments racing for one
// returned check from a retry of the same check (both fail the insert or
// the link with a conflict).
var errAlreadyAmended = errors.New("checks: already amended")

// linkError carries the task linker's refusal out of the transaction
// untouched: its conflict (task_done) must not be taken for the insert race
// of a retried check below. It deliberately does not unwrap.
type linkError struct{ err error }

func (e linkError) Error() string { return "link task: " + e.err.Error() }

// unprocessable is a 422 naming one field.
func unprocessable(field, code, msg string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Add(field, code, msg)
	return v.Err()
}
