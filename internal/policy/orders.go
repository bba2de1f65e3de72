package policy

import (
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// Actions on rectification orders, their responses, the office's triage of
// volunteer reports, notifications and webhooks.
const (
	CreateOrder      Action = "order.create"
	ViewOrder        Action = "order.view"
	AcknowledgeOrder Action = "order.acknowledge"
	RespondOrder     Action = "order.respond"
	VerifyOrder      Action = "order.verify"
	RejectOrder      Action = "order.reject"
	CancelOrder      Action = "order.cancel"
	// AttachResponsePhoto and ViewResponsePhoto decide the photos of a
	// response, through photos.Parents, like AttachPhoto/ViewCheck for checks.
	AttachResponsePhoto Action = "order.response.photo.attach"
	ViewResponsePhoto   Action = "order.response.photo.view"
	TriageReports       Action = "order.triage"
	ManageWebhooks      Action = "webhook.manage"
)

// OrderRelation is what the policy needs about one order and the caller.
type OrderRelation struct {
	// Project is the order's project (Assigned: the caller watches it).
	Project ProjectRelation
	// UnitID is the order's responsible unit.
	UnitID string
	// ResponseAuthorID is the author of the response a photo belongs to,
	// for AttachResponsePhoto.
	ResponseAuthorID string
}

// OrderView is how much of an order a caller may read.
type OrderView int

// The views, from nothing to everything.
const (
	// OrderViewNone: the caller may not know the order exists.
	OrderViewNone OrderView = iota
	// OrderViewStatus: a volunteer on the road sees where the defect they
	// reported stands — status, deadline, the timeline's steps — but not
	// who said what, the responses or the office's notes.
	OrderViewStatus
	// OrderViewUnit: the responsible unit sees its order, its timeline with
	// reasons, and its responses with photos, but not the internal notes.
	OrderViewUnit
	// OrderViewFull: county staff see everything.
	OrderViewFull
)

// OrderViewOf decides how much of an order p may read: nothing outside the
// caller's order scope (the same rule the lists apply), and within it what
// the caller's role reads of every order in their list.
func OrderViewOf(p auth.Principal, rel OrderRelation) OrderView {
	if !OrderListScope(p).Allows(rel) {
		return OrderViewNone
	}
	return OrderListView(p)
}

// CanSeeOrder: staff see every order, a contractor its unit's, a volunteer
// those on the roads assigned to them. Services answer not-found otherwise.
func CanSeeOrder(p auth.Principal, rel OrderRelation) bool {
	return OrderListScope(p).Allows(rel)
}

func orderDenied(a Action, msg string) error {
	return &errs.Error{Kind: errs.KindForbidden, Code: "forbidden", Message: msg,
		Extra: map[string]any{"action": string(a)}}
}

// Order decides an action on one existing order.
func Order(p auth.Principal, a Action, rel OrderRelation) error {
	view := OrderViewOf(p, rel)
	if view == OrderViewNone {
		return orderDenied(a, "you may not see this order")
	}
	switch a {
	case ViewOrder:
		return nil
	case AcknowledgeOrder, RespondOrder:
		// The responsible unit answers its own orders; nobody answers for it.
		if view == OrderViewUnit {
			return nil
		}
		return orderDenied(a, "only the responsible unit acknowledges and answers an order")
	case VerifyOrder, RejectOrder:
		// Verification is the county's: an inspector (or the office) who
		// went to see, never the contractor who did the work.
		if seesAll(p.Role) {
			return nil
		}
		return orderDenied(a, "only an inspector or the office verifies or rejects a rectification")
	case CancelOrder:
		if isOffice(p.Role) {
			return nil
		}
		return orderDenied(a, "only the office cancels an order")
	case AttachResponsePhoto:
		// The response's author carries its photos; the office may attach
		// what reached it another way, as for checks.
		if (view == OrderViewUnit && rel.ResponseAuthorID == p.UserID) || isOffice(p.Role) {
			return nil
		}
		return orderDenied(a, "only the author of the response attaches its photos")
	case ViewResponsePhoto:
		if view >= OrderViewUnit {
			return nil
		}
		return orderDenied(a, "you may not see the photos of this response")
	}
	return orderDenied(a, "you may not do this")
}

// OrderCreation decides whether p may issue an order on a project: county
// staff who can see it. Contractors and volunteers issue none.
func OrderCreation(p auth.Principal, rel ProjectRelation) error {
	if seesAll(p.Role) && CanSeeProject(p, rel) {
		return nil
	}
	return orderDenied(CreateOrder, "only an inspector or the office issues rectification orders")
}

// Triage: the office decides what becomes of a volunteer's failed check.
func Triage(p auth.Principal) error {
	if isOffice(p.Role) {
		return nil
	}
	return orderDenied(TriageReports, "only the office triages volunteer reports")
}

// Webhooks: endpoints and their secrets are the administrator's.
func Webhooks(p auth.Principal) error {
	if p.Role == auth.RoleAdmin {
		return nil
	}
	return orderDenied(ManageWebhooks, "only an administrator manages webhooks")
}

// OrderScope is the filter an order list must apply for the caller.
type OrderScope struct {
	All bool
	// UnitID restricts to one unit's orders (contractors).
	UnitID string
	// AssignedTo restricts to orders on projects assigned to this user
	// (volunteers).
	AssignedTo string
	None       bool
}

// OrderListView is how much of each order in the caller's scoped list
// they may read: every order OrderListScope lets through is one they relate
// to in the same way.
func OrderListView(p auth.Principal) OrderView {
	switch {
	case seesAll(p.Role):
		return OrderViewFull
	case p.Role == auth.RoleContractor && p.UnitID != "":
		return OrderViewUnit
	case p.Role == auth.RoleVolunteer:
		return OrderViewStatus
	}
	return OrderViewNone
}

// OrderListScope turns the caller into a list filter consistent with
// CanSeeOrder.
func OrderListScope(p auth.Principal) OrderScope {
	switch {
	case seesAll(p.Role):
		return OrderScope{All: true}
	case p.Role == auth.RoleContractor && p.UnitID != "":
		return OrderScope{UnitID: p.UnitID}
	case p.Role == auth.RoleVolunteer:
		return OrderScope{AssignedTo: p.UserID}
	}
	return OrderScope{None: true}
}

// ViewOverview: county-wide dashboards and exports.
const ViewOverview Action = "overview.view"

// Overview: the county-wide dashboards and exports are for the roles that
// see every project and every check (admin, office, inspector); volunteers
// and contractors, who see a slice, get 403 rather than a silently partial
// county.
func Overview(p auth.Principal) error {
	if seesAll(p.Role) {
		return nil
	}
	return denied(ViewOverview)
}
