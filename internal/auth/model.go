// Package auth knows who is calling: users and their roles, passwords,
// access tokens (JWT) and refresh tokens, and login throttling. What a caller
// may do is the policy package's business, not this one's.
package auth

import "time"

// User is a person with a login.
type User struct {
	ID                 string
	Username           string
	DisplayName        string
	Role               Role
	UnitID             string // responsible unit, for contractors and bureau staff
	UnitName           string
	BadgeNo            string // volunteers' badge from the county transport bureau
	Phone              string
	PasswordHash       string
	Disabled           bool
	MustChangePassword bool
	// SessionGen is the generation of the user's sessions: tokens carry the
	// one they were issued under and die when it moves on (EndSessions).
	SessionGen int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Principal is how the user appears in a token.
func (u User) Principal() Principal {
	return Principal{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitID,
		MustChangePassword: u.MustChangePassword}
}

// Tokens answer a login or refresh.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
}

// RefreshToken is the stored form of an opaque refresh token: only its hash
// is kept, so a database leak does not hand out sessions.
type RefreshToken struct {
	ID        string
	FamilyID  string // all tokens rotated from one login
	UserID    string
	TokenHash string
	// SessionGen is the user's session generation when the family began.
	SessionGen int64
	ExpiresAt  time.Time
	CreatedAt  time.Time
	RotatedAt  *time.Time
	RevokedAt  *time.Time
}

// NewUser is what an admin (or the CLI) supplies to create a user.
type NewUser struct {
	Username    string
	DisplayName string
	Role        Role
	Unit        string // unit name; created if new
	BadgeNo     string
	Phone       string
	Password    string
}

// UserUpdate is an admin's change to a user; nil fields stay as they are.
type UserUpdate struct {
	DisplayName *string
	Role        *Role
	Unit        *string
	BadgeNo     *string
	Phone       *string
	Disabled    *bool
}
