package projects

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Options configure the service.
type Options struct {
	// DefaultGeofenceM is the radius (metres) within which a check counts as
	// on site when a project names none; outside 10..50000 it falls back
	// to 300.
	DefaultGeofenceM int
	// MaxVolunteersPerProject caps volunteer supervisors on one project
	// (the county appoints three or four per road); 0 or less: no cap.
	MaxVolunteersPerProject int
	// Audit records every write in the same transaction; nil records nothing.
	Audit Auditor
}

// Auditor is the audit log as the service sees it.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
	RecordAll(ctx context.Context, p auth.Principal, changes []audit.Change) error
}

// audit records a write on a project; call it inside the write's transaction.
func (s *Service) audit(ctx context.Context, p auth.Principal, action, id string, changes any) error {
	if s.opts.Audit == nil {
		return nil
	}
	return s.opts.Audit.Record(ctx, p, action, "project", id, changes)
}

// Service holds the project rules.
type Service struct {
	store Store
	org   OrgResolver
	clock func() time.Time
	opts  Options
}

// NewService builds the service; a nil clock means time.Now.
func NewService(store Store, org OrgResolver, clock func() time.Time, opts Options) *Service {
	if clock == nil {
		clock = time.Now
	}
	return &Service{store: store, org: org, clock: clock, opts: opts}
}

func (s *Service) now() time.Time { return s.clock().UTC() }

func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}

// authorize loads a project and asks the policy whether p may do a to it.
// A caller who may not see the project gets not-found, as if it did not
// exist; one who may see it but not do a gets forbidden. With lock the row
// stays locked until the surrounding transaction ends.
func (s *Service) authorize(ctx context.Context, p auth.Principal, id string, a policy.Action, lock bool) (Project, error) {
	load := s.store.ProjectByID
	if lock {
		load = s.store.LockProject
	}
	proj, err := load(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Project{}, errProjectNotFound()
		}
		return Project{}, err
	}
	assigned, err := s.store.IsAssigned(ctx, id, p.UserID)
	if err != nil {
		return Project{}, err
	}
	rel := policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}
	if !policy.CanSeeProject(p, rel) {
		return Project{}, errProjectNotFound()
	}
	if err := policy.Project(p, a, rel); err != nil {
		return Project{}, err
	}
	return proj, nil
}

// Get returns one project the caller may see.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Project, error) {
	proj, err := s.authorize(ctx, p, id, policy.ViewProject, false)
	if err != nil {
		return Project{}, err
	}
	proj.decorate(s.now())
	return proj, s.attachSchedule(ctx, &proj, s.now())
}

// Create adds a project, creating its township and unit if they are new.
func (s *Service) Create(ctx context.Context, p auth.Principal, np NewProject) (Project, error) {
	if err := policy.Global(p, policy.CreateProject); err != nil {
		return Project{}, err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	d := s.check(np, apiNames, v)
	if err := v.Err(); err != nil {
		return Project{}, err
	}
	proj, err := s.fromDraft(p, d)
	if err != nil {
		return Project{}, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.resolveOrg(ctx, &proj, nil); err != nil {
			return err
		}
		first := firstIndicatorOf(proj)
		proj.ScheduleBasis = []Indicator{first}
		if err := s.store.InsertProjects(ctx, []Project{proj}); err != nil {
			if errors.Is(err, errs.ErrConflict) {
				return codeTaken(proj.Code, err)
			}
			return err
		}
		if err := s.store.InsertIndicators(ctx, []Indicator{first}); err != nil {
			return err
		}
		if err := s.store.InsertStatusChanges(ctx, statusEntries([]Project{proj})); err != nil {
			return err
		}
		return s.audit(ctx, p, "project.create", proj.ID, map[string]any{"code": proj.Code, "name": proj.Name})
	})
	if err != nil {
		return Project{}, err
	}
	proj.decorate(s.now())
	return proj, s.attachSchedule(ctx, &proj, s.now())
}

// orgCache remembers names already resolved during one import.
type orgCache struct{ townships, units map[string]string }

// resolveOrg sets the township and unit ids from their names.
func (s *Service) resolveOrg(ctx context.Context, proj *Project, cache *orgCache) error {
	if cache != nil {
		if id, ok := cache.townships[proj.Township]; ok {
			proj.TownshipID = id
		}
		if id, ok := cache.units[proj.Unit]; ok {
			proj.UnitID = id
		}
	}
	if proj.TownshipID == "" {
		t, err := s.org.EnsureTownship(ctx, proj.Township)
		if err != nil {
			return fmt.Errorf("township %q: %w", proj.Township, err)
		}
		proj.TownshipID, proj.Township = t.ID, t.Name
	}
	if proj.UnitID == "" {
		u, err := s.org.EnsureUnit(ctx, proj.Unit)
		if err != nil {
			return fmt.Errorf("unit %q: %w", proj.Unit, err)
		}
		proj.UnitID, proj.Unit = u.ID, u.Name
	}
	if cache != nil {
		cache.townships[proj.Township] = proj.TownshipID
		cache.units[proj.Unit] = proj.UnitID
	}
	return nil
}

// fromDraft builds a new project record from validated input.
func (s *Service) fromDraft(p auth.Principal, d draft) (Project, error) {
	id, err := newID()
	if err != nil {
		return Project{}, err
	}
	now := s.now()
	proj := Project{ID: id, Code: d.code, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	d.applyTo(&proj)
	proj.refreshSchedule()
	return proj, nil
}

// applyTo copies every editable field of d onto proj. Township and unit ids
// are cleared when the names changed, for resolveOrg to fill.
func (d draft) applyTo(proj *Project) {
	if proj.Township != d.township {
		proj.TownshipID = ""
	}
	if proj.Unit != d.unit {
		proj.UnitID = ""
	}
	proj.Name, proj.Category, proj.Township, proj.Unit = d.name, d.category, d.township, d.unit
	proj.ResponsibleLeader, proj.Contractor = d.leader, d.contractor
	proj.BudgetCents, proj.FundingSource = d.budget, d.funding
	proj.PlannedStart, proj.PlannedEnd = d.start, d.end
	proj.Status = d.status
	proj.TargetQuantity, proj.TargetUnit = d.target, d.targetUnit
	proj.Location, proj.Route, proj.HasRoute = d.location, d.route, len(d.route) > 0
	proj.GeofenceM = d.geofence
}
