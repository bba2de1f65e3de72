package photos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/exif"
	"github.com/fieldproof/fieldproof/internal/renditions"
	"github.com/fieldproof/fieldproof/storage"
)

// UploadInput is one photo as the phone sends it.
type UploadInput struct {
	ParentID string
	PhotoID  string // client UUID
	// The phone's own fix and clock for this photo, when it sent them.
	PhoneLat, PhoneLon *float64
	PhoneTime          *time.Time
	// Size is the body's declared length (a raw PUT's Content-Length, a
	// multipart size field); 0 is unknown. A known size lets the body
	// stream into the store as it arrives.
	Size int64
	Body io.Reader
}

// Upload stores a photo. created is false when the same UUID with the same
// bytes was stored before (an idempotent replay).
func (s *Service) Upload(ctx context.Context, p auth.Principal, in UploadInput) (ph Photo, created bool, err error) {
	id, err := uuid.Parse(in.PhotoID)
	if err != nil {
		return Photo{}, false, errs.New(errs.KindInvalid, "invalid_photo_id", "photo_id must be a UUID")
	}
	in.PhotoID = id.String()
	if s.parents == nil {
		return Photo{}, false, errNoParents
	}
	parent, err := s.parents.ForUpload(ctx, p, in.ParentID)
	if err != nil {
		return Photo{}, false, err
	}
	if err := parent.takes(in.PhotoID); err != nil {
		return Photo{}, false, err
	}
	if in.Size > s.cfg.MaxUploadBytes {
		return Photo{}, false, tooLarge(s.cfg.MaxUploadBytes)
	}
	prev, err := s.store.Get(ctx, in.PhotoID)
	if err == nil {
		// A replay (or a conflict): the bytes are only hashed, never stored.
		rc, err := s.receive(in.Body)
		if err != nil {
			return Photo{}, false, err
		}
		defer rc.close()
		return s.replay(prev, parent.ID, rc.sha)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Photo{}, false, err
	}
	if rc, ok := s.streamable(in.Size); ok {
		defer rc.close()
		head, f, err := sniff(in.Body)
		if err != nil {
			return Photo{}, false, err
		}
		rc.format = f
		return s.accept(ctx, p, in, parent, arrival{got: rc, head: head, body: in.Body})
	}
	rc, err := s.receive(in.Body)
	if err != nil {
		return Photo{}, false, err
	}
	defer rc.close()
	return s.accept(ctx, p, in, parent, arrival{got: rc})
}

// accept turns an upload's bytes into a stored photo: it verifies the
// image, reads its EXIF, computes the flags, stores the original under a
// fresh server-made key, commits the row and its rendition job together,
// and then locks the original. Multipart upload, raw PUT and direct upload
// all end here, so a photo is accepted by one set of rules whichever way
// its bytes arrived. Bytes that are all in are checked before the put;
// streamed bytes after it, and their object is removed if they fail. in
// supplies the photo id and the phone's own fix; its Body is not read.
func (s *Service) accept(ctx context.Context, p auth.Principal, in UploadInput, parent Parent, a arrival) (Photo, bool, error) {
	uploadedBy := p.UserID
	rc := a.got
	var meta exif.Meta
	if a.body == nil {
		m, err := s.inspect(ctx, rc)
		if err != nil {
			return Photo{}, false, err
		}
		meta = m
	}
	// A fresh key per attempt: two concurrent uploads of one UUID (or a
	// retry racing its own lost first attempt) then never write to the same
	// object, so the committed original can never be overwritten; the
	// loser's object is an orphan the sweeper removes.
	key := storage.Key(storage.KindOriginals, uuid.NewString())
	intent := s.intentAhead(ctx, key)
	var err error
	if a.body == nil {
		err = s.put(ctx, rc, key, intent)
	} else {
		err = s.stream(ctx, a, key, intent)
	}
	if ierr := intent.wait(); ierr != nil {
		return Photo{}, false, ierr // the put was held back: no object
	}
	if err != nil {
		return Photo{}, false, err
	}
	if a.body != nil {
		m, err := s.inspect(ctx, rc)
		if err != nil {
			// The intent keeps the sweeper on it if this delete fails.
			s.dropObject(key)
			return Photo{}, false, err
		}
		meta = m
	}
	ph := Photo{ID: in.PhotoID, ParentKind: parent.Kind, ParentID: parent.ID, ProjectID: parent.ProjectID,
		UploadedBy: uploadedBy, SHA256: rc.sha, SizeBytes: rc.size, ContentType: rc.format.MIMEType(),
		Width: rc.w, Height: rc.h, EXIF: exifOf(meta), PhoneLat: in.PhoneLat, PhoneLon: in.PhoneLon,
		PhoneTime: in.PhoneTime, RenditionStatus: RenditionPending, CreatedAt: s.now(), ObjectKey: key}
	if ph.PhoneTime != nil {
		t := ph.PhoneTime.UTC()
		ph.PhoneTime = &t
	}
	s.flag(&ph, parent)
	if dup, ok, err := s.store.FirstBySHA256(ctx, ph.SHA256, ph.ID); err != nil {
		go s.dropObject(key)
		return Photo{}, false, err
	} else if ok {
		ph.Flags.Duplicate = &Ref{PhotoID: dup.ID}
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.consumeIntent(ctx, ph.ObjectKey); err != nil {
			return err
		}
		if err := s.store.Insert(ctx, ph); err != nil {
			return err
		}
		if s.retention > 0 {
			// Retention is a job in the row's own transaction: it happens
			// after the commit (an object whose row never committed must
			// stay deletable by the sweeper), it survives a crash between
			// commit and lock, and the phone does not wait for it.
			if err := s.jobs.Enqueue(ctx, retainJob(ph.ID), s.now()); err != nil {
				return err
			}
		}
		if err := s.jobs.Enqueue(ctx, renditionJob(ph.ID), s.now()); err != nil {
			return err
		}
		if s.audit == nil {
			return nil
		}
		// The upload's entry is the photo's evidence of when it was received
		// and what it hashed to (reports print its inclusion proof).
		return s.audit.Record(ctx, p, "photo.upload", "photo", ph.ID, map[string]any{"parent_kind": ph.ParentKind,
			"parent_id": ph.ParentID, "sha256": ph.SHA256, "size_bytes": ph.SizeBytes, "flags": ph.Flags})
	})
	if errors.Is(err, errs.ErrConflict) {
		// Lost a race with another attempt of the same UUID: our object was
		// never referenced, so removing it now is safe.
		s.dropObject(ph.ObjectKey)
		prev, gerr := s.store.Get(ctx, ph.ID)
		if gerr != nil {
			return Photo{}, false, gerr
		}
		return s.replay(prev, parent.ID, rc.sha)
	}
	if e, ok := errs.As(err); ok && e.Code == "upload_too_slow" {
		return Photo{}, false, err // the sweeper has the object; a retry starts afresh
	}
	if err != nil {
		// The commit may or may not have happened (a lost answer looks the
		// same as a failure), so the object stays: the sweeper removes it
		// only once no row references it and its intent has lapsed.
		s.log.Warn("photo row not stored; object left for the sweeper", "photo", ph.ID, "key", ph.ObjectKey, "err", err)
		return Photo{}, false, errs.Unavailable("database_unavailable", 5*time.Second, err)
	}
	return ph, true, nil
}

func (s *Service) replay(prev Photo, parentID, sha string) (Photo, bool, error) {
	if prev.ParentID != parentID || prev.SHA256 != sha {
		return Photo{}, false, errs.Conflict("photo_exists", "a different photo with this photo_id is already stored")
	}
	return prev, false, nil
}

func (s *Service) put(ctx context.Context, rc *received, key string, intent *ahead) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	_, err := s.objects.Put(ctx, key, intent.gate(rc.reader(), rc.size), rc.size, storage.PutOptions{ContentType: rc.format.MIMEType(), SHA256: rc.sha, NewKey: true})
	if err != nil {
		// A put that timed out may still have landed. Removing it must not
		// hold the answer for a second deadline while the store is down,
		// so it runs on its own; if it fails the sweeper gets the orphan.
		go s.dropObject(key)
		return storeErr(err)
	}
	return nil
}

func storeErr(err error) error {
	if errors.Is(err, storage.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
	if errors.Is(err, storage.ErrChecksumMismatch) {
		// The bytes this server read were hashed and are whole; the store
		// received others, so the hop between the two changed them. The
		// phone resends the same bytes, and nothing was kept.
		return errs.Unavailable("storage_transit", 5*time.Second, err)
	}
	return fmt.Errorf("store original: %w", err)
}

// dropObject removes an object known to be unreferenced, best effort: if
// it fails the sweeper gets it.
func (s *Service) dropObject(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.StorageDeadline)
	defer cancel()
	if err := s.objects.Delete(ctx, key); err != nil && !errors.Is(err, storage.ErrNotExist) {
		s.log.Info("drop unreferenced object; sweeper will retry", "key", key, "err", err)
		return
	}
	s.releaseIntent(ctx, key)
}

func tooLarge(limit int64) error {
	return errs.New(errs.KindTooLarge, "file_too_large", fmt.Sprintf("the file is larger than %d bytes", limit))
}

// readErr keeps a body that exceeded http.MaxBytesReader a 413. A domain
// error from the reader itself (a staged object the store could not
// deliver) is already classified and passes through.
func readErr(err error) error {
	if _, ok := errs.As(err); ok {
		return err
	}
	if isMaxBytes(err) {
		return errs.New(errs.KindTooLarge, "file_too_large", "the request body is too large")
	}
	return errs.New(errs.KindInvalid, "upload_interrupted", "the upload body could not be read").Wrap(err)
}

// verifyImage checks the header dimensions and the file's structure, so a
// truncated or damaged file is refused before anything is stored. The
// full decode that would also catch a flipped bit inside valid structure
// costs ~25 times the object-store put, so by default it is left to the
// rendition job (which decodes anyway) and runs here only with
// FIELDPROOF_UPLOAD_FULL_DECODE.
func (s *Service) verifyImage(ctx context.Context, rc *received) error {
	w, h, err := renditions.Dimensions(rc.reader(), rc.format)
	if err == nil {
		err = renditions.CheckLimits(w, h, s.cfg.MaxPixels, s.cfg.MaxSide)
	}
	if err != nil {
		return imageErr(err)
	}
	rc.w, rc.h = w, h
	if err := renditions.CheckStructure(rc.reader(), rc.size, rc.format); err != nil {
		return imageErr(err)
	}
	if !s.cfg.FullDecode {
		return nil
	}
	select {
	case s.verify <- struct{}{}:
		defer func() { <-s.verify }()
	case <-ctx.Done():
		return ctx.Err()
	}
	if _, err := renditions.DecodeWithLimits(rc.reader(), rc.format, s.limits()); err != nil {
		return imageErr(err)
	}
	return nil
}

// inspect is every check of the bytes themselves: the image's structure
// and limits, then its EXIF.
func (s *Service) inspect(ctx context.Context, rc *received) (exif.Meta, error) {
	if err := s.verifyImage(ctx, rc); err != nil {
		return exif.Meta{}, err
	}
	meta, err := exif.Read(rc.reader(), rc.size)
	if err != nil {
		return exif.Meta{}, fmt.Errorf("read exif: %w", err)
	}
	return meta, nil
}

func (s *Service) limits() renditions.Limits {
	// config.Load has already refused any other value.
	heic, _ := renditions.ParseHEICDecoder(s.cfg.HEICDecoder)
	return renditions.Limits{MaxBytes: s.cfg.MaxUploadBytes, MaxPixels: s.cfg.MaxPixels, MaxSide: s.cfg.MaxSide, HEICDecoder: heic}
}

func imageErr(err error) error {
	switch {
	case errors.Is(err, renditions.ErrTooLarge):
		return errs.New(errs.KindUnprocessable, "image_too_large", "the image dimensions exceed the limits").Wrap(err)
	case errors.Is(err, renditions.ErrUnsupportedFormat):
		return errs.New(errs.KindUnsupportedMedia, "unsupported_media_type", "the image format is not supported").Wrap(err)
	default:
		// The reason (truncated, a bad marker at some offset, …) tells the
		// phone's user whether a re-send can help.
		reason := strings.TrimPrefix(err.Error(), renditions.ErrCorrupt.Error()+": ")
		return errs.New(errs.KindUnprocessable, "corrupt_image", "the image data is corrupt ("+reason+")").Wrap(err)
	}
}
