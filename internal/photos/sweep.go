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

// Sweep removes what no row will ever reference and returns how many
// objects it removed: originals that no photo references and no live
// upload intent protects (uploads whose row never committed; see
// IntentStore) and, with direct upload on, the staged
// objects of dead upload sessions and staged objects no session names.
//
// One replica at a time sweeps (the sweep lease); the others return 0.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	if turn, err := s.sweepTurn(ctx); err != nil || !turn {
		return 0, err
	}
	removed, err := s.sweepOriginals(ctx)
	if err != nil || s.uploads == nil {
		return removed, err
	}
	n, err := s.sweepStaging(ctx)
	return removed + n, err
}

// sweepStaging first ends dead sessions (see Upload.dead), removing their
// staged objects whatever their age: a PUT that began just before the URL
// expired may have landed recently, but nothing can complete it any more.
// Then it removes staged objects older than the grace that no session
// names: the session was already dropped (failed verification, or swept)
// when a late PUT recreated the object. A session's row is written before
// its URL is issued, so a live session's object always has its row.
func (s *Service) sweepStaging(ctx context.Context) (int, error) {
	removed := 0
	cutoff := s.now().Add(-s.cfg.OrphanGrace)
	for {
		dead, err := s.uploads.DeadUploads(ctx, cutoff, sweepBatch)
		if err != nil {
			return removed, err
		}
		for _, u := range dead {
			gone, err := s.deleteObject(ctx, u.StagingKey)
			if err != nil {
				return removed, err
			}
			if !gone {
				removed++
				s.log.Info("swept expired upload", "upload", u.ID, "key", u.StagingKey)
			}
			if err := s.uploads.DeleteUpload(ctx, u.ID); err != nil {
				return removed, err
			}
		}
		if len(dead) < sweepBatch {
			break
		}
	}
	n, err := s.sweepPrefix(ctx, storage.KindStaging+"/", s.uploads.StagingKeysInUse, "swept orphan staged upload")
	return removed + n, err
}

// deleteObject removes key under the storage deadline; gone reports that
// there was nothing to remove.
func (s *Service) deleteObject(ctx context.Context, key string) (gone bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	if _, err := s.objects.Stat(dctx, key); errors.Is(err, storage.ErrNotExist) {
		return true, nil
	}
	if err := s.objects.Delete(dctx, key); err != nil && !errors.Is(err, storage.ErrNotExist) {
		return false, fmt.Errorf("sweep %s: %w", key, err)
	}
	return false, nil
}

// sweepPrefix removes objects under prefix older than OrphanGrace whose
// keys inUse does not report.
func (s *Service) sweepPrefix(ctx context.Context, prefix string, inUse func(context.Context, []string) (map[string]bool, error), msg string) (int, error) {
	cutoff := s.now().Add(-s.cfg.OrphanGrace)
	var batch []string
	removed := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		used, err := inUse(ctx, batch)
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
			s.log.Info(msg, "key", k)
		}
		batch = batch[:0]
		return nil
	}
	err := s.objects.List(ctx, prefix, func(o storage.ObjectInfo) error {
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
