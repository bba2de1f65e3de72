package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// Actions on checks and checklist templates.
const (
	FileCheck       Action = "check.file"
	ViewCheck       Action = "check.view"
	AttachPhoto     Action = "check.photo.attach"
	ManageTemplates Action = "checklist.manage"
)

// volunteerCheckTypes are the checks a volunteer road supervisor is appointed
// for: what they can see while the road is being built. Post-completion and
// verification checks are the county's own inspections, so they stay with
// inspectors and the office.
var volunteerCheckTypes = map[string]bool{
	"concrete_mix": true, "signage": true, "safety": true, "progress": true,
}

// CheckFiling decides whether p may file a check of checkType on a project.
// Contractors file none: they are the ones being checked.
func CheckFiling(p auth.Principal, rel ProjectRelation, checkType string) error {
	switch p.Role {
	case auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector:
		if CanSeeProject(p, rel) {
			return nil
		}
	case auth.RoleVolunteer:
		if rel.Assigned && volunteerCheckTypes[checkType] {
			return nil
		}
	}
	return denied(FileCheck)
}

// CheckRelation is what the policy needs about one existing check.
type CheckRelation struct {
	Project  ProjectRelation
	AuthorID string
}

// CanSeeCheck: whoever can see the project sees its checks, except that a
// volunteer sees only their own — volunteers on one road are villagers who
// should not read each other's reports (or the inspectors'). A volunteer
// removed from the road no longer sees even their own checks on it. The
// rule is CheckListScope's, so lists follow it exactly.
func CanSeeCheck(p auth.Principal, rel CheckRelation) bool {
	return CheckListScope(p).Allows(rel)
}

// Check decides an action on one existing check.
func Check(p auth.Principal, a Action, rel CheckRelation) error {
	if !CanSeeCheck(p, rel) {
		return denied(a)
	}
	switch a {
	case ViewCheck:
		return nil
	case AttachPhoto:
		// The author carries the photos of their own visit; the office may
		// attach what reached it another way (a volunteer's phone photos sent
		// by message). Nobody else adds evidence to someone's check.
		if rel.AuthorID == p.UserID || isOffice(p.Role) {
			return nil
		}
	}
	return denied(a)
}

// Templates decides who edits checklist templates: the office and admins.
func Templates(p auth.Principal) error {
	if isOffice(p.Role) {
		return nil
	}
	return denied(ManageTemplates)
}

// CheckScope is the filter a check list must apply for the caller: the
// checks on the projects of Project's scope, and when AuthorID is set only
// those that author filed.
type CheckScope struct {
	Project  ProjectScope
	AuthorID string
}

// All: the caller sees every check.
func (s CheckScope) All() bool { return s.Project.All && s.AuthorID == "" }

// None: the caller may list no check.
func (s CheckScope) None() bool { return s.Project.None }

// CheckListScope turns the caller into the check rule, for lists (as SQL in
// the stores) and single reads (Allows) alike.
func CheckListScope(p auth.Principal) CheckScope {
	s := CheckScope{Project: ProjectListScope(p)}
	if p.Role == auth.RoleVolunteer {
		s.AuthorID = p.UserID
	}
	return s
}

// ReviewCheck: returning checks for correction and deciding on flags.
const ReviewCheck Action = "check.review"

// ReviewChecks: the office reviews what inspectors and volunteers file;
// inspectors are among the reviewed, so they do not decide on flags.
func ReviewChecks(p auth.Principal) error {
	if isOffice(p.Role) {
		return nil
	}
	return denied(ReviewCheck)
}

// PrintReport: evidence reports.
const PrintReport Action = "report.print"

// Reports: county staff print evidence reports; volunteers and contractors
// read the same facts through the API within their own scope.
func Reports(p auth.Principal) error {
	if seesAll(p.Role) {
		return nil
	}
	return denied(PrintReport)
}
