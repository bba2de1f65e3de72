package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Who may generate, publish and read the monthly circular: the office and
// admins make it; county staff and the units' own accounts read it;
// volunteers do neither (and a contractor's unit makes no difference: the
// circular names every unit to every unit).
func TestCirculars(t *testing.T) {
	want := map[auth.Role]map[Action]bool{
		auth.RoleAdmin:      {GenerateCircular: true, PublishCircular: true, ViewCirculars: true},
		auth.RoleOffice:     {GenerateCircular: true, PublishCircular: true, ViewCirculars: true},
		auth.RoleInspector:  {ViewCirculars: true},
		auth.RoleContractor: {ViewCirculars: true},
		auth.RoleVolunteer:  {},
	}
	for role, allowed := range want {
		for _, a := range []Action{GenerateCircular, PublishCircular, ViewCirculars, ViewProject} {
			p := auth.Principal{UserID: "x", Role: role, UnitID: "u"}
			if err := Circulars(p, a); (err == nil) != allowed[a] {
				t.Errorf("%s %s: %v", role, a, err)
			}
		}
	}
}
