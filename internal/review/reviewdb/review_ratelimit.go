package reviewdb

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/store"
)

// RateWindows implements review.RateCounter: fixed-window request
// counters per client, one row per key (migration 00008), shared by every
// replica like the login throttling counters.
type RateWindows struct{ db *store.DB }

var _ review.RateCounter = (*RateWindows)(nil)

// NewRateWindows returns the counter store.
func NewRateWindows(db *store.DB) *RateWindows { return &RateWindows{db: db} }

// Hit counts one request in one upsert and returns the window's count. A
// newer window starts again at one; a replica whose clock lags (an older
// window) counts into the newer one rather than resetting it.
func (s *RateWindows) Hit(ctx context.Context, key string, windowStart int64) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var hits int
	err := s.db.Conn(ctx).Raw(`INSERT INTO public_rate_windows (key, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN excluded.window_start > public_rate_windows.window_start THEN 1
              ELSE public_rate_windows.hits + 1 END,
  window_start = CASE WHEN excluded.window_start > public_rate_windows.window_start THEN excluded.window_start
                      ELSE public_rate_windows.window_start END
RETURNING hits`, key, windowStart).Scan(&hits).Error
	if err != nil {
		return 0, store.Translate(err, entRateWindow, "count public request")
	}
	return hits, nil
}

// SweepRates deletes counters of windows that started before before.
func (s *RateWindows) SweepRates(ctx context.Context, before int64) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Exec("DELETE FROM public_rate_windows WHERE window_start < ?", before)
	return res.RowsAffected, store.Translate(res.Error, entRateWindow, "sweep public rate windows")
}
