package projects

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Update applies a PATCH. The result is validated as a whole, with the same
// rules as creation, so a change cannot leave a record creation would refuse
// (an end date moved before the start, say).
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, u Update) (Project, error) {
	var out Project
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		proj, err := s.authorize(ctx, p, id, policy.UpdateProject, true)
		if err != nil {
			return err
		}
		if u.isEmpty() {
			// Nothing to change, so updated_at must not move either.
			out = proj
			return nil
		}
		before := proj
		np := asNewProject(proj)
		u.applyTo(&np)
		v := errs.NewValidation(errs.KindUnprocessable)
		d := s.check(np, apiNames, v)
		oldTarget := proj.TargetQuantity
		d.applyTo(&proj)
		s.rescaleProgress(&proj, oldTarget, v)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.resolveOrg(ctx, &proj, nil); err != nil {
			return err
		}
		proj.refreshSchedule()
		if err := s.refreshIndicators(ctx, &proj); err != nil {
			return err
		}
		proj.UpdatedAt = s.now()
		if err := s.store.UpdateProject(ctx, proj); err != nil {
			return err
		}
		out = proj
		changes := audit.Diff(before, proj)
		delete(changes, "updated_at")
		return s.audit(ctx, p, "project.update", id, changes)
	})
	if err != nil {
		return Project{}, err
	}
	out.decorate(s.now())
	return out, s.attachSchedule(ctx, &out, s.now())
}

// rescaleProgress keeps the latest progress honest when the target changes:
// 11 km reported against 22.5 km is 48.88%, against 30 km it is 36.66%. A
// target below the quantity already reported is refused rather than capped,
// since it would declare the work complete. Without a quantity (progress was
// reported as a percent) or without a new target, the percent stands.
func (s *Service) rescaleProgress(proj *Project, oldTarget *float64, v *errs.Validation) {
	q, t := proj.Progress.Quantity, proj.TargetQuantity
	if q == nil || t == nil || (oldTarget != nil && *oldTarget == *t) {
		return
	}
	if *q > *t*(1+quantityEpsilon) {
		v.Add("target_quantity", "below_progress", "must not be less than the quantity already reported")
		return
	}
	proj.Progress.Percent = percentOf(*q, *t)
}

func (u Update) isEmpty() bool {
	return u.Name == nil && u.Category == nil && u.Township == nil && u.Unit == nil && u.ResponsibleLeader == nil &&
		u.ContractorName == nil && u.ContractorContact == nil && !u.Budget.Set && u.FundingSource == nil &&
		!u.PlannedStart.Set && !u.PlannedEnd.Set && !u.TargetQuantity.Set && u.TargetUnit == nil &&
		!u.Location.Set && !u.Route.Set && u.GeofenceM == nil
}

// asNewProject writes a stored project back as input, so an update is
// validated by the same code as a creation.
func asNewProject(p Project) NewProject {
	np := NewProject{Code: p.Code, Name: p.Name, Category: p.Category, Township: p.Township, Unit: p.Unit,
		ResponsibleLeader: p.ResponsibleLeader, Contractor: p.Contractor, FundingSource: p.FundingSource,
		Status: p.Status, TargetQuantity: p.TargetQuantity, TargetUnit: p.TargetUnit, Location: p.Location}
	if p.BudgetCents != nil {
		np.Budget = FormatYuan(*p.BudgetCents)
	}
	if p.PlannedStart != nil {
		np.PlannedStart = p.PlannedStart.Format(DateLayout)
	}
	if p.PlannedEnd != nil {
		np.PlannedEnd = p.PlannedEnd.Format(DateLayout)
	}
	if len(p.Route) > 0 {
		np.Route = &GeoLine{Type: "LineString", Coordinates: make([][]float64, len(p.Route))}
		for i, pos := range p.Route {
			np.Route.Coordinates[i] = []float64{pos[0], pos[1]}
		}
	}
	g := p.GeofenceM
	np.GeofenceM = &g
	return np
}

func (u Update) applyTo(np *NewProject) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&np.Name, u.Name)
	if u.Category != nil {
		np.Category = *u.Category
	}
	set(&np.Township, u.Township)
	set(&np.Unit, u.Unit)
	set(&np.ResponsibleLeader, u.ResponsibleLeader)
	set(&np.Contractor.Name, u.ContractorName)
	set(&np.Contractor.Contact, u.ContractorContact)
	set(&np.FundingSource, u.FundingSource)
	set(&np.TargetUnit, u.TargetUnit)
	optText := func(dst *string, o Optional[string]) {
		if !o.Set {
			return
		}
		*dst = ""
		if o.Value != nil {
			*dst = *o.Value
		}
	}
	optText(&np.Budget, u.Budget)
	optText(&np.PlannedStart, u.PlannedStart)
	optText(&np.PlannedEnd, u.PlannedEnd)
	if u.TargetQuantity.Set {
		np.TargetQuantity = u.TargetQuantity.Value
	}
	if u.Location.Set {
		np.Location = u.Location.Value
	}
	if u.Route.Set {
		np.Route = u.Route.Value
	}
	if u.GeofenceM != nil {
		np.GeofenceM = u.GeofenceM
	}
}
