package photos

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/fieldproof/fieldproof/storage"
)

// sweepBatch is how many listed keys are checked against the rows at once.
const sweepBatch = 200

// Sweep removes originals that no row references and that are older than
// OrphanGrace: objects of uploads whose row never committed. The grace
// period covers uploads still between Put and commit. It returns the
// number of objects removed.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-s.cfg.OrphanGrace)
	var batch []string
	removed := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		used, err := s.store.ExistingKeys(ctx, batch)
		if err != nil {
			return err
		}
		for _, k := range batch {
			if used[k] {
				continue
			}
			dctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
			err := s.objects.Delete(dctx, k)
			cancel()
			if err != nil && !errors.Is(err, storage.ErrNotExist) {
				return fmt.Errorf("sweep %s: %w", k, err)
			}
			removed++
			s.log.Info("swept orphan original", "key", k)
		}
		batch = batch[:0]
		return nil
	}
	err := s.objects.List(ctx, storage.KindOriginals+"/", func(o storage.ObjectInfo) error {
		if !o.LastModified.Before(cutoff) {
			return nil
		}
		batch = append(batch, o.Key)
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

// Problem is one row reconcile found wrong.
type Problem struct {
	PhotoID string
	Key     string
	Issue   string // "missing" or "sha256_mismatch" or "unreadable"
	Detail  string
}

// Reconcile streams every original and compares it to its row's SHA-256.
// It only reports: deciding what to do about damaged evidence is a human's
// call.
func (s *Service) Reconcile(ctx context.Context, report func(Problem)) error {
	return s.store.Each(ctx, func(ph Photo) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rc, _, err := s.objects.Get(ctx, ph.ObjectKey)
		if errors.Is(err, storage.ErrNotExist) {
			report(Problem{PhotoID: ph.ID, Key: ph.ObjectKey, Issue: "missing"})
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", ph.ObjectKey, err)
		}
		defer rc.Close()
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			// Backends that verify on read report a mismatch as an error.
			issue := "unreadable"
			if errors.Is(err, storage.ErrChecksumMismatch) {
				issue = "sha256_mismatch"
			}
			report(Problem{PhotoID: ph.ID, Key: ph.ObjectKey, Issue: issue, Detail: err.Error()})
			return nil
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != ph.SHA256 {
			report(Problem{PhotoID: ph.ID, Key: ph.ObjectKey, Issue: "sha256_mismatch", Detail: "stored bytes hash to " + got})
		}
		return nil
	})
}
