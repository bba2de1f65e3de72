// Package idempotency makes a POST safe to retry with an Idempotency-Key:
// the first request runs, later ones with the same key and body get its
// stored answer, and a request racing the first is refused rather than run
// twice.
//
// A running request holds its key by a lease, not for the key's lifetime:
// the record names its owner (one id per request) and a lease_until that
// the owner renews while it runs. A request that dies with its process
// (kill -9, a crash, a replica lost) stops renewing, and once the lease
// has lapsed a retry takes the key over instead of being told
// "in progress" until the record expires. The owner that cannot renew in
// time stops its own work first (Hold cancels its context), so a live
// request and its retry do not both run.
package idempotency

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Record is one key's state; Status 0 means the first request is still running.
type Record struct {
	UserID, Key, Method, Path, RequestHash string
	Status                                 int
	ContentType                            string
	Body                                   []byte
	CreatedAt, ExpiresAt                   time.Time
	// Owner names the request running the key (Status 0); LeaseUntil is
	// when another request may take it over if the owner has not renewed.
	Owner      string
	LeaseUntil time.Time
}

// Store keeps records. Insert fails with a conflict when (user, key) exists.
// The owner-conditional methods report false when the key is no longer
// held by owner (taken over, or completed and released).
type Store interface {
	Insert(ctx context.Context, r Record) error
	Get(ctx context.Context, userID, key string) (Record, error)
	// TakeOver gives a running key whose lease ended before now to owner.
	TakeOver(ctx context.Context, userID, key, oldOwner, owner string, now, leaseUntil time.Time) (bool, error)
	Renew(ctx context.Context, userID, key, owner string, leaseUntil time.Time) (bool, error)
	Complete(ctx context.Context, userID, key, owner string, status int, contentType string, body []byte) (bool, error)
	Release(ctx context.Context, userID, key, owner string) (bool, error)
	Delete(ctx context.Context, userID, key string) error
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// Service applies the rules.
type Service struct {
	store Store
	ttl   time.Duration
	lease time.Duration
	now   func() time.Time
}

// NewService keeps answers for ttl (config.CheckConfig.IdempotencyTTL; the
// issue asks for at least 24 h) and lets a running request hold its key for
// lease at a time (FIELDPROOF_IDEMPOTENCY_LEASE), renewed while it runs.
func NewService(s Store, ttl, lease time.Duration, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, ttl: ttl, lease: lease, now: now}
}

// Claim is a running request's hold on its key.
type Claim struct {
	UserID, Key, Owner string
}

// Begin claims key for this request. It returns a stored answer to replay,
// or a claim when the caller should run the request (under Hold) and then
// call Complete.
func (s *Service) Begin(ctx context.Context, userID, key, method, path, hash string) (*Record, *Claim, error) {
	owner := uuid.NewString()
	for attempt := 0; attempt < 3; attempt++ {
		now := s.now().UTC()
		err := s.store.Insert(ctx, Record{UserID: userID, Key: key, Method: method, Path: path, RequestHash: hash,
			CreatedAt: now, ExpiresAt: now.Add(s.ttl), Owner: owner, LeaseUntil: now.Add(s.lease)})
		if err == nil {
			return nil, &Claim{UserID: userID, Key: key, Owner: owner}, nil
		}
		if !errors.Is(err, errs.ErrConflict) {
			return nil, nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		r, err := s.store.Get(ctx, userID, key)
		if errors.Is(err, errs.ErrNotFound) {
			continue // completed with an error and deleted meanwhile: claim again
		}
		if err != nil {
			return nil, nil, fmt.Errorf("load idempotency key: %w", err)
		}
		if !r.ExpiresAt.After(now) {
			// Expired but not yet swept: it no longer binds the key.
			if err := s.store.Delete(ctx, userID, key); err != nil {
				return nil, nil, fmt.Errorf("drop expired idempotency key: %w", err)
			}
			continue
		}
		if r.Method != method || r.Path != path || r.RequestHash != hash {
			return nil, nil, errs.New(errs.KindConflict, "idempotency_key_reused",
				"this Idempotency-Key was used with a different request")
		}
		if r.Status != 0 {
			return &r, nil, nil
		}
		if r.LeaseUntil.After(now) {
			return nil, nil, s.inProgress(r.LeaseUntil.Sub(now))
		}
		// The owner stopped renewing: its request died with its process.
		ok, err := s.store.TakeOver(ctx, userID, key, r.Owner, owner, now, now.Add(s.lease))
		if err != nil {
			return nil, nil, fmt.Errorf("take over idempotency key: %w", err)
		}
		if ok {
			return nil, &Claim{UserID: userID, Key: key, Owner: owner}, nil
		}
		// Someone else took it, or it completed meanwhile: look again.
	}
	return nil, nil, s.inProgress(s.lease)
}

func (s *Service) inProgress(wait time.Duration) error {
	e := errs.Conflict("idempotency_in_progress", "a request with this Idempotency-Key is still running")
	// Retry-After tells the phone when the key is free if its owner died.
	e.RetryAfter = max(wait, time.Second)
	return e
}

// Hold renews c's lease while the request runs and returns the context to
// run it under: it is cancelled if the lease cannot be renewed before it
// ends (the key is lost or the database unreachable), so a request that
// may have been taken over stops writing rather than racing its retry.
// Call stop when the request is done.
func (s *Service) Hold(ctx context.Context, c *Claim) (held context.Context, stop func()) {
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		// Renew at a third of the lease, so one slow renewal still lands
		// before the lease ends; give up in time to stop before it does.
		every := s.lease / 3
		t := time.NewTicker(every)
		defer t.Stop()
		until := time.Now().Add(s.lease)
		for {
			select {
			case <-done:
				return
			case <-held.Done():
				return
			case <-t.C:
			}
			rctx, rcancel := context.WithDeadline(held, until.Add(-every/2))
			next := time.Now().Add(s.lease)
			ok, err := s.store.Renew(rctx, c.UserID, c.Key, c.Owner, s.now().UTC().Add(s.lease))
			rcancel()
			switch {
			case err == nil && ok:
				until = next
			case err == nil:
				cancel(errLeaseLost)
				return
			case !time.Now().Before(until.Add(-every / 2)):
				cancel(fmt.Errorf("%w: %w", errLeaseLost, err))
				return
			}
		}
	}()
	return held, func() { close(done); cancel(nil) }
}

var errLeaseLost = errors.New("idempotency key lease lost")

// Complete records the answer. Only 2xx answers are kept: a 4xx may be fixed
// by the client's side changing (a missing project now created) and a 5xx
// must be retryable, so for those the key is released. A claim that was
// taken over records nothing: the key belongs to the retry now.
func (s *Service) Complete(ctx context.Context, c *Claim, status int, contentType string, body []byte) error {
	var err error
	if status >= 200 && status < 300 {
		_, err = s.store.Complete(ctx, c.UserID, c.Key, c.Owner, status, contentType, body)
	} else {
		_, err = s.store.Release(ctx, c.UserID, c.Key, c.Owner)
	}
	return err
}

// Sweep deletes expired records; run it periodically.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	return s.store.DeleteExpired(ctx, s.now().UTC())
}
