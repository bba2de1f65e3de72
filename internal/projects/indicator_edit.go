package projects

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Editing indicators (the office's): a project's first indicator is its
// own target, so its name, unit and target change only through the
// project (PATCH /projects/{id}); its plan, and every other indicator, is
// edited here. Each change recomputes the on-track moments of the
// indicators and of the project, in the change's transaction, and is
// audited there.

// Indicator limits.
const (
	MaxIndicatorName  = 50
	MaxIndicatorUnit  = 20
	MaxPlanPoints     = 120 // ten years of months
	MaxIndicatorCount = 30  // a county's 13 projects carry 19 indicators
)

// NewIndicator is an indicator as the office adds it. Target is a pointer
// so a missing one is reported as missing, not as zero.
type NewIndicator struct {
	Name   string
	Unit   string
	Target *float64
	Plan   []PlanPoint
}

// IndicatorUpdate is a PATCH of an indicator: nil fields stay. Plan set to
// an empty slice returns the indicator to the linear plan.
type IndicatorUpdate struct {
	Name   *string
	Unit   *string
	Target *float64
	Plan   *[]PlanPoint
}

func (u IndicatorUpdate) isEmpty() bool {
	return u.Name == nil && u.Unit == nil && u.Target == nil && u.Plan == nil
}

// indicatorAudit is what the audit log keeps of an indicator: the fields
// the office edits (the value comes from reports, audited there).
type indicatorAudit struct {
	Name   string
	Unit   string
	Target float64
	Plan   []PlanPoint
}

func auditOf(ind Indicator) indicatorAudit {
	return indicatorAudit{Name: ind.Name, Unit: ind.Unit, Target: ind.Target, Plan: ind.Plan}
}

func (s *Service) auditIndicator(ctx context.Context, p auth.Principal, action, id string, changes any) error {
	if s.opts.Audit == nil {
		return nil
	}
	return s.opts.Audit.Record(ctx, p, action, "indicator", id, changes)
}

// authorizeIndicators loads a project (locked: inside a transaction) and
// asks the policy about its indicators; callers who may not see the project
// get not-found, as for every project action.
func (s *Service) authorizeIndicators(ctx context.Context, p auth.Principal, projectID string, a policy.Action) (Project, error) {
	proj, err := s.store.LockProject(ctx, projectID)
	if err != nil {
		if isNotFound(err) {
			return Project{}, errProjectNotFound()
		}
		return Project{}, err
	}
	assigned, err := s.store.IsAssigned(ctx, projectID, p.UserID)
	if err != nil {
		return Project{}, err
	}
	rel := policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}
	if !policy.CanSeeProject(p, rel) {
		return Project{}, errProjectNotFound()
	}
	if err := policy.Indicators(p, a, rel); err != nil {
		return Project{}, err
	}
	return proj, nil
}

func errIndicatorNotFound() error { return errs.NotFound("indicator") }

// loadIndicator finds an indicator, authorizes the edit on its project and
// returns the project, all its indicators and the index of the one named.
func (s *Service) loadIndicator(ctx context.Context, p auth.Principal, id string) (Project, []Indicator, int, error) {
	ind, err := s.store.IndicatorByID(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Project{}, nil, 0, errIndicatorNotFound()
		}
		return Project{}, nil, 0, err
	}
	proj, err := s.authorizeIndicators(ctx, p, ind.ProjectID, policy.EditIndicators)
	if err != nil {
		if isNotFound(err) {
			return Project{}, nil, 0, errIndicatorNotFound()
		}
		return Project{}, nil, 0, err
	}
	m, err := s.store.IndicatorsOf(ctx, []string{proj.ID})
	if err != nil {
		return Project{}, nil, 0, err
	}
	inds := m[proj.ID]
	for i := range inds {
		if inds[i].ID == id {
			return proj, inds, i, nil
		}
	}
	return Project{}, nil, 0, errIndicatorNotFound()
}

// CreateIndicator adds an indicator after the project's others.
func (s *Service) CreateIndicator(ctx context.Context, p auth.Principal, projectID string, ni NewIndicator) (Indicator, error) {
	var out Indicator
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		proj, err := s.authorizeIndicators(ctx, p, projectID, policy.EditIndicators)
		if err != nil {
			return err
		}
		m, err := s.store.IndicatorsOf(ctx, []string{projectID})
		if err != nil {
			return err
		}
		inds := m[projectID]
		v := errs.NewValidation(errs.KindUnprocessable)
		name, unit := strings.TrimSpace(ni.Name), strings.TrimSpace(ni.Unit)
		checkName(v, name)
		checkUnit(v, unit)
		v.Check(ni.Target == nil, "target", "required", "is required")
		if ni.Target != nil {
			checkTarget(v, *ni.Target, 0)
		}
		plan := checkPlan(v, ni.Plan)
		if err := v.Err(); err != nil {
			return err
		}
		if err := nameTaken(inds, name, ""); err != nil {
			return err
		}
		if len(inds) >= MaxIndicatorCount {
			return errs.New(errs.KindUnprocessable, "too_many_indicators",
				fmt.Sprintf("a project has at most %d indicators", MaxIndicatorCount))
		}
		id, err := newID()
		if err != nil {
			return err
		}
		now := s.now()
		pos := 1
		for _, ind := range inds {
			pos = max(pos, ind.Position+1)
		}
		ind := Indicator{ID: id, ProjectID: projectID, Position: pos, Name: name, Unit: unit, Target: *ni.Target,
			Plan: plan, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
		ind.OnTrackUntil = indicatorOnTrackUntil(proj, ind)
		if err := s.store.InsertIndicators(ctx, []Indicator{ind}); err != nil {
			if errors.Is(err, errs.ErrConflict) {
				return errNameTaken(name, err)
			}
			return err
		}
		inds = append(inds, ind)
		if err := s.saveProjectSchedule(ctx, &proj, inds); err != nil {
			return err
		}
		out = inds[len(inds)-1]
		return s.auditIndicator(ctx, p, "indicator.create", id, map[string]any{"project_id": projectID,
			"position": pos, "name": name, "unit": unit, "target": ind.Target, "plan": plan})
	})
	return out, err
}

// UpdateIndicator applies a PATCH. The first indicator's name, unit and
// target are the project's target fields: the request is refused naming
// the field, so the office changes them where they live.
func (s *Service) UpdateIndicator(ctx context.Context, p auth.Principal, id string, u IndicatorUpdate) (Indicator, error) {
	var out Indicator
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		proj, inds, i, err := s.loadIndicator(ctx, p, id)
		if err != nil {
			return err
		}
		ind := inds[i]
		if u.isEmpty() {
			out = ind
			return nil
		}
		before := ind
		v := errs.NewValidation(errs.KindUnprocessable)
		if ind.Position == 1 {
			const msg = "the first indicator is the project's own target: change target_quantity and target_unit on the project"
			v.Check(u.Name != nil, "name", "follows_project", msg)
			v.Check(u.Unit != nil, "unit", "follows_project", msg)
			v.Check(u.Target != nil, "target", "follows_project", msg)
		}
		if u.Name != nil {
			ind.Name = strings.TrimSpace(*u.Name)
			checkName(v, ind.Name)
		}
		if u.Unit != nil {
			ind.Unit = strings.TrimSpace(*u.Unit)
			checkUnit(v, ind.Unit)
		}
		if u.Target != nil {
			ind.Target = *u.Target
			checkTarget(v, ind.Target, ind.Value)
		}
		if u.Plan != nil {
			ind.Plan = checkPlan(v, *u.Plan)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if ind.Name != before.Name {
			if err := nameTaken(inds, ind.Name, ind.ID); err != nil {
				return err
			}
		}
		ind.UpdatedAt = s.now()
		inds[i] = ind
		if err := s.saveProjectSchedule(ctx, &proj, inds); err != nil {
			if errors.Is(err, errs.ErrConflict) {
				return errNameTaken(ind.Name, err)
			}
			return err
		}
		out = inds[i]
		changes := audit.Diff(auditOf(before), auditOf(ind))
		changes["project_id"] = [2]any{proj.ID, proj.ID}
		return s.auditIndicator(ctx, p, "indicator.update", id, changes)
	})
	return out, err
}

// DeleteIndicator removes an indicator added by mistake. One with recorded
// figures is refused (its history is what the circulars cited), and so is
// the first, which is the project's own target.
func (s *Service) DeleteIndicator(ctx context.Context, p auth.Principal, id string) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		proj, inds, i, err := s.loadIndicator(ctx, p, id)
		if err != nil {
			return err
		}
		ind := inds[i]
		if ind.Position == 1 {
			return errs.Conflict("first_indicator", "the first indicator is the project's own target and cannot be removed")
		}
		n, err := s.store.CountIndicatorValues(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 || ind.ValueDate != nil {
			return errs.Conflict("indicator_has_values",
				fmt.Sprintf("the indicator has %d recorded figures and cannot be removed", n))
		}
		if err := s.store.DeleteIndicator(ctx, id); err != nil {
			return err
		}
		rest := append(append([]Indicator(nil), inds[:i]...), inds[i+1:]...)
		if err := s.saveProjectSchedule(ctx, &proj, rest); err != nil {
			return err
		}
		return s.auditIndicator(ctx, p, "indicator.delete", id, map[string]any{"project_id": proj.ID,
			"name": ind.Name, "unit": ind.Unit, "target": ind.Target, "plan": ind.Plan})
	})
}

// saveProjectSchedule writes the indicators with fresh on-track moments
// and the project with its own (the earliest of them).
func (s *Service) saveProjectSchedule(ctx context.Context, proj *Project, inds []Indicator) error {
	before := proj.OnTrackUntil
	if err := s.saveIndicators(ctx, proj, inds); err != nil {
		return err
	}
	// The row is written either way: it carries the indicators' copy
	// (ScheduleBasis) the lists judge from.
	if !sameTime(before, proj.OnTrackUntil) {
		proj.UpdatedAt = s.now()
	}
	return s.store.UpdateProject(ctx, *proj)
}

func sameTime(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

func checkName(v *errs.Validation, name string) {
	v.Check(name == "", "name", "required", "is required")
	v.Check(!utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxIndicatorName, "name", "too_long",
		fmt.Sprintf("must be at most %d characters", MaxIndicatorName))
}

func checkUnit(v *errs.Validation, unit string) {
	v.Check(unit == "", "unit", "required", "is required")
	v.Check(!utf8.ValidString(unit) || utf8.RuneCountInString(unit) > MaxIndicatorUnit, "unit", "too_long",
		fmt.Sprintf("must be at most %d characters", MaxIndicatorUnit))
}

// checkTarget: a target must be a positive number, and not below a figure
// already reported (that would declare the work complete, as a project's
// target below its reported quantity would).
func checkTarget(v *errs.Validation, target, value float64) {
	bad := math.IsNaN(target) || math.IsInf(target, 0) || target <= 0 || target > MaxIndicatorValue
	v.Check(bad, "target", "out_of_range", "must be a number greater than 0 and at most 1e9")
	v.Check(!bad && value > target*(1+quantityEpsilon), "target", "below_value",
		"must not be less than the figure already reported")
}

// checkPlan validates a monthly plan and returns it in month order: months
// YYYY-MM, each once, shares 0..100 that never go down.
func checkPlan(v *errs.Validation, plan []PlanPoint) []PlanPoint {
	out := []PlanPoint{}
	if len(plan) > MaxPlanPoints {
		v.Add("plan", "too_long", fmt.Sprintf("must have at most %d months", MaxPlanPoints))
		return out
	}
	type at struct {
		i int
		m time.Time
	}
	var ok []at
	for i, pt := range plan {
		f := fmt.Sprintf("plan[%d]", i)
		m, err := time.Parse(MonthLayout, pt.Month)
		good := err == nil && len(pt.Month) == len(MonthLayout)
		v.Check(!good, f+".month", "invalid", "must be a month YYYY-MM")
		v.Check(math.IsNaN(pt.Percent) || pt.Percent < 0 || pt.Percent > 100, f+".percent", "out_of_range",
			"must be a number from 0 to 100")
		if good {
			ok = append(ok, at{i, m})
		}
	}
	sort.SliceStable(ok, func(a, b int) bool { return ok[a].m.Before(ok[b].m) })
	for k := 1; k < len(ok); k++ {
		prev, cur := ok[k-1], ok[k]
		f := fmt.Sprintf("plan[%d]", cur.i)
		v.Check(cur.m.Equal(prev.m), f+".month", "duplicate", "names a month already in the plan")
		v.Check(plan[cur.i].Percent < plan[prev.i].Percent, f+".percent", "decreasing",
			"must not be less than an earlier month's share: the plan is cumulative")
	}
	for _, a := range ok {
		out = append(out, PlanPoint{Month: plan[a.i].Month, Percent: plan[a.i].Percent})
	}
	return out
}

func nameTaken(inds []Indicator, name, self string) error {
	for _, ind := range inds {
		if ind.ID != self && ind.Name == name {
			return errNameTaken(name, nil)
		}
	}
	return nil
}

func errNameTaken(name string, cause error) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "duplicate_indicator",
		Message: "the project already has an indicator named " + name,
		Fields:  []errs.FieldError{{Field: "name", Code: "duplicate", Message: "is already an indicator of this project"}},
		Err:     cause}
}
