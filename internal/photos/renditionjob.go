package photos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/renditions"
	"github.com/fieldproof/fieldproof/storage"
)

// RenditionHandler is the job handler that makes a photo's thumbnail and
// preview, its perceptual hash and the possible_reuse flag. Run it under
// a jobs.Worker whose Concurrency bounds the decodes in flight.
func (s *Service) RenditionHandler(ctx context.Context, j jobs.Job) error {
	var pl renditionPayload
	if err := json.Unmarshal(j.Payload, &pl); err != nil {
		return fmt.Errorf("rendition payload: %w", err)
	}
	err := s.render(ctx, pl.PhotoID)
	if err != nil && j.Attempts >= j.MaxAttempts {
		ph, gerr := s.store.Get(ctx, pl.PhotoID)
		if gerr == nil {
			_ = s.store.SetRenditions(ctx, ph.ID, RenditionFailed, ph.PHash, ph.Flags)
		}
	}
	return err
}

func (s *Service) render(ctx context.Context, id string) error {
	ph, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	rc, _, err := s.objects.Get(sctx, ph.ObjectKey)
	if err != nil {
		return fmt.Errorf("read original: %w", err)
	}
	defer rc.Close()
	f, err := formatOf(ph.ContentType)
	if err != nil {
		return err
	}
	img, icc, err := renditions.DecodeWithProfile(rc, f, s.limits())
	if errors.Is(err, renditions.ErrCorrupt) {
		// Retrying cannot make these bytes decode: record it and finish.
		ph.Flags.Undecodable = &Reason{Reason: strings.TrimPrefix(err.Error(), renditions.ErrCorrupt.Error()+": ")}
		s.log.Warn("photo original does not decode", "photo", ph.ID, "err", err)
		return s.store.SetRenditions(ctx, ph.ID, RenditionFailed, nil, ph.Flags)
	}
	if err != nil {
		return fmt.Errorf("decode original: %w", err)
	}
	out, err := renditions.RenderAllWithProfile(img, renditions.DisplayOrientation(f, ph.EXIF.Orientation), icc)
	if err != nil {
		return err
	}
	for size, b := range out {
		pctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
		_, err := s.objects.Put(pctx, storage.RenditionKey(ph.ID, size.String()), bytes.NewReader(b), int64(len(b)),
			storage.PutOptions{ContentType: "image/jpeg"})
		cancel()
		if err != nil {
			return fmt.Errorf("store %s: %w", size, err)
		}
	}
	h, err := renditions.PHash(img)
	if err != nil {
		return err
	}
	others, err := s.store.PHashes(ctx, ph.ParentID)
	if err != nil {
		return err
	}
	ph.Flags.PossibleReuse = nil
	best := s.cfg.PHashDistance + 1
	for _, o := range others {
		if o.PhotoID == ph.ID {
			continue
		}
		if d := renditions.HammingDistance(h, o.PHash); d < best {
			best = d
			ph.Flags.PossibleReuse = &Ref{PhotoID: o.PhotoID, Distance: &d}
		}
	}
	return s.store.SetRenditions(ctx, ph.ID, RenditionReady, &h, ph.Flags)
}

// RetainHandler puts a committed original under retention until its
// creation plus the retention period. A bucket without object locking is
// not an error: there is nothing more this job can do there.
func (s *Service) RetainHandler(ctx context.Context, j jobs.Job) error {
	var pl renditionPayload
	if err := json.Unmarshal(j.Payload, &pl); err != nil {
		return fmt.Errorf("retain payload: %w", err)
	}
	ph, err := s.store.Get(ctx, pl.PhotoID)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	err = s.objects.Retain(sctx, ph.ObjectKey, ph.CreatedAt.Add(s.retention))
	if errors.Is(err, storage.ErrNotSupported) {
		return nil
	}
	return err
}

// Handlers are the job handlers of the photo pipeline, by kind.
func (s *Service) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobRenditions: s.RenditionHandler, JobRetain: s.RetainHandler}
}

func formatOf(mime string) (renditions.Format, error) {
	for _, f := range []renditions.Format{renditions.JPEG, renditions.PNG, renditions.WebP, renditions.HEIC} {
		if f.MIMEType() == mime {
			return f, nil
		}
	}
	return renditions.FormatUnknown, fmt.Errorf("photo content type %q: %w", mime, renditions.ErrUnsupportedFormat)
}
