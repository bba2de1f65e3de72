package checks

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// ParentKind names checks as photo parents.
const ParentKind = "check"

// Parents lets the photo pipeline ask checks who may attach and see photos,
// so that rule stays in one place (policy.Check) for checks and their photos.
type Parents struct{ s *Service }

var _ photos.Parents = Parents{}

// AsParents adapts the service to photos.Parents.
func (s *Service) AsParents() Parents { return Parents{s: s} }

// ForUpload returns the check if p may attach photos to it.
func (ps Parents) ForUpload(ctx context.Context, p auth.Principal, checkID string) (photos.Parent, error) {
	return ps.parent(ctx, p, checkID, policy.AttachPhoto)
}

// ForView returns the check if p may see it and its photos.
func (ps Parents) ForView(ctx context.Context, p auth.Principal, checkID string) (photos.Parent, error) {
	return ps.parent(ctx, p, checkID, policy.ViewCheck)
}

func (ps Parents) parent(ctx context.Context, p auth.Principal, checkID string, a policy.Action) (photos.Parent, error) {
	c, proj, err := ps.s.authorize(ctx, p, checkID, a)
	if err != nil {
		return photos.Parent{}, err
	}
	return photos.Parent{Kind: ParentKind, ID: c.ID, ProjectID: c.ProjectID, Lat: c.Location.Lat, Lon: c.Location.Lon,
		CapturedAt: c.CapturedAt, Route: proj.Route, ExpectedPhotoIDs: c.PhotoIDs}, nil
}
