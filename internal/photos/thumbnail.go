package photos

import (
	"context"
	"fmt"
	"io"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/storage"
)

// maxThumbnailBytes bounds what ThumbnailBytes reads: a 320 px JPEG is a few
// tens of KB, so anything larger is not a thumbnail fieldproof made.
const maxThumbnailBytes = 2 << 20

// ThumbnailBytes returns a photo's thumbnail for embedding (PDF reports),
// read through the store whatever the backend (no presigned URL), or
// ok=false while it is not made. Same access rule as Get.
func (s *Service) ThumbnailBytes(ctx context.Context, p auth.Principal, id string) (b []byte, ok bool, err error) {
	ph, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, false, err
	}
	if ph.RenditionStatus != RenditionReady {
		return nil, false, nil
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	rc, _, err := s.objects.Get(sctx, storage.RenditionKey(ph.ID, Thumbnail))
	if err != nil {
		return nil, false, storageErr(err)
	}
	defer rc.Close()
	b, err = io.ReadAll(io.LimitReader(rc, maxThumbnailBytes+1))
	if err != nil {
		return nil, false, storageErr(err)
	}
	if len(b) > maxThumbnailBytes {
		return nil, false, fmt.Errorf("thumbnail of %s is %d bytes or more", id, len(b))
	}
	return b, true, nil
}
