package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

func TestOrderDecisions(t *testing.T) {
	adm := auth.Principal{UserID: "a", Role: auth.RoleAdmin}
	off := auth.Principal{UserID: "o", Role: auth.RoleOffice}
	ins := auth.Principal{UserID: "i", Role: auth.RoleInspector}
	vol := auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "u"}
	other := auth.Principal{UserID: "c2", Role: auth.RoleContractor, UnitID: "u2"}
	noUnit := auth.Principal{UserID: "c3", Role: auth.RoleContractor}
	// The volunteer watches the road; the contractor "c" wrote the response.
	rel := OrderRelation{Project: ProjectRelation{UnitID: "u", Assigned: true}, UnitID: "u", ResponseAuthorID: "c"}
	unassigned := OrderRelation{Project: ProjectRelation{UnitID: "u"}, UnitID: "u", ResponseAuthorID: "c"}
	cases := []struct {
		name string
		p    auth.Principal
		a    Action
		rel  OrderRelation
		ok   bool
	}{
		{"office views", off, ViewOrder, rel, true},
		{"volunteer on the road views", vol, ViewOrder, rel, true},
		{"volunteer elsewhere", vol, ViewOrder, unassigned, false},
		{"contractor of the unit views", con, ViewOrder, rel, true},
		{"contractor of another unit", other, ViewOrder, rel, false},
		{"contractor without unit", noUnit, ViewOrder, rel, false},
		{"contractor acknowledges", con, AcknowledgeOrder, rel, true},
		{"office does not acknowledge for the unit", off, AcknowledgeOrder, rel, false},
		{"contractor responds", con, RespondOrder, rel, true},
		{"other contractor responds", other, RespondOrder, rel, false},
		{"contractor never verifies", con, VerifyOrder, rel, false},
		{"volunteer never verifies", vol, VerifyOrder, rel, false},
		{"inspector verifies", ins, VerifyOrder, unassigned, true},
		{"inspector rejects", ins, RejectOrder, rel, true},
		{"contractor rejects", con, RejectOrder, rel, false},
		{"office cancels", off, CancelOrder, rel, true},
		{"admin cancels", adm, CancelOrder, rel, true},
		{"inspector does not cancel", ins, CancelOrder, rel, false},
		{"author attaches", con, AttachResponsePhoto, rel, true},
		{"unit colleague does not attach", auth.Principal{UserID: "c9", Role: auth.RoleContractor, UnitID: "u"}, AttachResponsePhoto, rel, false},
		{"office attaches", off, AttachResponsePhoto, rel, true},
		{"inspector does not attach", ins, AttachResponsePhoto, rel, false},
		{"contractor sees response photos", con, ViewResponsePhoto, rel, true},
		{"volunteer does not", vol, ViewResponsePhoto, rel, false},
		{"other contractor does not", other, ViewResponsePhoto, rel, false},
	}
	for _, c := range cases {
		if err := Order(c.p, c.a, c.rel); (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
	if OrderViewOf(vol, rel) != OrderViewStatus || OrderViewOf(con, rel) != OrderViewUnit || OrderViewOf(ins, rel) != OrderViewFull {
		t.Error("views")
	}
}

func TestOrderCreationTriageWebhooks(t *testing.T) {
	rel := ProjectRelation{UnitID: "u", Assigned: true}
	for r, ok := range map[auth.Role]bool{auth.RoleAdmin: true, auth.RoleOffice: true, auth.RoleInspector: true,
		auth.RoleVolunteer: false, auth.RoleContractor: false} {
		p := auth.Principal{UserID: "x", Role: r, UnitID: "u"}
		if err := OrderCreation(p, rel); (err == nil) != ok {
			t.Errorf("%s creates: %v", r, err)
		}
		if err := Triage(p); (err == nil) != (r == auth.RoleAdmin || r == auth.RoleOffice) {
			t.Errorf("%s triage: %v", r, err)
		}
		if err := Webhooks(p); (err == nil) != (r == auth.RoleAdmin) {
			t.Errorf("%s webhooks: %v", r, err)
		}
	}
}

func TestOrderListScope(t *testing.T) {
	if s := OrderListScope(auth.Principal{Role: auth.RoleInspector}); !s.All {
		t.Errorf("inspector %+v", s)
	}
	if s := OrderListScope(auth.Principal{UserID: "v", Role: auth.RoleVolunteer}); s.AssignedTo != "v" {
		t.Errorf("volunteer %+v", s)
	}
	if s := OrderListScope(auth.Principal{Role: auth.RoleContractor, UnitID: "u"}); s.UnitID != "u" {
		t.Errorf("contractor %+v", s)
	}
	if s := OrderListScope(auth.Principal{Role: auth.RoleContractor}); !s.None {
		t.Errorf("contractor without unit %+v", s)
	}
}
