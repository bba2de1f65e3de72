package auth

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// hashGate bounds how many argon2id computations run at once. Each holds
// 19 MiB and a core for tens of milliseconds; unbounded, 128 phones logging
// in at once held 2.4 GB of them (the field day, docs/RELIABILITY.md), and a
// burst of logins — honest or not — could take the server's memory. Beyond
// the cores there is nothing to gain from running more at once: a queue
// costs the same total time and a fraction of the memory.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashGate(n int, wait time.Duration) *hashGate {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = 10 * time.Second
	}
	return &hashGate{slots: make(chan struct{}, n), wait: wait}
}

// errHashBusy: the queue did not move within the wait; the client retries.
var errHashBusy = &errs.Error{Kind: errs.KindUnavailable, Code: "login_busy",
	Message: "too many logins at once; retry in a moment", RetryAfter: time.Second}

// do runs fn once a slot is free, or gives up when ctx ends or the wait
// is over.
func (g *hashGate) do(ctx context.Context, fn func()) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting to hash a password: %w", ctx.Err())
	case <-t.C:
		return errHashBusy
	}
	defer func() { <-g.slots }()
	fn()
	return nil
}

// hashPassword hashes at the service's cost, through the gate.
func (s *Service) hashPassword(ctx context.Context, pw string) (hash string, err error) {
	if gerr := s.hashes.do(ctx, func() { hash, err = hashWith(pw, s.argon) }); gerr != nil {
		return "", gerr
	}
	return hash, err
}

// verifyPassword is VerifyPassword through the gate.
func (s *Service) verifyPassword(ctx context.Context, hash, pw string) (ok bool, err error) {
	if gerr := s.hashes.do(ctx, func() { ok, err = VerifyPassword(hash, pw) }); gerr != nil {
		return false, gerr
	}
	return ok, err
}
