package monthly

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Options are the cycle's settings (config.MonthlyConfig).
type Options struct {
	// DueDay is the day of the month reports are due (a later day than
	// the month has means its last day).
	DueDay int
	// Zone is the county's zone: months, due days and photo capture times
	// are read in it.
	Zone *time.Location
	// PointRadiusM: a photo whose own GPS is farther from its point is
	// off_point.
	PointRadiusM float64
	// JumpShare: a figure that grows by more than this share of the
	// target in one month is a jump.
	JumpShare float64
	// ReminderInterval is how often the reminder loop looks (0: never).
	ReminderInterval time.Duration
}

// Deps are the service's collaborators.
type Deps struct {
	Store      Store
	Projects   ProjectSource
	Indicators Indicators
	Photos     PhotoIndex
	Uploader   Uploader // nil refuses photo uploads (503)
	Notifier   Notifier // nil sends no reminders
	Audit      Auditor  // nil records nothing
	Log        *slog.Logger
	Now        func() time.Time
	Options    Options
}

// Service runs the monthly cycle.
type Service struct {
	d Deps
	o Options
}

// NewService builds the service with defaults for unset options.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	o := d.Options
	if o.DueDay <= 0 {
		o.DueDay = 28
	}
	if o.Zone == nil {
		o.Zone, _ = time.LoadLocation("Asia/Shanghai")
		if o.Zone == nil {
			o.Zone = time.FixedZone("CST", 8*3600)
		}
	}
	if o.PointRadiusM <= 0 {
		o.PointRadiusM = 50
	}
	if o.JumpShare <= 0 {
		o.JumpShare = 0.3
	}
	d.Options = o
	return &Service{d: d, o: o}
}

// Options returns the settings in force.
func (s *Service) Options() Options { return s.o }

func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// project loads a project and the caller's relation to it. A project the
// caller may not see is, to them, no project (not found).
func (s *Service) project(ctx context.Context, p auth.Principal, id string) (projects.Project, policy.ProjectRelation, error) {
	proj, err := s.d.Projects.ProjectByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return projects.Project{}, policy.ProjectRelation{}, errs.NotFound("project")
	} else if err != nil {
		return projects.Project{}, policy.ProjectRelation{}, err
	}
	assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
	if err != nil {
		return projects.Project{}, policy.ProjectRelation{}, err
	}
	rel := policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}
	if !policy.CanSeeProject(p, rel) {
		return projects.Project{}, policy.ProjectRelation{}, errs.NotFound("project")
	}
	return proj, rel, nil
}

// authorize loads a report and asks the policy whether p may do a on it;
// a report the caller may not see is not found.
func (s *Service) authorize(ctx context.Context, p auth.Principal, id string, a policy.Action, lock bool) (Report, projects.Project, error) {
	load := s.d.Store.Report
	if lock {
		load = s.d.Store.LockReport
	}
	r, err := load(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Report{}, projects.Project{}, errs.NotFound("report")
	} else if err != nil {
		return Report{}, projects.Project{}, err
	}
	proj, rel, err := s.project(ctx, p, r.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Report{}, projects.Project{}, errs.NotFound("report")
	} else if err != nil {
		return Report{}, projects.Project{}, err
	}
	if err := policy.Monthly(p, a, rel); err != nil {
		return Report{}, projects.Project{}, err
	}
	return r, proj, nil
}

func (s *Service) audit(ctx context.Context, p auth.Principal, action, entity, id string, changes any) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, p, action, entity, id, changes)
}

// unprocessable is a 422 naming one field.
func unprocessable(field, code, msg string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Add(field, code, msg)
	return v.Err()
}
