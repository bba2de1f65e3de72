package photos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/storage"
)

// Get returns a photo if p may see its parent. Anyone else gets not-found,
// so photo ids do not reveal which checks exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Photo, error) {
	if s.parents == nil {
		return Photo{}, errNoParents
	}
	ph, err := s.store.Get(ctx, id)
	if err != nil {
		return Photo{}, err
	}
	if _, err := s.parents.ForView(ctx, p, ph.ParentID); err != nil {
		if errors.Is(err, errs.ErrForbidden) || errors.Is(err, errs.ErrNotFound) {
			return Photo{}, errs.NotFound("photo")
		}
		return Photo{}, err
	}
	return ph, nil
}

// List returns the photos of a parent p may see.
func (s *Service) List(ctx context.Context, p auth.Principal, parentID string) ([]Photo, error) {
	if s.parents == nil {
		return nil, errNoParents
	}
	parent, err := s.parents.ForView(ctx, p, parentID)
	if err != nil {
		return nil, err
	}
	return s.store.ListByParent(ctx, parent.ID)
}

// Variants of a photo that can be read.
const (
	Original  = "original"
	Preview   = "preview"
	Thumbnail = "thumbnail"
)

// Content is how to deliver a variant: a signed URL when the backend can
// sign one, else a stream the caller must close.
type Content struct {
	URL         string
	Body        io.ReadCloser
	Size        int64
	ContentType string
}

// Open returns one variant of a photo p may see.
func (s *Service) Open(ctx context.Context, p auth.Principal, id, variant string) (Content, error) {
	ph, err := s.Get(ctx, p, id)
	if err != nil {
		return Content{}, err
	}
	key, ctype := ph.ObjectKey, ph.ContentType
	switch variant {
	case Original:
	case Preview, Thumbnail:
		switch ph.RenditionStatus {
		case RenditionPending:
			return Content{}, errs.Conflict("rendition_pending", "the rendition is still being made; try again in a few seconds")
		case RenditionFailed:
			return Content{}, errs.New(errs.KindNotFound, "rendition_failed",
				"no rendition could be made from this original (see the photo's flags); the original is available")
		}
		key, ctype = storage.RenditionKey(ph.ID, variant), "image/jpeg"
	default:
		return Content{}, errs.NotFound("rendition")
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	url, err := s.objects.SignedURL(sctx, "GET", key, s.cfg.SignedURLTTL)
	if err == nil {
		return Content{URL: url, ContentType: ctype}, nil
	}
	if !errors.Is(err, storage.ErrNotSupported) {
		return Content{}, storageErr(err)
	}
	// The stream outlives this call, so it gets no per-call deadline; the
	// backend bounds stalls itself.
	rc, info, err := s.objects.Get(context.WithoutCancel(ctx), key)
	if err != nil {
		return Content{}, storageErr(err)
	}
	return Content{Body: rc, Size: info.Size, ContentType: ctype}, nil
}

func storageErr(err error) error {
	if errors.Is(err, storage.ErrNotExist) {
		return fmt.Errorf("photo object missing: %w", err)
	}
	return errs.Unavailable("storage_unavailable", 30*time.Second, err)
}

// errNoParents: built without a Parents (only the background workers are
// wired), the service refuses rather than guess who may see what.
var errNoParents = errs.Unavailable("photos_unavailable", time.Minute, errors.New("photos: no Parents configured"))
