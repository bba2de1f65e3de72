// Package scopesql writes the policy's scopes as SQL conditions, so every
// persistence package filters its lists by the very value whose Allows
// decides the single read.
package scopesql

import (
	"github.com/fieldproof/fieldproof/internal/policy"
)

// The SQL forms of the policy's scopes. Each takes the column naming the
// object's project (or the order's unit) so every list of that kind of
// object — lists, exports, notifications — filters by the very value whose
// Allows decides the single read; none carries its own copy of the rule.

// Project restricts rows whose project id is in projectIDCol.
func Project(projectIDCol string, s policy.ProjectScope) (string, []any) {
	switch {
	case s.None:
		return "1 = 0", nil
	case s.All:
		return "1 = 1", nil
	case s.AssignedTo != "":
		return "EXISTS (SELECT 1 FROM project_assignments sc_pa WHERE sc_pa.project_id = " + projectIDCol +
			" AND sc_pa.user_id = ?)", []any{s.AssignedTo}
	case s.UnitID != "":
		return "EXISTS (SELECT 1 FROM projects sc_p WHERE sc_p.id = " + projectIDCol + " AND sc_p.unit_id = ?)",
			[]any{s.UnitID}
	}
	return "1 = 0", nil
}

// Check restricts rows of the checks table.
func Check(s policy.CheckScope) (string, []any) {
	cond, args := Project("checks.project_id", s.Project)
	if s.AuthorID != "" {
		cond = "(" + cond + " AND checks.author_id = ?)"
		args = append(args, s.AuthorID)
	}
	return cond, args
}

// Order restricts rows naming an order: idCol is the order's id,
// so the same condition serves the orders table and what refers to it
// (notifications).
func Order(idCol string, s policy.OrderScope) (string, []any) {
	switch {
	case s.None:
		return "1 = 0", nil
	case s.All:
		return "1 = 1", nil
	case s.UnitID != "":
		return "EXISTS (SELECT 1 FROM orders sc_o WHERE sc_o.id = " + idCol + " AND sc_o.unit_id = ?)", []any{s.UnitID}
	case s.AssignedTo != "":
		return "EXISTS (SELECT 1 FROM orders sc_o JOIN project_assignments sc_pa ON sc_pa.project_id = sc_o.project_id" +
			" WHERE sc_o.id = " + idCol + " AND sc_pa.user_id = ?)", []any{s.AssignedTo}
	}
	return "1 = 0", nil
}
