package orders

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// ParentKind names order responses as photo parents.
const ParentKind = "order_response"

// Parents lets the photo pipeline ask orders who may attach and see the
// photos of a response, so that rule stays with orders and their policy
// (policy.AttachResponsePhoto, policy.ViewResponsePhoto), as checks keep
// theirs.
type Parents struct{ s *Service }

var _ photos.Parents = Parents{}

// ParentDeps are all that deciding access to a response's photos needs.
// The photo pipeline is built with them before the order service exists,
// since that service in turn uploads through the pipeline.
type ParentDeps struct {
	Store    Store
	Projects ProjectSource
}

// NewParents builds the photo pipeline's view of order responses.
func NewParents(d ParentDeps) Parents {
	return Parents{s: &Service{d: Deps{Store: d.Store, Projects: d.Projects}}}
}

// Route is the photo pipeline's route for response ids.
func (ps Parents) Route() photos.Route { return photos.Route{Owns: ps.Owns, Parents: ps} }

// Owns reports whether id names an order response; the photo pipeline
// routes those parent ids here and every other to checks.
func (ps Parents) Owns(ctx context.Context, id string) (bool, error) {
	return ps.s.d.Store.IsResponse(ctx, id)
}

// ForUpload returns the response if p may attach photos to it.
func (ps Parents) ForUpload(ctx context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return ps.parent(ctx, p, id, policy.AttachResponsePhoto)
}

// ForView returns the response if p may see its photos.
func (ps Parents) ForView(ctx context.Context, p auth.Principal, id string) (photos.Parent, error) {
	return ps.parent(ctx, p, id, policy.ViewResponsePhoto)
}

func (ps Parents) parent(ctx context.Context, p auth.Principal, id string, a policy.Action) (photos.Parent, error) {
	r, err := ps.s.d.Store.Response(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return photos.Parent{}, errs.NotFound("response")
	} else if err != nil {
		return photos.Parent{}, err
	}
	_, proj, rel, err := ps.s.access(ctx, p, r.OrderID)
	if err != nil {
		return photos.Parent{}, err
	}
	rel.ResponseAuthorID = r.SubmittedBy
	if err := policy.Order(p, a, rel); err != nil {
		return photos.Parent{}, err
	}
	// The response's own fix and time, when the phone sent them, are what
	// its photos are compared with; without them no mismatch is computed.
	parent := photos.Parent{Kind: ParentKind, ID: r.ID, ProjectID: r.ProjectID, Route: proj.Route,
		ExpectedPhotoIDs: r.PhotoIDs}
	if r.Location != nil {
		parent.Lat, parent.Lon = r.Location.Lat, r.Location.Lon
	}
	if r.CapturedAt != nil {
		parent.CapturedAt = *r.CapturedAt
	}
	return parent, nil
}

// UploadResponsePhoto stores one photo of a response of order orderID
// through the photo pipeline (same limits, flags and renditions as checks).
func (s *Service) UploadResponsePhoto(ctx context.Context, p auth.Principal, orderID, responseID string, in photos.UploadInput) (photos.Photo, bool, error) {
	// The order first: one the caller may not see answers order_not_found
	// as an unknown one does, whatever the response id.
	if _, _, _, err := s.access(ctx, p, orderID); err != nil {
		return photos.Photo{}, false, err
	}
	r, err := s.d.Store.Response(ctx, responseID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && r.OrderID != orderID) {
		return photos.Photo{}, false, errs.NotFound("response")
	} else if err != nil {
		return photos.Photo{}, false, err
	}
	if s.d.Uploader == nil {
		return photos.Photo{}, false, errs.Unavailable("photos_unavailable", time.Minute, errors.New("orders: no photo uploader"))
	}
	in.ParentID = r.ID
	return s.d.Uploader.Upload(ctx, p, in)
}
