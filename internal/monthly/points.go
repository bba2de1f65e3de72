package monthly

import (
	"context"
	"errors"
	"math"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// NewPoint is a photo point as the office or an inspector defines it.
type NewPoint struct {
	Name     string
	Lat, Lon *float64
	Bearing  *float64
	Note     string
}

func (n NewPoint) validate() error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(n.Name == "", "name", "required", "name is required")
	v.Check(len(n.Name) > 200, "name", "too_long", "at most 200 characters")
	v.Check(len(n.Note) > 2000, "note", "too_long", "at most 2000 characters")
	bad := func(x *float64, lo, hi float64, hiOpen bool) bool {
		return x == nil || math.IsNaN(*x) || *x < lo || *x > hi || (hiOpen && *x == hi)
	}
	v.Check(bad(n.Lat, -90, 90, false), "lat", "out_of_range", "lat is required, between -90 and 90")
	v.Check(bad(n.Lon, -180, 180, false), "lon", "out_of_range", "lon is required, between -180 and 180")
	v.Check(bad(n.Bearing, 0, 360, true), "bearing", "out_of_range",
		"bearing is required: degrees clockwise from north, 0 or more and less than 360")
	return v.Err()
}

// CreatePoint defines a fixed photo point on a project (office, admin, or
// an inspector assigned to it); audited.
func (s *Service) CreatePoint(ctx context.Context, p auth.Principal, projectID string, n NewPoint) (Point, error) {
	proj, rel, err := s.project(ctx, p, projectID)
	if err != nil {
		return Point{}, err
	}
	if err := policy.Monthly(p, policy.ManagePhotoPoints, rel); err != nil {
		return Point{}, err
	}
	if err := n.validate(); err != nil {
		return Point{}, err
	}
	pt := Point{ID: uuid.NewString(), ProjectID: proj.ID, Name: n.Name, Lat: *n.Lat, Lon: *n.Lon, Bearing: *n.Bearing,
		Note: n.Note, CreatedBy: p.UserID, CreatedAt: s.now()}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertPoint(ctx, pt); err != nil {
			return err
		}
		return s.audit(ctx, p, "photo_point.create", "photo_point", pt.ID, map[string]any{"project_id": pt.ProjectID,
			"name": pt.Name, "lat": pt.Lat, "lon": pt.Lon, "bearing": pt.Bearing, "note": pt.Note})
	})
	if errors.Is(err, errs.ErrConflict) {
		return Point{}, pointExists()
	}
	return pt, err
}

// Points lists a project's photo points for whoever sees the project.
func (s *Service) Points(ctx context.Context, p auth.Principal, projectID string) ([]Point, error) {
	_, rel, err := s.project(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if err := policy.Monthly(p, policy.ViewMonthly, rel); err != nil {
		return nil, err
	}
	return s.d.Store.Points(ctx, projectID)
}

// SeriesEntry is a point's photo of one period.
type SeriesEntry struct {
	Period   Period
	ReportID string
	State    ReportState
	Caption  string
	Photo    photos.Photo
	Flags    []string
}

// Series is a point's photo for every period reported, oldest first:
// the same spot month after month. Drafts are the unit's work in progress
// and are left out; a photo announced but not yet uploaded is left out.
func (s *Service) Series(ctx context.Context, p auth.Principal, pointID string) (Point, []SeriesEntry, error) {
	pt, err := s.d.Store.Point(ctx, pointID)
	if errors.Is(err, errs.ErrNotFound) {
		return Point{}, nil, errs.NotFound("photo_point")
	} else if err != nil {
		return Point{}, nil, err
	}
	_, rel, err := s.project(ctx, p, pt.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Point{}, nil, errs.NotFound("photo_point")
	} else if err != nil {
		return Point{}, nil, err
	}
	if err := policy.Monthly(p, policy.ViewMonthly, rel); err != nil {
		return Point{}, nil, err
	}
	rs, err := s.d.Store.ReportsOfProject(ctx, pt.ProjectID)
	if err != nil {
		return Point{}, nil, err
	}
	var reported []Report
	for _, r := range rs {
		if r.State != StateDraft {
			reported = append(reported, r)
		}
	}
	if reported, err = s.withPhotosOf(ctx, reported); err != nil {
		return Point{}, nil, err
	}
	out := []SeriesEntry{}
	for _, r := range reported {
		for _, rp := range r.Photos {
			if rp.PointID != pt.ID {
				continue
			}
			if ph, ok := r.Stored[rp.PhotoID]; ok {
				out = append(out, SeriesEntry{Period: r.Period, ReportID: r.ID, State: r.State, Caption: rp.Caption,
					Photo: ph, Flags: r.PhotoFlags[rp.PhotoID]})
			}
		}
	}
	return pt, out, nil
}

// PointPatch changes some of a point's fields (nil: unchanged).
type PointPatch struct {
	Name, Note        *string
	Lat, Lon, Bearing *float64
}

// UpdatePoint corrects a photo point (same people as CreatePoint);
// audited with what it was. Photos already taken stay with the point:
// moving it re-judges their off_point flag, since flags are computed when
// read.
func (s *Service) UpdatePoint(ctx context.Context, p auth.Principal, id string, patch PointPatch) (Point, error) {
	pt, err := s.d.Store.Point(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Point{}, errs.NotFound("photo_point")
	} else if err != nil {
		return Point{}, err
	}
	_, rel, err := s.project(ctx, p, pt.ProjectID)
	if errors.Is(err, errs.ErrNotFound) {
		return Point{}, errs.NotFound("photo_point")
	} else if err != nil {
		return Point{}, err
	}
	if err := policy.Monthly(p, policy.ManagePhotoPoints, rel); err != nil {
		return Point{}, err
	}
	before := pt
	n := NewPoint{Name: pt.Name, Lat: &pt.Lat, Lon: &pt.Lon, Bearing: &pt.Bearing, Note: pt.Note}
	if patch.Name != nil {
		n.Name = *patch.Name
	}
	if patch.Note != nil {
		n.Note = *patch.Note
	}
	if patch.Lat != nil {
		n.Lat = patch.Lat
	}
	if patch.Lon != nil {
		n.Lon = patch.Lon
	}
	if patch.Bearing != nil {
		n.Bearing = patch.Bearing
	}
	if err := n.validate(); err != nil {
		return Point{}, err
	}
	pt.Name, pt.Lat, pt.Lon, pt.Bearing, pt.Note = n.Name, *n.Lat, *n.Lon, *n.Bearing, n.Note
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.UpdatePoint(ctx, pt); err != nil {
			return err
		}
		return s.audit(ctx, p, "photo_point.update", "photo_point", pt.ID, map[string]any{
			"before": pointAudit(before), "after": pointAudit(pt)})
	})
	if errors.Is(err, errs.ErrConflict) {
		return Point{}, pointExists()
	}
	return pt, err
}

func pointAudit(pt Point) map[string]any {
	return map[string]any{"name": pt.Name, "lat": pt.Lat, "lon": pt.Lon, "bearing": pt.Bearing, "note": pt.Note}
}

func pointExists() error {
	return &errs.Error{Kind: errs.KindConflict, Code: "point_exists",
		Message: "this project already has a photo point of that name",
		Fields:  []errs.FieldError{{Field: "name", Code: "duplicate", Message: "already used on this project"}}}
}
