package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// The phones' sync feed files each change under keys, one per way of
// seeing the changed object, and a phone reads the changes filed under the
// keys of its caller. Both sides are written here from the same scopes as
// the lists and single reads, so "who sees what" stays one rule: a caller
// whose scope Allows an object holds one of the object's keys, and no
// other caller does (TestFeedKeysMatchTheScopes).
//
// The namespaces are shared between kinds where the scopes are: "unit:X"
// is both a contractor's projects (by the project's unit) and orders (by
// the order's own unit); "project:P" is both the road and its orders for
// a volunteer assigned to it.
const (
	feedEveryone    = "all"
	feedAllProjects = "projects:all"
	feedAllOrders   = "orders:all"
)

func feedUser(id string) string    { return "user:" + id }
func feedProject(id string) string { return "project:" + id }
func feedUnit(id string) string    { return "unit:" + id }

// FeedNeedsAssignments says whether FeedKeys needs the projects p is
// assigned to (a volunteer's scope follows them).
func FeedNeedsAssignments(p auth.Principal) bool {
	return ProjectListScope(p).AssignedTo != "" || OrderListScope(p).AssignedTo != ""
}

// FeedKeys are the keys whose changes p's phone receives: checklists,
// their own checks and what is filed for them personally (an assignment
// given or taken away), and the projects and orders of their scopes.
// assigned lists the projects p is assigned to, when FeedNeedsAssignments.
func FeedKeys(p auth.Principal, assigned []string) []string {
	keys := []string{feedEveryone}
	if p.UserID != "" {
		keys = append(keys, feedUser(p.UserID))
	}
	ps, os := ProjectListScope(p), OrderListScope(p)
	switch {
	case ps.None:
	case ps.All:
		keys = append(keys, feedAllProjects)
	case ps.AssignedTo != "":
		for _, id := range assigned {
			keys = append(keys, feedProject(id))
		}
	case ps.UnitID != "":
		keys = append(keys, feedUnit(ps.UnitID))
	}
	switch {
	case os.None:
	case os.All:
		keys = append(keys, feedAllOrders)
	case os.UnitID != "":
		keys = append(keys, feedUnit(os.UnitID))
	case os.AssignedTo != "":
		for _, id := range assigned {
			keys = append(keys, feedProject(id))
		}
	}
	return dedupe(keys)
}

// ChecklistFeedKeys: every phone fills in checklists.
func ChecklistFeedKeys() []string { return []string{feedEveryone} }

// CheckFeedKeys: a phone carries its user's own checks.
func CheckFeedKeys(authorID string) []string { return []string{feedUser(authorID)} }

// ProjectFeedKeys are the keys of a project in unitID: whoever sees every
// project, its assignees, its unit.
func ProjectFeedKeys(projectID, unitID string) []string {
	keys := []string{feedAllProjects, feedProject(projectID)}
	if unitID != "" {
		keys = append(keys, feedUnit(unitID))
	}
	return keys
}

// OrderFeedKeys are the keys of an order on projectID issued to unitID:
// whoever sees every order, the road's assignees, the responsible unit.
func OrderFeedKeys(projectID, unitID string) []string {
	keys := []string{feedAllOrders, feedProject(projectID)}
	if unitID != "" {
		keys = append(keys, feedUnit(unitID))
	}
	return keys
}

// AssignmentFeedKey files an assignment given to or taken from userID for
// that user alone: their scope gains or loses the project (and its orders)
// at that point, though earlier changes were filed under keys they did not
// hold then; the feed expands such an entry on read.
func AssignmentFeedKey(userID string) string { return feedUser(userID) }

func dedupe(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
