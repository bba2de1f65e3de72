package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// The check rule as volunteers meet it: their own checks on a road they
// still watch, nothing once they are taken off it. The list scope is the
// rule, so this is what the lists filter too.
func TestCheckScopeNeedsTheRoad(t *testing.T) {
	vol := auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "a"}
	cases := []struct {
		name string
		p    auth.Principal
		rel  CheckRelation
		ok   bool
	}{
		{"own check, road watched", vol, CheckRelation{Project: ProjectRelation{UnitID: "a", Assigned: true}, AuthorID: "v"}, true},
		{"own check, taken off the road", vol, CheckRelation{Project: ProjectRelation{UnitID: "a"}, AuthorID: "v"}, false},
		{"another volunteer's check", vol, CheckRelation{Project: ProjectRelation{UnitID: "a", Assigned: true}, AuthorID: "w"}, false},
		{"contractor, own unit", con, CheckRelation{Project: ProjectRelation{UnitID: "a"}, AuthorID: "w"}, true},
		{"contractor, project moved away", con, CheckRelation{Project: ProjectRelation{UnitID: "b"}, AuthorID: "w"}, false},
		{"contractor without a unit", auth.Principal{UserID: "c", Role: auth.RoleContractor},
			CheckRelation{Project: ProjectRelation{}, AuthorID: "w"}, false},
	}
	for _, c := range cases {
		if got := CanSeeCheck(c.p, c.rel); got != c.ok {
			t.Errorf("%s: CanSeeCheck %v, want %v", c.name, got, c.ok)
		}
		if got := CheckListScope(c.p).Allows(c.rel); got != c.ok {
			t.Errorf("%s: scope allows %v, want %v", c.name, got, c.ok)
		}
	}
}

// An order follows its own unit for contractors, the road for volunteers;
// OrderViewOf never grants a view the order scope refuses.
func TestOrderScopeAndView(t *testing.T) {
	for _, p := range []auth.Principal{
		{UserID: "v", Role: auth.RoleVolunteer}, {UserID: "c", Role: auth.RoleContractor, UnitID: "a"},
		{UserID: "c", Role: auth.RoleContractor}, {UserID: "i", Role: auth.RoleInspector},
	} {
		for _, rel := range []OrderRelation{
			{UnitID: "a", Project: ProjectRelation{UnitID: "b"}}, {UnitID: "b", Project: ProjectRelation{UnitID: "a"}},
			{UnitID: "a", Project: ProjectRelation{UnitID: "a", Assigned: true}}, {},
		} {
			if (OrderViewOf(p, rel) != OrderViewNone) != OrderListScope(p).Allows(rel) {
				t.Errorf("%+v on %+v: view %v, scope allows %v", p, rel, OrderViewOf(p, rel), OrderListScope(p).Allows(rel))
			}
		}
	}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "a"}
	if !CanSeeOrder(con, OrderRelation{UnitID: "a", Project: ProjectRelation{UnitID: "b"}}) {
		t.Error("a contractor lost their unit's order when its project moved")
	}
}
