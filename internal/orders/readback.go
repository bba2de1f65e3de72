package orders

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// readBackFor bounds how long a committed write waits out a database
// outage to read its answer. It stays under the default Idempotency-Key
// lease (30 s), which the request renews while it waits.
const readBackFor = 20 * time.Second

// readBack reads an order back after a write to it committed. The write
// cannot be undone, and its Idempotency-Key records the answer only once
// there is one: a failed read answered as 503 releases the key, and the
// phone's retry with the same key runs the write again — a second order,
// a second response (found by scripts/faults.sh fieldday-crash, PostgreSQL
// kill -9ed between the commit and the read). So an outage is waited out,
// for a bounded time; any other error is answered at once.
func (s *Service) readBack(ctx context.Context, p auth.Principal, id string) (Detail, error) {
	until := time.Now().Add(readBackFor)
	wait := 100 * time.Millisecond
	for {
		d, err := s.Get(ctx, p, id)
		if err == nil || !errors.Is(err, errs.ErrUnavailable) || !time.Now().Add(wait).Before(until) {
			return d, err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return d, err
		}
		wait = min(2*wait, time.Second)
	}
}
