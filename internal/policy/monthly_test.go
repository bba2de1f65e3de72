package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// The monthly cycle's rule for every role and relation: the responsible
// unit reports, the office reviews, the office or an assigned inspector
// places photo points, whoever sees the project reads.
func TestMonthly(t *testing.T) {
	admin := auth.Principal{UserID: "a", Role: auth.RoleAdmin}
	office := auth.Principal{UserID: "o", Role: auth.RoleOffice}
	ins := auth.Principal{UserID: "i", Role: auth.RoleInspector}
	vol := auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "u"}
	moved := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "w"}
	noUnit := auth.Principal{UserID: "n", Role: auth.RoleContractor}
	own := ProjectRelation{UnitID: "u", Assigned: true}
	unassigned := ProjectRelation{UnitID: "u"}
	type row struct {
		p   auth.Principal
		rel ProjectRelation
		// view, report, review, points
		want [4]bool
	}
	rows := map[string]row{
		"admin":                     {admin, unassigned, [4]bool{true, false, true, true}},
		"office":                    {office, unassigned, [4]bool{true, false, true, true}},
		"inspector assigned":        {ins, own, [4]bool{true, false, false, true}},
		"inspector not assigned":    {ins, unassigned, [4]bool{true, false, false, false}},
		"volunteer assigned":        {vol, own, [4]bool{true, false, false, false}},
		"volunteer not assigned":    {vol, unassigned, [4]bool{false, false, false, false}},
		"contractor of the unit":    {con, unassigned, [4]bool{true, true, false, false}},
		"contractor moved away":     {moved, unassigned, [4]bool{false, false, false, false}},
		"contractor without a unit": {noUnit, ProjectRelation{}, [4]bool{false, false, false, false}},
	}
	actions := [4]Action{ViewMonthly, ReportMonthly, ReviewMonthly, ManagePhotoPoints}
	for name, r := range rows {
		for i, a := range actions {
			if got := Monthly(r.p, a, r.rel) == nil; got != r.want[i] {
				t.Errorf("%s, %s: allowed %v, want %v", name, a, got, r.want[i])
			}
		}
		if got := Monthly(r.p, AttachReportPhoto, r.rel) == nil; got != r.want[1] {
			t.Errorf("%s: attach a report photo %v, want as report %v", name, got, r.want[1])
		}
	}
	for _, c := range []struct {
		p             auth.Principal
		status, close bool
	}{{admin, true, true}, {office, true, true}, {ins, true, false}, {vol, false, false}, {con, false, false}} {
		if got := MonthlyGlobal(c.p, ViewPeriodStatus) == nil; got != c.status {
			t.Errorf("%s: period status %v", c.p.Role, got)
		}
		if got := MonthlyGlobal(c.p, ClosePeriod) == nil; got != c.close {
			t.Errorf("%s: close a period %v", c.p.Role, got)
		}
	}
}
