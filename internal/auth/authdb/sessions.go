package authdb

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/store"
)

// EndSessions bumps the user's session generation in SQL (concurrent ends
// each count; nothing read earlier can write it back) and revokes every live
// refresh token, in the caller's transaction if there is one.
func (s *Store) EndSessions(ctx context.Context, userID string, at time.Time) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var gen []int64
	err := s.db.Conn(ctx).Raw(`UPDATE users SET session_gen = session_gen + 1 WHERE id = ? RETURNING session_gen`, userID).
		Scan(&gen).Error
	if err != nil {
		return 0, store.Translate(err, entUser, "end sessions")
	}
	if len(gen) != 1 {
		return 0, store.Translate(gorm.ErrRecordNotFound, entUser, "end sessions")
	}
	err = s.db.Conn(ctx).Model(&refreshTokenRow{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", at.UTC()).Error
	return gen[0], store.Translate(err, entRefreshToken, "revoke refresh_token")
}

// CountLoginAttempt is one upsert with RETURNING: PostgreSQL's row lock on
// the conflicting key, and SQLite's single writer, make concurrent attempts
// from any number of replicas see 1, 2, 3, … and never the same count.
func (s *Store) CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	now = now.UTC()
	expired := now.Add(-window)
	var n []int
	err := s.db.Conn(ctx).Raw(`INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_start > ? THEN login_failures.failures + 1 ELSE 1 END,
  window_start = CASE WHEN login_failures.window_start > ? THEN login_failures.window_start ELSE ? END
RETURNING failures`, key, now, expired, expired, now).Scan(&n).Error
	if err != nil {
		return 0, store.Translate(err, entLoginFailure, "count login attempt")
	}
	if len(n) != 1 {
		return 0, store.Translate(gorm.ErrRecordNotFound, entLoginFailure, "count login attempt")
	}
	return n[0], nil
}

// RefundLoginAttempt takes one attempt back; it never goes below zero.
func (s *Store) RefundLoginAttempt(ctx context.Context, key string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Exec(`UPDATE login_failures SET failures = failures - 1 WHERE key = ? AND failures > 0`, key).Error, entLoginFailure,
		"refund login attempt")
}
