package policy

import (
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// ErrPasswordChangeRequired answers every request but reading oneself and
// changing one's password from an account whose password was set by someone
// else (a reset, or the CLI): that password has been seen by an admin, so it
// proves nothing until its owner replaces it.
var ErrPasswordChangeRequired = &errs.Error{Kind: errs.KindForbidden, Code: "password_change_required",
	Message: "change your password (POST /api/v1/me/password) before doing anything else"}

// SessionUsable decides whether the caller may use the API beyond their own
// account routes.
func SessionUsable(p auth.Principal) error {
	if p.MustChangePassword {
		return ErrPasswordChangeRequired
	}
	return nil
}
