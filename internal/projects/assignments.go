package projects

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// NewAssignment names the user to put on a project. BadgeNo is the
// volunteer's badge (群众监督员证); when empty the user's own is used.
type NewAssignment struct {
	UserID  string
	BadgeNo string
}

func unprocessable(field, code, msg string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Add(field, code, msg)
	return v.Err()
}

// Assign puts an inspector or a volunteer on a project. The user's role
// decides the assignment's. Assigning someone already assigned is not an
// error: it returns the assignment (with the badge updated if a new one was
// given) and created=false.
func (s *Service) Assign(ctx context.Context, p auth.Principal, projectID string, na NewAssignment) (a Assignment, created bool, err error) {
	userID, badge := strings.TrimSpace(na.UserID), strings.TrimSpace(na.BadgeNo)
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(userID == "", "user_id", "required", "is required")
	v.Check(!utf8.ValidString(badge) || utf8.RuneCountInString(badge) > 40, "badge_no", "too_long", "must be at most 40 characters")
	if err := v.Err(); err != nil {
		return Assignment{}, false, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		// The lock serialises assignments to one project, so two at once
		// cannot both take the last volunteer place.
		if _, err := s.authorize(ctx, p, projectID, policy.ManageAssignments, true); err != nil {
			return err
		}
		u, err := s.store.Assignee(ctx, userID)
		switch {
		case isNotFound(err):
			return unprocessable("user_id", "not_found", "no such user")
		case err != nil:
			return err
		case u.Disabled:
			return unprocessable("user_id", "disabled", "the user is disabled")
		}
		switch u.Role {
		case auth.RoleVolunteer:
			if badge == "" {
				badge = u.BadgeNo
			}
			if badge == "" {
				return unprocessable("badge_no", "required", "a volunteer supervisor needs a badge number")
			}
		case auth.RoleInspector:
			if badge != "" {
				return unprocessable("badge_no", "not_allowed", "only volunteer supervisors carry a badge")
			}
		default:
			return unprocessable("user_id", "not_assignable", "only inspectors and volunteers can be assigned to a project")
		}
		existing, err := s.store.Assignment(ctx, projectID, userID)
		found := err == nil
		if err != nil && !isNotFound(err) {
			return err
		}
		if found && existing.BadgeNo == badge && existing.Role == u.Role {
			a = existing
			return nil
		}
		if u.Role == auth.RoleVolunteer && (!found || existing.Role != auth.RoleVolunteer) {
			if err := s.checkVolunteerPlace(ctx, projectID); err != nil {
				return err
			}
		}
		a = Assignment{ProjectID: projectID, UserID: userID, Role: u.Role, BadgeNo: badge, AssignedBy: p.UserID,
			CreatedAt: s.now()}
		if found {
			a.AssignedBy, a.CreatedAt = existing.AssignedBy, existing.CreatedAt
		}
		if err := s.store.SaveAssignment(ctx, a); err != nil {
			return err
		}
		created = !found
		return s.audit(ctx, p, "project.assign", projectID, map[string]any{"user_id": userID, "role": a.Role, "badge_no": badge})
	})
	if err != nil {
		return Assignment{}, false, err
	}
	// Re-read for the user's name, which the insert did not need.
	full, err := s.store.Assignment(ctx, projectID, userID)
	if err != nil {
		return Assignment{}, false, err
	}
	return full, created, nil
}

func (s *Service) checkVolunteerPlace(ctx context.Context, projectID string) error {
	limit := s.opts.MaxVolunteersPerProject
	if limit <= 0 {
		return nil
	}
	n, err := s.store.CountAssigned(ctx, projectID, auth.RoleVolunteer)
	if err != nil {
		return err
	}
	if n >= limit {
		return &errs.Error{Kind: errs.KindConflict, Code: "too_many_volunteers",
			Message: fmt.Sprintf("a project has at most %d volunteer supervisors", limit),
			Extra:   map[string]any{"max": limit}}
	}
	return nil
}

// Unassign takes a user off a project.
func (s *Service) Unassign(ctx context.Context, p auth.Principal, projectID, userID string) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.authorize(ctx, p, projectID, policy.ManageAssignments, true); err != nil {
			return err
		}
		ok, err := s.store.DeleteAssignment(ctx, projectID, userID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("assignment")
		}
		return s.audit(ctx, p, "project.unassign", projectID, map[string]any{"user_id": userID})
	})
}

// Assignments lists who is assigned to a project, by role then username.
func (s *Service) Assignments(ctx context.Context, p auth.Principal, projectID string) ([]Assignment, error) {
	if _, err := s.authorize(ctx, p, projectID, policy.ViewAssignments, false); err != nil {
		return nil, err
	}
	return s.store.ListAssignments(ctx, projectID)
}
