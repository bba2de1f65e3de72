// Package idempotency makes a POST safe to retry with an Idempotency-Key:
// the first request runs, later ones with the same key and body get its
// stored answer, and a request racing the first is refused rather than run
// twice.
package idempotency

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Record is one key's state; Status 0 means the first request is still running.
type Record struct {
	UserID, Key, Method, Path, RequestHash string
	Status                                 int
	ContentType                            string
	Body                                   []byte
	CreatedAt, ExpiresAt                   time.Time
}

// Store keeps records. Insert fails with a conflict when (user, key) exists.
type Store interface {
	Insert(ctx context.Context, r Record) error
	Get(ctx context.Context, userID, key string) (Record, error)
	Complete(ctx context.Context, userID, key string, status int, contentType string, body []byte) error
	Delete(ctx context.Context, userID, key string) error
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// Service applies the rules.
type Service struct {
	store Store
	ttl   time.Duration
	now   func() time.Time
}

// NewService keeps answers for ttl (config.CheckConfig.IdempotencyTTL; the
// issue asks for at least 24 h).
func NewService(s Store, ttl time.Duration, now func() time.Time) *Service {
	return &Service{store: s, ttl: ttl, now: now}
}

// Begin claims key for this request. It returns a stored answer to replay,
// or nil when the caller should run the request and then call Complete.
func (s *Service) Begin(ctx context.Context, userID, key, method, path, hash string) (*Record, error) {
	for attempt := 0; attempt < 2; attempt++ {
		now := s.now().UTC()
		err := s.store.Insert(ctx, Record{UserID: userID, Key: key, Method: method, Path: path, RequestHash: hash,
			CreatedAt: now, ExpiresAt: now.Add(s.ttl)})
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, errs.ErrConflict) {
			return nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		r, err := s.store.Get(ctx, userID, key)
		if errors.Is(err, errs.ErrNotFound) {
			continue // completed with an error and deleted meanwhile: claim again
		}
		if err != nil {
			return nil, fmt.Errorf("load idempotency key: %w", err)
		}
		if !r.ExpiresAt.After(now) {
			// Expired but not yet swept: it no longer binds the key.
			if err := s.store.Delete(ctx, userID, key); err != nil {
				return nil, fmt.Errorf("drop expired idempotency key: %w", err)
			}
			continue
		}
		if r.Method != method || r.Path != path || r.RequestHash != hash {
			return nil, errs.New(errs.KindConflict, "idempotency_key_reused",
				"this Idempotency-Key was used with a different request")
		}
		if r.Status == 0 {
			return nil, errs.Conflict("idempotency_in_progress", "a request with this Idempotency-Key is still running")
		}
		return &r, nil
	}
	return nil, errs.Conflict("idempotency_in_progress", "a request with this Idempotency-Key is still running")
}

// Complete records the answer. Only 2xx answers are kept: a 4xx may be fixed
// by the client's side changing (a missing project now created) and a 5xx
// must be retryable, so for those the key is released.
func (s *Service) Complete(ctx context.Context, userID, key string, status int, contentType string, body []byte) error {
	if status >= 200 && status < 300 {
		return s.store.Complete(ctx, userID, key, status, contentType, body)
	}
	return s.store.Delete(ctx, userID, key)
}

// Sweep deletes expired records; run it periodically.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	return s.store.DeleteExpired(ctx, s.now().UTC())
}
