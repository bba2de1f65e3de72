package auth

import (
	"context"
	"time"
)

// Store is what the auth service needs from persistence.
type Store interface {
	CreateUser(ctx context.Context, u User) error
	UserByID(ctx context.Context, id string) (User, error)
	UserByUsername(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)
	UpdateUser(ctx context.Context, u User) error

	InsertRefreshToken(ctx context.Context, t RefreshToken) error
	RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error)
	// MarkRotated sets rotated_at on a live token and reports whether this
	// call did it, so two concurrent refreshes with one token cannot both win.
	MarkRotated(ctx context.Context, id string, at time.Time) (bool, error)
	RevokeFamily(ctx context.Context, familyID string, at time.Time) error
	RevokeUserTokens(ctx context.Context, userID string, at time.Time) error
	// EndSessions moves the user's session generation on (atomically, in the
	// database) and revokes their refresh tokens, returning the new
	// generation: every token issued before is refused from then on.
	EndSessions(ctx context.Context, userID string, at time.Time) (int64, error)

	// LoginFailures reads the count for key in the window starting after
	// since: a cheap early refusal, not the limit's guarantee.
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	// CountLoginAttempt counts one attempt for key in one atomic statement
	// and returns the count in the current window (a window older than
	// `window` starts again at one), so concurrent attempts on any replica
	// each see a distinct count.
	CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, error)
	// RefundLoginAttempt takes back one counted attempt that was not a
	// failure.
	RefundLoginAttempt(ctx context.Context, key string) error
	ResetLoginFailures(ctx context.Context, key string) error

	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// UserFilter narrows a user list.
type UserFilter struct {
	Role  Role
	Query string
	Limit int
	After string // username cursor
}

// UnitResolver turns a responsible unit's name into its id, creating it if
// new (the org package does this; auth only needs the id).
type UnitResolver func(ctx context.Context, name string) (id string, err error)
