package policy

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
)

func TestCheckFiling(t *testing.T) {
	vol := auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "u"}
	ins := auth.Principal{UserID: "i", Role: auth.RoleInspector}
	assigned := ProjectRelation{UnitID: "u", Assigned: true}
	cases := []struct {
		name string
		p    auth.Principal
		rel  ProjectRelation
		typ  string
		ok   bool
	}{
		{"volunteer assigned concrete", vol, assigned, "concrete_mix", true},
		{"volunteer not assigned", vol, ProjectRelation{UnitID: "u"}, "concrete_mix", false},
		{"volunteer post_completion", vol, assigned, "post_completion", false},
		{"volunteer verification", vol, assigned, "verification", false},
		{"contractor own unit", con, assigned, "safety", false},
		{"inspector any", ins, ProjectRelation{}, "post_completion", true},
	}
	for _, c := range cases {
		if err := CheckFiling(c.p, c.rel, c.typ); (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
}

func TestCheckView(t *testing.T) {
	vol := auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
	off := auth.Principal{UserID: "o", Role: auth.RoleOffice}
	con := auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "u"}
	own := CheckRelation{Project: ProjectRelation{UnitID: "u", Assigned: true}, AuthorID: "v"}
	other := CheckRelation{Project: ProjectRelation{UnitID: "u", Assigned: true}, AuthorID: "x"}
	if !CanSeeCheck(vol, own) || CanSeeCheck(vol, other) {
		t.Error("volunteer sees own checks only")
	}
	if !CanSeeCheck(con, other) || CanSeeCheck(con, CheckRelation{Project: ProjectRelation{UnitID: "w"}}) {
		t.Error("contractor sees own unit's checks")
	}
	if Check(vol, AttachPhoto, own) != nil || Check(off, AttachPhoto, other) != nil {
		t.Error("author and office attach")
	}
	if Check(con, AttachPhoto, other) == nil {
		t.Error("contractor must not attach")
	}
	if Templates(off) != nil || Templates(vol) == nil {
		t.Error("templates are office-only")
	}
	if s := CheckListScope(vol); s.AuthorID != "v" {
		t.Errorf("scope %+v", s)
	}
}
