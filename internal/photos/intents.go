package photos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/storage"
)

// IntentStore records the originals uploads are about to put, so the
// orphan sweeper's safety rests on what was recorded, not on how long an
// upload may take. An upload records its key before the put and consumes
// the intent in its row's transaction; an object therefore always has a
// live intent or a row until its upload has failed. The sweeper removes an
// object only with neither, and takes a lapsed intent (deletes it) before
// removing its object: an upload that outlived its intent then finds the
// intent gone and cannot commit a row for a removed object.
type IntentStore interface {
	RecordIntent(ctx context.Context, key string, now, expires time.Time) error
	// ConsumeIntent runs in the row's transaction; errs.ErrNotFound when
	// the sweeper took the intent.
	ConsumeIntent(ctx context.Context, key string) error
	ReleaseIntent(ctx context.Context, key string) error
	// Intents returns the expiry of each of keys that has an intent.
	Intents(ctx context.Context, keys []string) (map[string]time.Time, error)
	// TakeLapsedIntent deletes key's intent if it expired before now.
	TakeLapsedIntent(ctx context.Context, key string, now time.Time) (bool, error)
	// TryLease holds the named lease for holder until until, if it is free,
	// lapsed, or already holder's.
	TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
}

// sweepLease names the lease under which one replica at a time sweeps.
const sweepLease = "photos.orphan-sweep"

func (s *Service) recordIntent(ctx context.Context, key string) error {
	if s.intents == nil {
		return nil
	}
	now := s.now()
	if err := s.intents.RecordIntent(ctx, key, now, now.Add(s.cfg.IntentTTL)); err != nil {
		if _, ok := errs.As(err); ok {
			return err
		}
		return errs.Unavailable("database_unavailable", 5*time.Second, fmt.Errorf("record upload intent: %w", err))
	}
	return nil
}

// ahead is an intent being recorded while its put starts: the put's last
// byte waits for it (gate), so the object can never exist before its
// intent, yet the intent's commit overlaps the transfer instead of
// preceding it.
type ahead struct {
	done chan struct{}
	err  error
}

func (s *Service) intentAhead(ctx context.Context, key string) *ahead {
	a := &ahead{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.err = s.recordIntent(ctx, key)
	}()
	return a
}

func (a *ahead) wait() error {
	<-a.done
	return a.err
}

// gate returns r (size bytes) holding back its last byte until the
// intent is recorded, and failing instead if it could not be.
func (a *ahead) gate(r io.Reader, size int64) io.Reader {
	return &gated{r: r, left: size - 1, a: a}
}

type gated struct {
	r    io.Reader
	left int64 // bytes that may go before the intent is in
	a    *ahead
}

func (g *gated) Read(p []byte) (int, error) {
	if g.a != nil && g.left <= 0 {
		if err := g.a.wait(); err != nil {
			return 0, err
		}
		g.a = nil
	}
	if g.a != nil && int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= int64(n)
	return n, err
}

// consumeIntent is the row's claim on its object, in the row's transaction.
func (s *Service) consumeIntent(ctx context.Context, key string) error {
	if s.intents == nil {
		return nil
	}
	err := s.intents.ConsumeIntent(ctx, key)
	if errors.Is(err, errs.ErrNotFound) {
		// The upload outlived its intent and the sweeper took the object.
		return errs.Unavailable("upload_too_slow", time.Second, fmt.Errorf("upload intent for %s lapsed: %w", key, err))
	}
	return err
}

func (s *Service) releaseIntent(ctx context.Context, key string) {
	if s.intents == nil {
		return
	}
	if err := s.intents.ReleaseIntent(ctx, key); err != nil {
		s.log.Info("release upload intent; it lapses by itself", "key", key, "err", err)
	}
}

// sweepOriginals removes originals that no row references and no live
// intent protects. Per batch it reads the intents first and the rows
// second: an upload's transaction swaps its intent for its row atomically,
// so a key seen without an intent either already has its row (visible to
// the later read) or never will. An object nobody recorded an intent for
// (one put before intents existed) must also be older than the grace.
func (s *Service) sweepOriginals(ctx context.Context) (int, error) {
	if s.intents == nil {
		return s.sweepPrefix(ctx, storage.KindOriginals+"/", s.store.ExistingKeys, "swept orphan original")
	}
	now := s.now()
	cutoff := now.Add(-s.cfg.OrphanGrace)
	var batch []storage.ObjectInfo
	removed := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		keys := make([]string, len(batch))
		for i, o := range batch {
			keys[i] = o.Key
		}
		intents, err := s.intents.Intents(ctx, keys)
		if err != nil {
			return err
		}
		rows, err := s.store.ExistingKeys(ctx, keys)
		if err != nil {
			return err
		}
		for _, o := range batch {
			if rows[o.Key] {
				continue
			}
			if exp, ok := intents[o.Key]; ok {
				if exp.After(now) {
					continue // its upload may still commit
				}
				taken, err := s.intents.TakeLapsedIntent(ctx, o.Key, now)
				if err != nil {
					return err
				}
				if !taken {
					continue // consumed by its row meanwhile
				}
			} else if !o.LastModified.Before(cutoff) {
				continue
			}
			dctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
			err := s.objects.Delete(dctx, o.Key)
			cancel()
			if err != nil && !errors.Is(err, storage.ErrNotExist) {
				return fmt.Errorf("sweep %s: %w", o.Key, err)
			}
			removed++
			s.log.Info("swept orphan original", "key", o.Key)
		}
		batch = batch[:0]
		return nil
	}
	err := s.objects.List(ctx, storage.KindOriginals+"/", func(o storage.ObjectInfo) error {
		batch = append(batch, o)
		if len(batch) >= sweepBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return removed, err
}

// sweepTurn takes the sweep lease for this service; false when another
// replica holds it. The lease outlasts a sweep interval, so the holder
// keeps it from one sweep to the next and a dead holder's turn passes on
// after three. Safety does not rest on it (intents do): it only keeps
// replicas from listing the bucket and racing for the same deletes.
func (s *Service) sweepTurn(ctx context.Context) (bool, error) {
	if s.intents == nil {
		return true, nil
	}
	now := s.now()
	hold := 3 * max(s.cfg.SweepInterval, time.Second)
	return s.intents.TryLease(ctx, sweepLease, s.replica, now, now.Add(hold))
}
