package monthly

import (
	"context"
	"math"
	"time"

	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// ValueFlags judges one cumulative figure against the indicator as it
// stood before the month (prev.Value when prev.HasValue): a figure that
// went down, one above the target, and one that grew by more than
// jumpShare of the target in the month. All are accepted; the office sees
// the flags.
func ValueFlags(prev Indicator, value, jumpShare float64) []string {
	var out []string
	base := 0.0
	if prev.HasValue {
		base = prev.Value
		if value < prev.Value {
			out = append(out, FlagDecreased)
		}
	}
	if prev.Target > 0 && value > prev.Target {
		out = append(out, FlagExceedsTarget)
	}
	if prev.Target > 0 && value-base > jumpShare*prev.Target {
		out = append(out, FlagJump)
	}
	return out
}

// PhotoFlags judges one stored photo of a point: off_point when its own
// EXIF GPS is farther than radiusM from the point, outside_period when its
// EXIF capture time is outside the period's month in zone (a camera clock
// without an offset is read in zone), reused when the pipeline found the
// same picture (exact bytes or perceptual hash) in another report.
func PhotoFlags(ph photos.Photo, pt Point, period Period, zone *time.Location, radiusM float64, reused bool) []string {
	var out []string
	if ph.EXIF.Lat != nil && ph.EXIF.Lon != nil {
		d := geo.Distance(geo.Point{Lat: *ph.EXIF.Lat, Lon: *ph.EXIF.Lon}, geo.Point{Lat: pt.Lat, Lon: pt.Lon})
		if d > radiusM {
			out = append(out, FlagOffPoint)
		}
	}
	if t, ok := takenAt(ph.EXIF, zone); ok {
		if t.Before(period.Start(zone)) || !t.Before(period.End(zone)) {
			out = append(out, FlagOutsidePeriod)
		}
	}
	if reused {
		out = append(out, FlagReused)
	}
	return out
}

func takenAt(e photos.EXIF, zone *time.Location) (time.Time, bool) {
	if t, ok := e.TakenInstant(); ok {
		return t, true
	}
	if e.TakenAt == nil {
		return time.Time{}, false
	}
	t := *e.TakenAt // the camera's wall clock, no offset: the county's
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zone), true
}

// stored maps the report's stored photos by id.
func (s *Service) stored(ctx context.Context, reportID string) (map[string]photos.Photo, error) {
	out := map[string]photos.Photo{}
	if s.d.Photos == nil {
		return out, nil
	}
	phs, err := s.d.Photos.ListByParent(ctx, reportID)
	if err != nil {
		return nil, err
	}
	for _, ph := range phs {
		out[ph.ID] = ph
	}
	return out, nil
}

// withPhotos attaches the stored photos of r and their flags, computed
// now from the photos' EXIF and the pipeline's duplicate detection.
func (s *Service) withPhotos(ctx context.Context, r Report) (Report, error) {
	stored, err := s.stored(ctx, r.ID)
	if err != nil {
		return Report{}, err
	}
	r.Stored, r.PhotoFlags = stored, map[string][]string{}
	if len(r.Photos) == 0 {
		return r, nil
	}
	points, err := s.d.Store.Points(ctx, r.ProjectID)
	if err != nil {
		return Report{}, err
	}
	flags, err := s.photoFlags(ctx, []Report{r}, map[string][]Point{r.ProjectID: points},
		map[string]map[string]photos.Photo{r.ID: stored})
	if err != nil {
		return Report{}, err
	}
	r.PhotoFlags = flags[r.ID]
	return r, nil
}

// photoFlags judges the stored photos of reports (by report id) against
// their points (by project id): report id → photo id → flags. Two queries
// resolve every duplicate link at once, whatever the number of reports.
//
// Reused: the same picture (the pipeline's exact duplicate or perceptual
// match) is in a report of an earlier period, or in an earlier-filed
// report of the same period. The pipeline links a repeat to whichever
// photo it processed first — an upload to the earlier upload, a rendition
// job to the photos already hashed — which is not the order of periods
// (a late October report, November's job run first), so the links are
// read in both directions and ordered by period here: the first use is
// never flagged.
func (s *Service) photoFlags(ctx context.Context, rs []Report, points map[string][]Point,
	stored map[string]map[string]photos.Photo) (map[string]map[string][]string, error) {
	var refs, ids []string
	for _, byID := range stored {
		for _, ph := range byID {
			refs = append(refs, reuseRefs(ph)...)
			ids = append(ids, ph.ID)
		}
	}
	places, err := s.d.Store.ReportPlacesOfPhotos(ctx, refs)
	if err != nil {
		return nil, err
	}
	referring, err := s.d.Store.ReportPhotosReferring(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string][]string, len(rs))
	for _, r := range rs {
		byPoint := map[string]Point{}
		for _, pt := range points[r.ProjectID] {
			byPoint[pt.ID] = pt
		}
		here := ReportPlace{ReportID: r.ID, Period: r.Period, Seq: r.Seq}
		if here.Seq == 0 {
			here.Seq = math.MaxInt64 // just inserted, not read back: the latest filed
		}
		out[r.ID] = map[string][]string{}
		for _, rp := range r.Photos {
			ph, ok := stored[r.ID][rp.PhotoID]
			if !ok {
				continue
			}
			linked := append([]ReportPlace(nil), referring[ph.ID]...)
			for _, ref := range reuseRefs(ph) {
				if p, ok := places[ref]; ok {
					linked = append(linked, p)
				}
			}
			reused := false
			for _, p := range linked {
				reused = reused || (p.ReportID != r.ID && p.Before(here))
			}
			out[r.ID][rp.PhotoID] = PhotoFlags(ph, byPoint[rp.PointID], r.Period, s.o.Zone, s.o.PointRadiusM, reused)
		}
	}
	return out, nil
}

func reuseRefs(ph photos.Photo) []string {
	var out []string
	if d := ph.Flags.Duplicate; d != nil {
		out = append(out, d.PhotoID)
	}
	if d := ph.Flags.PossibleReuse; d != nil {
		out = append(out, d.PhotoID)
	}
	return out
}
