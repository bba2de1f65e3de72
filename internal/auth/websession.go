package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// The office console keeps its session in a cookie, not in the browser's
// script-readable storage. The cookie holds the refresh token of an
// ordinary login (its access token is dropped): the session is then a
// refresh family like any phone's, revoked by the same logout, password
// change, reset or disable, and visible in the same table to every
// replica. The console never rotates it; a token that was rotated anyway
// was presented to /auth/refresh by someone holding a copy of the cookie,
// so its whole family ends, exactly as a replayed refresh token would.

var errSessionEnded = &errs.Error{Kind: errs.KindUnauthenticated, Code: "session_ended",
	Message: "the session has ended; sign in again"}

// StartWebSession signs a person in for the console: the same checks and
// throttling as Login. The token is the cookie's value.
func (s *Service) StartWebSession(ctx context.Context, username, password, clientIP string) (token string, err error) {
	t, err := s.Login(ctx, username, password, clientIP)
	if err != nil {
		return "", err
	}
	return t.RefreshToken, nil
}

// WebSession returns the person a console cookie belongs to, as the
// database knows them now (role, unit, disabled), or errSessionEnded.
func (s *Service) WebSession(ctx context.Context, token string) (Principal, error) {
	if token == "" || len(token) > 256 {
		return Principal{}, errSessionEnded
	}
	rt, err := s.store.RefreshTokenByHash(ctx, hashRefresh(token))
	if errors.Is(err, errs.ErrNotFound) {
		return Principal{}, errSessionEnded
	}
	if err != nil {
		return Principal{}, fmt.Errorf("web session: %w", err)
	}
	now := s.now()
	if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return Principal{}, errSessionEnded
	}
	if rt.RotatedAt != nil {
		if err := s.store.RevokeFamily(ctx, rt.FamilyID, now); err != nil {
			return Principal{}, fmt.Errorf("revoke copied web session: %w", err)
		}
		return Principal{}, errSessionEnded
	}
	u, err := s.store.UserByID(ctx, rt.UserID)
	if errors.Is(err, errs.ErrNotFound) {
		return Principal{}, errSessionEnded
	}
	if err != nil {
		return Principal{}, fmt.Errorf("web session: %w", err)
	}
	if u.Disabled || u.SessionGen != rt.SessionGen {
		return Principal{}, errSessionEnded
	}
	return u.Principal(), nil
}
