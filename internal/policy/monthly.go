package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// Actions of the monthly supervision cycle: photo points, monthly reports
// and the status of a period.
const (
	ViewMonthly       Action = "monthly.view"
	ReportMonthly     Action = "monthly.report"
	ReviewMonthly     Action = "monthly.review"
	ManagePhotoPoints Action = "monthly.points.manage"
	ViewPeriodStatus  Action = "monthly.status.view"
	ClosePeriod       Action = "monthly.period.close"
	AttachReportPhoto Action = "monthly.photo.attach"
)

// Monthly decides an action of the monthly cycle on one project. rel is
// the project's relation to the caller: its CURRENT responsible unit, so a
// contractor moved to another unit loses the old unit's reports at once
// (their principal names the new unit) and a project handed to another unit
// is reported by the new one.
func Monthly(p auth.Principal, a Action, rel ProjectRelation) error {
	if !CanSeeProject(p, rel) {
		return denied(a)
	}
	switch a {
	case ViewMonthly:
		// Whoever sees the project sees its reports and the photos of its
		// fixed points: the point of a series is that anyone can compare
		// the same spot month after month.
		return nil
	case ReportMonthly, AttachReportPhoto:
		// Only the responsible unit reports its own progress; inspectors
		// and volunteers watch it, the office judges it.
		if p.Role == auth.RoleContractor && p.UnitID != "" && p.UnitID == rel.UnitID {
			return nil
		}
	case ReviewMonthly:
		if isOffice(p.Role) {
			return nil
		}
	case ManagePhotoPoints:
		// The office, or an inspector assigned to the project, who stands
		// on the site and knows where the camera should be.
		if isOffice(p.Role) || (p.Role == auth.RoleInspector && rel.Assigned) {
			return nil
		}
	}
	return denied(a)
}

// MonthlyGlobal decides the actions of the cycle that are not about one
// project: the status of a period is the office's overview (inspectors
// read it too); closing a period is the office's.
func MonthlyGlobal(p auth.Principal, a Action) error {
	switch a {
	case ViewPeriodStatus:
		if seesAll(p.Role) {
			return nil
		}
	case ClosePeriod:
		if isOffice(p.Role) {
			return nil
		}
	}
	return denied(a)
}
