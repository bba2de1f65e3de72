package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

func TestIndicatorsPolicy(t *testing.T) {
	own := ProjectRelation{UnitID: "u1", Assigned: true}
	for _, tc := range []struct {
		p          auth.Principal
		view, edit bool
	}{
		{auth.Principal{Role: auth.RoleAdmin}, true, true},
		{auth.Principal{Role: auth.RoleOffice}, true, true},
		{auth.Principal{Role: auth.RoleInspector}, true, false},
		{auth.Principal{Role: auth.RoleVolunteer, UserID: "v"}, true, false},
		{auth.Principal{Role: auth.RoleContractor, UnitID: "u1"}, true, false},
		{auth.Principal{Role: auth.RoleContractor, UnitID: "u2"}, false, false},
	} {
		if got := Indicators(tc.p, ViewProject, own) == nil; got != tc.view {
			t.Errorf("%s view: %v", tc.p.Role, got)
		}
		if got := Indicators(tc.p, EditIndicators, own) == nil; got != tc.edit {
			t.Errorf("%s edit: %v", tc.p.Role, got)
		}
	}
	if Indicators(auth.Principal{Role: auth.RoleVolunteer, UserID: "v"}, ViewProject, ProjectRelation{UnitID: "u1"}) == nil {
		t.Error("a volunteer not assigned sees the project's indicators")
	}
}
