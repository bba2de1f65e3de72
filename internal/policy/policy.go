// Package policy decides who may touch which object. Every service asks it;
// no handler or store carries its own role checks. A decision takes the
// caller's role AND their relationship to the object (assigned to the project,
// member of its responsible unit), because a role alone is never enough: a
// volunteer sees only the roads they watch, a contractor only their unit's
// projects.
package policy

import (
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// Action is something a caller wants to do.
type Action string

// Actions on projects and people.
const (
	ViewProject        Action = "project.view"
	CreateProject      Action = "project.create"
	UpdateProject      Action = "project.update"
	ChangeStatus       Action = "project.status"
	ImportProjects     Action = "project.import"
	ReportProgress     Action = "project.progress"
	ManageAssignments  Action = "project.assign"
	ViewAssignments    Action = "project.assignments.view"
	ManageUsers        Action = "user.manage"
	ManageOrganisation Action = "org.manage"
	// ViewAudit: the audit log is for the office and admins, who answer for
	// the county's record.
	ViewAudit        Action = "audit.view"
	ViewOrganisation Action = "org.view"
)

// ProjectRelation is what the policy needs to know about a project and the
// caller; the service fills it from its store.
type ProjectRelation struct {
	UnitID string
	// Assigned: the caller is assigned to this project (inspector or
	// volunteer assignment).
	Assigned bool
}

// ErrDenied is returned for every refusal; the message says what was refused
// but never whether the object exists for callers who may not see it.
func denied(a Action) error {
	return &errs.Error{Kind: errs.KindForbidden, Code: "forbidden", Message: "you may not " + describe(a)}
}

func describe(a Action) string {
	switch a {
	case ViewProject:
		return "see this project"
	case CreateProject, ImportProjects:
		return "create projects"
	case UpdateProject, ChangeStatus:
		return "change this project"
	case ReportProgress:
		return "report progress on this project"
	case ManageAssignments:
		return "assign people to projects"
	case ManageUsers:
		return "manage users"
	default:
		return "do this"
	}
}

// seesAll: county staff who may read every project.
func seesAll(r auth.Role) bool {
	return r == auth.RoleAdmin || r == auth.RoleOffice || r == auth.RoleInspector
}

func isOffice(r auth.Role) bool { return r == auth.RoleAdmin || r == auth.RoleOffice }

// CanSeeProject is the relationship rule for reading one project: the
// caller's list scope, applied to one project.
func CanSeeProject(p auth.Principal, rel ProjectRelation) bool {
	return ProjectListScope(p).Allows(rel)
}

// Project decides an action on one existing project.
func Project(p auth.Principal, a Action, rel ProjectRelation) error {
	if !CanSeeProject(p, rel) {
		// Callers who cannot see the project learn nothing more than 404
		// would tell; services map this to not-found where that matters.
		return denied(a)
	}
	switch a {
	case ViewProject, ViewAssignments:
		return nil
	case UpdateProject, ChangeStatus, ManageAssignments:
		if isOffice(p.Role) {
			return nil
		}
	case ReportProgress:
		// The office records progress, and so does the responsible unit
		// (contractors report what they built; the office checks it).
		if isOffice(p.Role) || p.Role == auth.RoleContractor {
			return nil
		}
	}
	return denied(a)
}

// Global decides actions that are not about one object.
func Global(p auth.Principal, a Action) error {
	switch a {
	case CreateProject, ImportProjects, ManageOrganisation, ViewAudit:
		if isOffice(p.Role) {
			return nil
		}
	case ViewOrganisation:
		return nil
	case ManageUsers:
		if p.Role == auth.RoleAdmin {
			return nil
		}
	}
	return denied(a)
}

// ProjectScope is the filter a project list must apply for the caller.
type ProjectScope struct {
	All bool
	// AssignedTo restricts to projects assigned to this user (volunteers).
	AssignedTo string
	// UnitID restricts to one unit's projects (contractors).
	UnitID string
	// None: the caller may list nothing.
	None bool
}

// ProjectListScope turns the caller into a list filter, so lists and single
// reads apply the same rule.
func ProjectListScope(p auth.Principal) ProjectScope {
	switch {
	case seesAll(p.Role):
		return ProjectScope{All: true}
	case p.Role == auth.RoleVolunteer:
		return ProjectScope{AssignedTo: p.UserID}
	case p.Role == auth.RoleContractor && p.UnitID != "":
		return ProjectScope{UnitID: p.UnitID}
	}
	return ProjectScope{None: true}
}
