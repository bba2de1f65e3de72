package policy

// One rule per kind of object, in the form of a scope: the policy turns the
// caller into a scope value once, the stores turn that value into SQL for
// lists, and Allows decides the single read from the same value. CanSee*
// are defined as Scope(p).Allows(rel), so a list and a single read cannot
// drift apart: changing who sees what means changing the scope, which
// changes both.

// Allows is the single-read form of the project scope.
func (s ProjectScope) Allows(rel ProjectRelation) bool {
	switch {
	case s.None:
		return false
	case s.All:
		return true
	case s.AssignedTo != "":
		return rel.Assigned
	case s.UnitID != "":
		return rel.UnitID == s.UnitID
	}
	return false
}

// Allows is the single-read form of the check scope: the project's scope,
// and for a volunteer only their own checks on it.
func (s CheckScope) Allows(rel CheckRelation) bool {
	if !s.Project.Allows(rel.Project) {
		return false
	}
	return s.AuthorID == "" || rel.AuthorID == s.AuthorID
}

// Allows is the single-read form of the order scope. A contractor follows
// the order's own unit (the unit it was issued to), not the project's
// current unit; a volunteer follows the road's assignment.
func (s OrderScope) Allows(rel OrderRelation) bool {
	switch {
	case s.None:
		return false
	case s.All:
		return true
	case s.UnitID != "":
		return rel.UnitID == s.UnitID
	case s.AssignedTo != "":
		return rel.Project.Assigned
	}
	return false
}
