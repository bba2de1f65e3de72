package policy

import (
	"slices"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

func meets(a, b []string) bool {
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// A phone holds one of an object's feed keys exactly when the caller's
// scope allows the object: every role, on projects and orders in and out
// of their unit and assignments.
func TestFeedKeysMatchTheScopes(t *testing.T) {
	principals := []auth.Principal{
		{UserID: "ad", Role: auth.RoleAdmin}, {UserID: "of", Role: auth.RoleOffice},
		{UserID: "in", Role: auth.RoleInspector}, {UserID: "vo", Role: auth.RoleVolunteer},
		{UserID: "co", Role: auth.RoleContractor, UnitID: "a"}, {UserID: "cx", Role: auth.RoleContractor},
		{UserID: "zz", Role: "someone"},
	}
	assigned := []string{"p1"} // the caller watches p1, not p2
	for _, p := range principals {
		keys := FeedKeys(p, assigned)
		for _, pid := range []string{"p1", "p2"} {
			for _, unit := range []string{"a", "b"} {
				rel := ProjectRelation{UnitID: unit, Assigned: pid == "p1"}
				if got, want := meets(keys, ProjectFeedKeys(pid, unit)), ProjectListScope(p).Allows(rel); got != want {
					t.Errorf("%s: project %s in unit %s: feed %v, scope %v", p.Role, pid, unit, got, want)
				}
				for _, orderUnit := range []string{"a", "b"} {
					orel := OrderRelation{Project: rel, UnitID: orderUnit}
					if got, want := meets(keys, OrderFeedKeys(pid, orderUnit)), OrderListScope(p).Allows(orel); got != want {
						t.Errorf("%s: order on %s (unit %s) issued to %s: feed %v, scope %v", p.Role, pid, unit, orderUnit, got, want)
					}
				}
			}
		}
		if !meets(keys, ChecklistFeedKeys()) {
			t.Errorf("%s: no checklists", p.Role)
		}
		if !meets(keys, CheckFeedKeys(p.UserID)) || meets(keys, CheckFeedKeys("other")) {
			t.Errorf("%s: checks are their own and only theirs", p.Role)
		}
		if !slices.Contains(keys, AssignmentFeedKey(p.UserID)) || slices.Contains(keys, AssignmentFeedKey("other")) {
			t.Errorf("%s: assignments filed for them alone", p.Role)
		}
		if FeedNeedsAssignments(p) != (p.Role == auth.RoleVolunteer) {
			t.Errorf("%s: needs assignments %v", p.Role, FeedNeedsAssignments(p))
		}
	}
}
