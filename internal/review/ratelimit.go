package review

import (
	"context"
	"net"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// RateCounter counts requests per key in fixed windows. The counters are
// rows (internal/store.RateWindows), like login throttling, so every
// replica behind the load balancer counts against the same limit and a
// restart forgets nothing.
type RateCounter interface {
	// Hit counts one request of key in the window starting at
	// windowStart (Unix seconds) and returns the count so far in it; a
	// key's older window starts again at one. One statement, so
	// concurrent hits from many replicas are all counted.
	Hit(ctx context.Context, key string, windowStart int64) (int, error)
	// SweepRates deletes counters of windows that started before before.
	SweepRates(ctx context.Context, before int64) (int64, error)
}

// Default public rate: generous for a person or a newsroom's scraper
// refreshing the list, and with ETag revalidation a well-behaved client
// needs far fewer; a flood is cut off at the first query.
const (
	DefaultPublicLimit  = 60
	DefaultPublicWindow = time.Minute
)

// Limiter is a fixed-window rate limit per client.
type Limiter struct {
	store  RateCounter
	limit  int
	window time.Duration
	now    func() time.Time
}

// NewLimiter allows limit requests per window per key; zero values take
// the defaults and a nil now is time.Now.
func NewLimiter(store RateCounter, limit int, window time.Duration, now func() time.Time) *Limiter {
	if limit <= 0 {
		limit = DefaultPublicLimit
	}
	if window < time.Second {
		window = DefaultPublicWindow
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{store: store, limit: limit, window: window, now: now}
}

// Allow counts one request of key and refuses it (429 with Retry-After,
// the rest of the window) past the limit.
func (l *Limiter) Allow(ctx context.Context, key string) error {
	now := l.now()
	w := int64(l.window / time.Second)
	start := now.Unix() / w * w
	n, err := l.store.Hit(ctx, key, start)
	if err != nil {
		return err
	}
	if n <= l.limit {
		return nil
	}
	retry := time.Unix(start+w, 0).Sub(now)
	if retry < time.Second {
		retry = time.Second
	}
	return &errs.Error{Kind: errs.KindTooManyRequests, Code: "rate_limited",
		Message: "too many requests from your address; retry after the time in Retry-After", RetryAfter: retry}
}

// Sweep deletes counters whose window has ended.
func (l *Limiter) Sweep(ctx context.Context) (int64, error) {
	return l.store.SweepRates(ctx, l.now().Add(-2*l.window).Unix())
}

// ClientKey is the rate-limit key of a client address: the address
// itself for IPv4, its /64 for IPv6, because one IPv6 subscriber holds a
// whole /64 and could otherwise rotate through it.
func ClientKey(addr string) string {
	ip := net.ParseIP(addr)
	switch {
	case ip == nil:
		return "public:" + addr
	case ip.To4() != nil:
		return "public:" + ip.To4().String()
	}
	return "public:" + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
