package policy

import (
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// EditIndicators: add, change and remove a project's assessment indicators
// (考核指标). The indicators and their plans are what the county judges each
// responsible unit by, so the office sets them, never the unit judged.
// Reading them is ViewProject: whoever sees the project sees what it is
// judged on.
const EditIndicators Action = "project.indicators.edit"

// Indicators decides an action on a project's indicators. A caller who
// cannot see the project is refused as for any project action (services
// answer not-found first).
func Indicators(p auth.Principal, a Action, rel ProjectRelation) error {
	if !CanSeeProject(p, rel) {
		return denied(a)
	}
	switch a {
	case ViewProject:
		return nil
	case EditIndicators:
		if isOffice(p.Role) {
			return nil
		}
		return &errs.Error{Kind: errs.KindForbidden, Code: "forbidden",
			Message: "you may not change this project's indicators"}
	}
	return denied(a)
}
