package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
)

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// AdminUsername is the account created on first start.
const AdminUsername = "admin"

// CreateUser adds a user. Callers (the HTTP layer, the CLI) check with the
// policy that the caller may manage users.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (User, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(!usernameRe.MatchString(n.Username), "username", "invalid",
		"2-64 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
	v.Check(!n.Role.Valid(), "role", "invalid", "must be one of admin, office, inspector, volunteer, contractor")
	v.Check(len(n.Password) < MinPasswordLength || len(n.Password) > 256, "password", "too_short",
		fmt.Sprintf("must be %d to 256 characters", MinPasswordLength))
	v.Check(n.Role == RoleContractor && strings.TrimSpace(n.Unit) == "", "unit", "required",
		"a contractor must belong to a responsible unit")
	v.Check(n.Role == RoleVolunteer && strings.TrimSpace(n.BadgeNo) == "", "badge_no", "required",
		"a volunteer road supervisor needs the badge number the transport bureau issued")
	v.Check(len(n.DisplayName) > 200 || len(n.Phone) > 40 || len(n.BadgeNo) > 40, "display_name", "too_long", "a field is too long")
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(ctx, n.Password)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	u := User{ID: uuid.Must(uuid.NewV7()).String(), Username: n.Username, DisplayName: strings.TrimSpace(n.DisplayName),
		Role: n.Role, BadgeNo: strings.TrimSpace(n.BadgeNo), Phone: strings.TrimSpace(n.Phone),
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if unit := strings.TrimSpace(n.Unit); unit != "" {
		if u.UnitID, err = s.units(ctx, unit); err != nil {
			return User{}, fmt.Errorf("resolve unit: %w", err)
		}
		u.UnitName = unit
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, "user.create", u.ID, map[string]any{"username": u.Username, "role": u.Role, "unit_id": u.UnitID})
	})
	if err != nil {
		if errors.Is(err, errs.ErrConflict) {
			return User{}, errs.Conflict("username_taken", "that username is taken")
		}
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// GetUser loads one user.
func (s *Service) GetUser(ctx context.Context, id string) (User, error) {
	if _, err := uuid.Parse(id); err != nil {
		return User{}, errs.NotFound("user")
	}
	return s.store.UserByID(ctx, id)
}

// ListUsers lists users by username.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, &errs.Error{Kind: errs.KindInvalid, Code: "invalid_parameter", Message: "unknown role",
			Fields: []errs.FieldError{{Field: "role", Code: "invalid", Message: "unknown role"}}}
	}
	return s.store.ListUsers(ctx, f)
}

// UpdateUser applies an admin's change. Disabling a user ends their sessions
// (access tokens too, so re-enabling does not bring old ones back); changing
// their role or unit revokes their refresh tokens, so the change reaches
// every phone.
func (s *Service) UpdateUser(ctx context.Context, actor Principal, id string, up UserUpdate) (User, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	before := u
	v := errs.NewValidation(errs.KindUnprocessable)
	if up.Role != nil {
		v.Check(!up.Role.Valid(), "role", "invalid", "must be one of admin, office, inspector, volunteer, contractor")
	}
	v.Check(actor.UserID == id && ((up.Disabled != nil && *up.Disabled) || (up.Role != nil && *up.Role != RoleAdmin)),
		"role", "self_lockout", "an admin cannot disable or demote their own account")
	if err := v.Err(); err != nil {
		return User{}, err
	}
	revoke, end := false, false
	if up.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*up.DisplayName)
	}
	if up.Phone != nil {
		u.Phone = strings.TrimSpace(*up.Phone)
	}
	if up.BadgeNo != nil {
		u.BadgeNo = strings.TrimSpace(*up.BadgeNo)
	}
	if up.Role != nil && *up.Role != u.Role {
		u.Role, revoke = *up.Role, true
	}
	if up.Disabled != nil && *up.Disabled != u.Disabled {
		u.Disabled = *up.Disabled
		end = u.Disabled
	}
	if up.Unit != nil {
		if name := strings.TrimSpace(*up.Unit); name == "" {
			u.UnitID, u.UnitName = "", ""
		} else if u.UnitID, err = s.units(ctx, name); err != nil {
			return User{}, fmt.Errorf("resolve unit: %w", err)
		} else {
			u.UnitName = name
		}
		revoke = true
	}
	v = errs.NewValidation(errs.KindUnprocessable)
	v.Check(u.Role == RoleContractor && u.UnitID == "", "unit", "required", "a contractor must belong to a responsible unit")
	v.Check(u.Role == RoleVolunteer && u.BadgeNo == "", "badge_no", "required", "a volunteer needs a badge number")
	if err := v.Err(); err != nil {
		return User{}, err
	}
	u.UpdatedAt = s.now()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		changes := userChanges(before, u)
		if err := s.audit(ctx, "user.update", u.ID, changes); err != nil {
			return err
		}
		switch {
		case end:
			gen, err := s.store.EndSessions(ctx, u.ID, u.UpdatedAt)
			u.SessionGen = gen
			return err
		case revoke:
			return s.store.RevokeUserTokens(ctx, u.ID, u.UpdatedAt)
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// ResetPassword sets a new password (generated when empty), forces a change
// at next login and ends every session of that user.
func (s *Service) ResetPassword(ctx context.Context, id, password string) (User, string, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, "", err
	}
	if password == "" {
		if password, err = GeneratePassword(); err != nil {
			return User{}, "", err
		}
	} else if len(password) < MinPasswordLength || len(password) > 256 {
		return User{}, "", &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed", Message: "password too short",
			Fields: []errs.FieldError{{Field: "password", Code: "too_short", Message: fmt.Sprintf("must be %d to 256 characters", MinPasswordLength)}}}
	}
	if u.PasswordHash, err = s.hashPassword(ctx, password); err != nil {
		return User{}, "", err
	}
	u.MustChangePassword = true
	u.UpdatedAt = s.now()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := s.audit(ctx, "user.reset_password", u.ID, nil); err != nil {
			return err
		}
		gen, err := s.store.EndSessions(ctx, u.ID, u.UpdatedAt)
		u.SessionGen = gen
		return err
	})
	if err != nil {
		return User{}, "", fmt.Errorf("reset password: %w", err)
	}
	return u, password, nil
}

// ChangePassword lets a user replace their own password. It ends every
// session of theirs, this one included: whoever held a token issued under
// the old password holds nothing now, and the user logs in with the new one.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	ok, err := s.verifyPassword(ctx, u.PasswordHash, current)
	if errors.Is(err, errHashBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err != nil || !ok {
		return &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed", Message: "current password is wrong",
			Fields: []errs.FieldError{{Field: "current_password", Code: "wrong", Message: "is wrong"}}}
	}
	if len(next) < MinPasswordLength || len(next) > 256 {
		return &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed", Message: "new password too short",
			Fields: []errs.FieldError{{Field: "new_password", Code: "too_short", Message: fmt.Sprintf("must be %d to 256 characters", MinPasswordLength)}}}
	}
	if u.PasswordHash, err = s.hashPassword(ctx, next); err != nil {
		return err
	}
	u.MustChangePassword = false
	u.UpdatedAt = s.now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := s.audit(ctx, "user.change_password", u.ID, nil); err != nil {
			return err
		}
		_, err := s.store.EndSessions(ctx, u.ID, u.UpdatedAt)
		return err
	})
}

// EnsureAdmin creates the admin account on first start. It returns the
// password only when it generated one, so the caller can print it once.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	_, err = s.store.UserByUsername(ctx, AdminUsername)
	if err == nil {
		return false, "", nil
	}
	if !errors.Is(err, errs.ErrNotFound) {
		return false, "", fmt.Errorf("look up admin: %w", err)
	}
	if password == "" {
		if generated, err = GeneratePassword(); err != nil {
			return false, "", err
		}
		password = generated
	}
	_, err = s.CreateUser(ctx, NewUser{Username: AdminUsername, DisplayName: "Administrator", Role: RoleAdmin, Password: password})
	if errors.Is(err, errs.ErrConflict) {
		return false, "", nil // another replica created it first
	}
	if err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// userChanges lists what an admin changed on a user, never the password hash.
func userChanges(before, after User) map[string][2]any {
	out := map[string][2]any{}
	add := func(name string, a, b any) {
		if a != b {
			out[name] = [2]any{a, b}
		}
	}
	add("display_name", before.DisplayName, after.DisplayName)
	add("role", before.Role, after.Role)
	add("unit_id", before.UnitID, after.UnitID)
	add("badge_no", before.BadgeNo, after.BadgeNo)
	add("phone", before.Phone, after.Phone)
	add("disabled", before.Disabled, after.Disabled)
	return out
}
