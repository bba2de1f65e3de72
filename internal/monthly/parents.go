package monthly

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// ParentKind names monthly reports as photo parents.
const ParentKind = "monthly_report"

// Parents lets the photo pipeline ask the cycle who may attach and see a
// report's photos, so that rule stays in policy.Monthly. The original is
// evidence exactly as a check's is: same pipeline, same retention.
type Parents struct{ s *Service }

var _ photos.Parents = Parents{}

// ParentDeps are what deciding access to a report's photos needs; the
// photo pipeline is built with them before this service exists.
type ParentDeps struct {
	Store    Store
	Projects ProjectSource
}

// NewParents builds the photo pipeline's view of monthly reports.
func NewParents(d ParentDeps) Parents {
	return Parents{s: NewService(Deps{Store: d.Store, Projects: d.Projects})}
}

// Route is the photo pipeline's route for report ids.
func (ps Parents) Route() photos.Route { return photos.Route{Owns: ps.s.d.Store.IsReport, Parents: ps} }

// ForUpload returns the report if p may attach photos to it: its unit's
// contractors, while it is a draft or returned.
func (ps Parents) ForUpload(ctx context.Context, p auth.Principal, id string) (photos.Parent, error) {
	r, _, err := ps.s.authorize(ctx, p, id, policy.AttachReportPhoto, false)
	if err != nil {
		return photos.Parent{}, err
	}
	if r.State != StateDraft && r.State != StateReturned {
		return photos.Parent{}, refused(r.State, "attach a photo")
	}
	return parentOf(r), nil
}

// ForView returns the report if p may see it and its photos.
func (ps Parents) ForView(ctx context.Context, p auth.Principal, id string) (photos.Parent, error) {
	r, _, err := ps.s.authorize(ctx, p, id, policy.ViewMonthly, false)
	if err != nil {
		return photos.Parent{}, err
	}
	return parentOf(r), nil
}

// parentOf carries no position or time: a report's photos are judged
// against their points (off_point, outside_period), not one fix.
func parentOf(r Report) photos.Parent {
	ids := make([]string, len(r.Photos))
	for i, ph := range r.Photos {
		ids[i] = ph.PhotoID
	}
	return photos.Parent{Kind: ParentKind, ID: r.ID, ProjectID: r.ProjectID, ExpectedPhotoIDs: ids, OnlyExpected: true}
}

// UploadPhoto stores one photo of a report through the photo pipeline.
// Only a photo the report names for one of its points is taken.
func (s *Service) UploadPhoto(ctx context.Context, p auth.Principal, reportID string, in photos.UploadInput) (photos.Photo, bool, error) {
	r, _, err := s.authorize(ctx, p, reportID, policy.AttachReportPhoto, false)
	if err != nil {
		return photos.Photo{}, false, err
	}
	named := false
	for _, ph := range r.Photos {
		named = named || strings.EqualFold(ph.PhotoID, in.PhotoID)
	}
	if !named {
		return photos.Photo{}, false, unprocessable("photo_id", "not_announced",
			"name this photo for one of the report's points first")
	}
	if s.d.Uploader == nil {
		return photos.Photo{}, false, errs.Unavailable("photos_unavailable", time.Minute, errors.New("monthly: no photo uploader"))
	}
	in.ParentID = r.ID
	return s.d.Uploader.Upload(ctx, p, in)
}
