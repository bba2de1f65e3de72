package circulars

import (
	"cmp"
	"slices"
)

// unknownUnit stands for a unit id the input does not describe: a project
// always has a unit, but the figures must not lose it if the list of
// units is short.
func unitOf(units map[string]Unit, id string) Unit {
	if u, ok := units[id]; ok {
		return u
	}
	return Unit{ID: id, Name: id}
}

// Compute turns the month's facts into the circular. It is pure: the same
// input gives the same circular, in the same order, so a published
// circular can be recomputed and compared.
//
// Rules: every project counts once under its schedule status; behind and
// stalled projects are listed under their unit, the largest gap first; a
// unit is praised when it has at least one project and every one of them
// is ahead of schedule or completed; units are ordered by name (then id),
// projects by code.
func Compute(in Input) Circular {
	c := Circular{County: in.County, Period: in.Period, At: in.At}
	units := make(map[string]Unit, len(in.Units))
	for _, u := range in.Units {
		units[u.ID] = u
	}
	sections := map[string]*UnitSection{}
	section := func(id string) *UnitSection {
		s, ok := sections[id]
		if !ok {
			s = &UnitSection{Unit: unitOf(units, id)}
			sections[id] = s
		}
		return s
	}
	f := &c.Figures
	allAhead := map[string]bool{}
	for _, p := range in.Projects {
		f.Projects++
		s := section(p.UnitID)
		s.Projects++
		switch p.Status {
		case OnSchedule:
			f.OnSchedule++
		case Behind:
			f.Behind++
		case Stalled:
			f.Stalled++
		case Completed:
			f.Completed++
		case Ahead:
			f.Ahead++
		default:
			// not_started, and any status this package does not know,
			// which can only be "not yet judged".
			f.NotStarted++
		}
		if p.Status == Behind || p.Status == Stalled {
			s.Behind = append(s.Behind, BehindProject{ProjectID: p.ID, Code: p.Code, Name: p.Name,
				Township: p.Township, Status: p.Status, GapPoints: p.GapPoints})
		}
		good := p.Status == Ahead || p.Status == Completed
		if prev, seen := allAhead[p.UnitID]; seen {
			allAhead[p.UnitID] = prev && good
		} else {
			allAhead[p.UnitID] = good
		}
	}
	for _, r := range in.Reports {
		f.ReportsDue++
		s := section(r.UnitID)
		ref := ProjectRef{ProjectID: r.ProjectID, Code: r.Code, Name: r.Name, Township: r.Township}
		switch r.State {
		case ReportOnTime:
			f.ReportsOnTime++
		case ReportLate:
			f.ReportsLate++
			s.LateReports = append(s.LateReports, ref)
		default:
			f.ReportsMissing++
			s.MissingReports = append(s.MissingReports, ref)
		}
	}
	for _, o := range in.Overdue {
		s := section(o.UnitID)
		s.OverdueOrders = append(s.OverdueOrders, o)
	}
	f.OrdersOpened, f.OrdersClosed, f.OrdersOverdue = in.OrdersOpened, in.OrdersClosed, len(in.Overdue)
	f.LookBackInspected, f.LookBackFindings = in.LookBackInspected, in.LookBackFindings

	for id, s := range sections {
		slices.SortFunc(s.Behind, func(a, b BehindProject) int {
			return cmp.Or(cmp.Compare(a.GapPoints, b.GapPoints), cmp.Compare(a.Code, b.Code))
		})
		byCode := func(a, b ProjectRef) int {
			return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.ProjectID, b.ProjectID))
		}
		slices.SortFunc(s.MissingReports, byCode)
		slices.SortFunc(s.LateReports, byCode)
		slices.SortFunc(s.OverdueOrders, func(a, b OverdueOrder) int {
			return cmp.Or(a.Deadline.Compare(b.Deadline), cmp.Compare(a.Number, b.Number))
		})
		c.Units = append(c.Units, *s)
		if allAhead[id] && s.Projects > 0 {
			c.Ahead = append(c.Ahead, AheadUnit{Unit: s.Unit, Projects: s.Projects})
		}
	}
	slices.SortFunc(c.Units, func(a, b UnitSection) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(c.Ahead, func(a, b AheadUnit) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return c
}
