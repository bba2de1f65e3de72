package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// Actions on look-back (post-completion) campaigns.
const (
	ViewCampaigns   Action = "campaign.view"
	CreateCampaign  Action = "campaign.create"
	AssignTask      Action = "campaign.task.assign"
	InspectTaskWork Action = "campaign.task.inspect"
)

// Campaigns decides the campaign actions that are not about one task.
// Look-back campaigns are the county's own inspections of finished work:
// the office runs them, inspectors carry them out and see their progress;
// volunteers (who watch roads under construction) and contractors (who are
// the ones inspected) see none of it, whatever the campaign, so they are
// refused with 403 before any lookup and learn nothing of what exists.
func Campaigns(p auth.Principal, a Action) error {
	switch a {
	case ViewCampaigns:
		if seesAll(p.Role) {
			return nil
		}
	case CreateCampaign, AssignTask:
		if isOffice(p.Role) {
			return nil
		}
	}
	return denied(a)
}

// TaskScope is the filter a task list must apply for the caller.
type TaskScope struct {
	All bool
	// OpenOr: tasks assigned to this user, and tasks assigned to nobody
	// (which an inspector may take by filing the inspection).
	OpenOr string
}

// TaskListScope: the office sees every task of a campaign. An inspector
// sees the tasks assigned to them and the unassigned ones they could take,
// not their colleagues' — nothing there is secret (inspectors see every
// project and check), but a work list is the inspector's own.
func TaskListScope(p auth.Principal) TaskScope {
	if isOffice(p.Role) {
		return TaskScope{All: true}
	}
	return TaskScope{OpenOr: p.UserID}
}

// TaskInspection decides whether p may file the inspection of a task
// assigned to assigneeID ("" for nobody): its assignee, the office, or any
// inspector when nobody is assigned (the task then becomes theirs).
func TaskInspection(p auth.Principal, assigneeID string) error {
	switch {
	case isOffice(p.Role):
		return nil
	case p.Role == auth.RoleInspector && (assigneeID == "" || assigneeID == p.UserID):
		return nil
	}
	return denied(InspectTaskWork)
}
