package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Options configure the service.
type Options struct {
	Tokens TokenConfig
	// Login throttling: at most MaxFailures failed logins per account and
	// MaxIPFailures per client address within Window.
	MaxFailures   int
	MaxIPFailures int
	Window        time.Duration
	// Audit records user administration in the same transaction; nil: none.
	Audit Auditor
	// HashConcurrency bounds the password hashes computed at once (default:
	// the cores); a login waits at most HashWait (default 10 s) for its turn,
	// then answers 503 with Retry-After.
	HashConcurrency int
	HashWait        time.Duration
	// HashCost is the work in new password hashes; zero: production's.
	HashCost HashCost
}

// Auditor is the audit log as this package sees it (audit imports auth for
// Principal, so the interface is declared here).
type Auditor interface {
	Record(ctx context.Context, p Principal, action, entity, entityID string, changes any) error
}

// audit records a write on a user by the caller in ctx (the CLI has none:
// the log says "system").
func (s *Service) audit(ctx context.Context, action, userID string, changes any) error {
	if s.opts.Audit == nil {
		return nil
	}
	p, _ := PrincipalFrom(ctx)
	return s.opts.Audit.Record(ctx, p, action, "user", userID, changes)
}

// Service authenticates people and manages users.
type Service struct {
	store  Store
	units  UnitResolver
	tokens *tokens
	opts   Options
	now    func() time.Time
	hashes *hashGate
	argon  argonParams
	dummy  func() string
}

// NewService builds the auth service.
func NewService(store Store, units UnitResolver, opts Options, now func() time.Time) (*Service, error) {
	if now == nil {
		now = time.Now
	}
	utc := func() time.Time { return now().UTC() }
	t, err := newTokens(opts.Tokens, utc)
	if err != nil {
		return nil, err
	}
	argon := opts.HashCost.params()
	return &Service{store: store, units: units, tokens: t, opts: opts, now: utc,
		hashes: newHashGate(opts.HashConcurrency, opts.HashWait), argon: argon, dummy: dummyHash(argon)}, nil
}

// errBadCredentials is the one answer for unknown user, wrong password and
// disabled account, so a login form cannot be used to find accounts.
var errBadCredentials = &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_credentials",
	Message: "the username or password is wrong"}

func throttled(retry time.Duration) error {
	return &errs.Error{Kind: errs.KindTooManyRequests, Code: "too_many_login_attempts",
		Message: "too many failed logins; wait before trying again", RetryAfter: retry}
}

// Login checks a password and opens a new token family.
//
// Every attempt is counted before its password is checked, in one atomic
// statement per key, and only an attempt whose count is within the limit goes
// on to the check: replicas share nothing but the database, and counting
// after the check let twenty simultaneous guesses all reach it. The count is
// taken once the attempt holds a hashing slot and a success is settled before
// it lets go, so honest logins queued behind one another (a shift behind one
// office NAT) are never counted while they wait: at most the slots' worth of
// attempts are counted and unsettled at once. An attempt that turns out not
// to be a failure (right password, throttled) is given back.
func (s *Service) Login(ctx context.Context, username, password, clientIP string) (Tokens, error) {
	username = strings.TrimSpace(username)
	v := errs.NewValidation(errs.KindInvalid)
	v.Check(username == "" || len(username) > 64, "username", "required", "is required (at most 64 characters)")
	v.Check(password == "" || len(password) > 256, "password", "required", "is required (at most 256 characters)")
	if err := v.Err(); err != nil {
		return Tokens{}, err
	}
	now := s.now()
	limits := []loginLimit{{"user:" + strings.ToLower(username), s.opts.MaxFailures}, {"ip:" + clientIP, s.opts.MaxIPFailures}}
	// A locked key is refused here, without queueing for a hashing slot.
	for _, l := range limits {
		if l.max <= 0 {
			continue
		}
		n, err := s.store.LoginFailures(ctx, l.key, now.Add(-s.opts.Window))
		if err != nil {
			return Tokens{}, fmt.Errorf("login throttle: %w", err)
		}
		if n >= l.max {
			return Tokens{}, throttled(s.opts.Window)
		}
	}
	u, err := s.store.UserByUsername(ctx, username)
	hash := s.dummy()
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !errors.Is(err, errs.ErrNotFound):
		return Tokens{}, fmt.Errorf("login: %w", err)
	}
	var (
		admitErr, settleErr error
		ok                  bool
		verr                error
	)
	gerr := s.hashes.do(ctx, func() {
		if admitErr = s.admitLogin(ctx, limits, now); admitErr != nil {
			return
		}
		ok, verr = VerifyPassword(hash, password)
		if err == nil && verr == nil && ok && !u.Disabled {
			// Settled before the slot is freed, so the attempts counted and
			// not yet settled are at most the slots (per replica).
			settleErr = s.settleLogin(ctx, limits)
		}
	})
	if gerr != nil {
		return Tokens{}, gerr // no slot in time: nothing was counted or checked
	}
	if admitErr != nil {
		return Tokens{}, admitErr // throttled, or the count failed; nothing stays counted
	}
	if err != nil || verr != nil || !ok || u.Disabled {
		return Tokens{}, errBadCredentials // the attempt stays counted: a failure
	}
	if settleErr != nil {
		return Tokens{}, settleErr
	}
	return s.issue(ctx, u, uuid.NewString(), now)
}

type loginLimit struct {
	key string
	max int
}

// admitLogin counts the attempt against each limit in turn, or refuses it;
// a refused attempt is given back everywhere, so a sprayer throttled by
// address does not lock the accounts it names.
func (s *Service) admitLogin(ctx context.Context, limits []loginLimit, now time.Time) error {
	var counted []string
	for _, l := range limits {
		if l.max <= 0 {
			continue
		}
		n, err := s.store.CountLoginAttempt(ctx, l.key, now, s.opts.Window)
		if err != nil {
			return errors.Join(fmt.Errorf("login throttle: %w", err), s.refund(ctx, counted))
		}
		counted = append(counted, l.key)
		if n > l.max {
			if err := s.refund(ctx, counted); err != nil {
				return err
			}
			return throttled(s.opts.Window)
		}
	}
	return nil
}

// settleLogin closes a successful attempt: the account's failures are
// forgiven; the address's stay, and this attempt is given back.
func (s *Service) settleLogin(ctx context.Context, limits []loginLimit) error {
	if l := limits[0]; l.max > 0 {
		if err := s.store.ResetLoginFailures(context.WithoutCancel(ctx), l.key); err != nil {
			return fmt.Errorf("reset login failures: %w", err)
		}
	}
	if l := limits[1]; l.max > 0 {
		return s.refund(ctx, []string{l.key})
	}
	return nil
}

// refund gives back one counted attempt per key, even if the client has
// gone away.
func (s *Service) refund(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if err := s.store.RefundLoginAttempt(context.WithoutCancel(ctx), k); err != nil {
			return fmt.Errorf("refund login attempt: %w", err)
		}
	}
	return nil
}

func (s *Service) issue(ctx context.Context, u User, family string, now time.Time) (Tokens, error) {
	access, err := s.tokens.issueAccess(u, now)
	if err != nil {
		return Tokens{}, err
	}
	secret, hash, err := newRefreshSecret()
	if err != nil {
		return Tokens{}, err
	}
	rt := RefreshToken{ID: uuid.NewString(), FamilyID: family, UserID: u.ID, TokenHash: hash, SessionGen: u.SessionGen,
		ExpiresAt: now.Add(s.tokens.cfg.RefreshTTL), CreatedAt: now}
	if err := s.store.InsertRefreshToken(ctx, rt); err != nil {
		return Tokens{}, fmt.Errorf("store refresh token: %w", err)
	}
	return Tokens{AccessToken: access, RefreshToken: secret, ExpiresIn: s.tokens.cfg.AccessTTL}, nil
}

var errBadRefresh = &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_refresh_token",
	Message: "the refresh token is invalid, expired or revoked; log in again"}

// Refresh rotates a refresh token: the presented one dies and a new one of
// the same family is issued. Presenting a token that was already rotated
// means it was copied — by a thief or a replaying client — so the whole
// family is revoked and both parties must log in again.
func (s *Service) Refresh(ctx context.Context, token string) (Tokens, error) {
	if token == "" || len(token) > 256 {
		return Tokens{}, errBadRefresh
	}
	now := s.now()
	var (
		out    Tokens
		reused bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		rt, err := s.store.RefreshTokenByHash(ctx, hashRefresh(token))
		if errors.Is(err, errs.ErrNotFound) {
			return errBadRefresh
		}
		if err != nil {
			return fmt.Errorf("load refresh token: %w", err)
		}
		if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
			return errBadRefresh
		}
		won, err := s.store.MarkRotated(ctx, rt.ID, now)
		if err != nil {
			return fmt.Errorf("rotate refresh token: %w", err)
		}
		if rt.RotatedAt != nil || !won {
			if err := s.store.RevokeFamily(ctx, rt.FamilyID, now); err != nil {
				return fmt.Errorf("revoke token family: %w", err)
			}
			reused = true // commit the revocation, then refuse
			return nil
		}
		u, err := s.store.UserByID(ctx, rt.UserID)
		if err != nil {
			return fmt.Errorf("load user: %w", err)
		}
		// A family begun before the user's sessions were ended is dead even
		// if the revocation missed it (a refresh racing a password change).
		if u.Disabled || u.SessionGen != rt.SessionGen {
			return errBadRefresh
		}
		out, err = s.issue(ctx, u, rt.FamilyID, now)
		return err
	})
	if err == nil && reused {
		return Tokens{}, errBadRefresh
	}
	return out, err
}

// Logout revokes the family of the given refresh token. Unknown tokens are
// not an error: logging out twice is fine.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" || len(token) > 256 {
		return nil
	}
	rt, err := s.store.RefreshTokenByHash(ctx, hashRefresh(token))
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return s.store.RevokeFamily(ctx, rt.FamilyID, s.now())
}

// Authenticate verifies an access token and returns the caller as the
// database knows them now, so a disabled user, a changed role or ended
// sessions (password changed or reset) take effect at once rather than when
// the token expires. The user's row is read on every request anyway, so the
// session generation costs no extra query.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	id, gen, err := s.tokens.parseAccess(token)
	if err != nil {
		return Principal{}, err
	}
	u, err := s.store.UserByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Principal{}, invalidToken(err)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.Disabled {
		return Principal{}, invalidToken(errors.New("user disabled"))
	}
	if gen != u.SessionGen {
		return Principal{}, invalidToken(errors.New("session ended"))
	}
	return u.Principal(), nil
}

// Me returns the caller's own record.
func (s *Service) Me(ctx context.Context, p Principal) (User, error) {
	return s.store.UserByID(ctx, p.UserID)
}
