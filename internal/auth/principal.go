package auth

import "context"

// Role is what a user is to the county's programme.
type Role string

// The roles. DOMAIN.md describes who each is.
const (
	RoleAdmin      Role = "admin"
	RoleOffice     Role = "office"
	RoleInspector  Role = "inspector"
	RoleVolunteer  Role = "volunteer"
	RoleContractor Role = "contractor"
)

// Roles lists every role, for validation and for the route × role tests.
var Roles = []Role{RoleAdmin, RoleOffice, RoleInspector, RoleVolunteer, RoleContractor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Principal is the authenticated caller, as the access token describes it.
// Services take it as an argument so every rule can ask who is acting.
type Principal struct {
	UserID   string
	Username string
	Role     Role
	// UnitID is the responsible unit a contractor (or bureau staff) belongs
	// to; empty when none.
	UnitID string
	// MustChangePassword: until the caller changes their password they may
	// only read themselves, change it and log out (policy.SessionUsable).
	MustChangePassword bool
}

type principalKey struct{}

// WithPrincipal stores p in ctx (done once by the HTTP auth middleware).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller stored in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
