package console

import (
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// The parts of a report's review page: its figures beside the last
// accepted report's, and each point's photo beside the latest earlier one.

// pointPhoto is one photo of a point in a report.
type pointPhoto struct {
	ID, Caption, RenditionStatus string
	Period, Label, ReportID      string
	State                        monthly.ReportState
	Flags                        []string
	Taken, GPS, Distance         string
	Lat, Lon                     *float64
	// Alt describes the picture; View speaks the reader's language in
	// the shared partial (_pointphoto).
	Alt  string
	View *view
}

// reportValues lays each indicator's figure beside the last accepted
// report's before this one (prevLabel names its period; "" when none).
func (c *Console) reportValues(ctx context.Context, p auth.Principal, v *view, r monthly.Report) ([]valueRow, string, error) {
	inds, err := c.d.Projects.Indicators(ctx, p, r.ProjectID)
	if err != nil {
		return nil, "", err
	}
	accepted, err := c.d.Monthly.List(ctx, p, monthly.ListFilter{ProjectID: r.ProjectID, State: monthly.StateAccepted})
	if err != nil {
		return nil, "", err
	}
	var prev *monthly.Report
	for i := range accepted {
		if a := accepted[i]; a.Period < r.Period && (prev == nil || a.Period > prev.Period) {
			prev = &accepted[i]
		}
	}
	prevLabel, prevValues := "", map[string]float64{}
	if prev != nil {
		prevLabel = periodLabel(v, string(prev.Period))
		for _, x := range prev.Values {
			prevValues[x.IndicatorID] = x.Value
		}
	}
	values := map[string]monthly.Value{}
	for _, x := range r.Values {
		values[x.IndicatorID] = x
	}
	rows := make([]valueRow, 0, len(inds))
	for _, ind := range inds {
		x, ok := values[ind.ID]
		row := valueRow{Name: ind.Name, Unit: ind.Unit, Target: ind.Target, Value: x.Value, Reported: ok, Flags: x.Flags}
		row.Prev, row.HasPrev = prevValues[ind.ID]
		if ok && row.HasPrev {
			// Rounded to what a person writes: 0.8 − 1.0 is −0.2, not
			// −0.19999999999999996.
			row.Change = strconv.FormatFloat(math.Round((x.Value-row.Prev)*1e6)/1e6, 'f', -1, 64)
			if x.Value > row.Prev {
				row.Change = "+" + row.Change
			}
		}
		rows = append(rows, row)
	}
	return rows, prevLabel, nil
}

// reportPairs puts, for each of the project's points, the report's photo
// beside the latest earlier photo of the point's series.
func (c *Console) reportPairs(ctx context.Context, p auth.Principal, v *view, r monthly.Report, label string) ([]pointPair, error) {
	points, err := c.d.Monthly.Points(ctx, p, r.ProjectID)
	if err != nil {
		return nil, err
	}
	shot := map[string]monthly.ReportPhoto{}
	for _, ph := range r.Photos {
		shot[ph.PointID] = ph
	}
	var out []pointPair
	for _, pt := range points {
		pair := pointPair{Point: pt}
		if rp, ok := shot[pt.ID]; ok {
			if ph, stored := r.Stored[rp.PhotoID]; stored {
				pair.This = c.pointPhoto(v, pt, ph, rp.Caption, r.PhotoFlags[rp.PhotoID])
				pair.This.Period, pair.This.Label, pair.This.State = string(r.Period), label, r.State
				pair.This.Alt = v.T("console.report.photo_alt", pt.Name, label)
			} else {
				pair.Announced = true
			}
		}
		_, series, err := c.d.Monthly.Series(ctx, p, pt.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range series {
			if e.Period < r.Period && (pair.Prev == nil || string(e.Period) > pair.Prev.Period) {
				pair.Prev = c.pointPhoto(v, pt, e.Photo, e.Caption, e.Flags)
				pair.Prev.Period, pair.Prev.Label, pair.Prev.ReportID, pair.Prev.State = string(e.Period),
					periodLabel(v, string(e.Period)), e.ReportID, e.State
				pair.Prev.Alt = v.T("console.report.photo_alt", pt.Name, pair.Prev.Label)
			}
		}
		out = append(out, pair)
	}
	return out, nil
}

// pointsMap places each point, ringed at the distance beyond which a
// photo is off_point, and where this report's photos were taken.
func pointsMap(v *view, pairs []pointPair, radius float64) string {
	pts := []mapPoint{}
	for _, pp := range pairs {
		pts = append(pts, mapPoint{Lat: pp.Point.Lat, Lng: pp.Point.Lon, Kind: "check", Label: pp.Point.Name, Radius: radius})
		if ph := pp.This; ph != nil && ph.Lat != nil && ph.Lon != nil {
			pts = append(pts, mapPoint{Lat: *ph.Lat, Lng: *ph.Lon, Kind: "photo",
				Label: v.T("console.report.map_photo", pp.Point.Name)})
		}
	}
	return jsonAttr(pts)
}

// pointPhoto lays out one photo of a point: its capture time and place as
// its own EXIF says, and how far that place is from the point.
func (c *Console) pointPhoto(v *view, pt monthly.Point, ph photos.Photo, caption string, flags []string) *pointPhoto {
	pv := photoOf(v, ph)
	out := &pointPhoto{ID: ph.ID, Caption: caption, RenditionStatus: ph.RenditionStatus, Flags: flags,
		Taken: pv.Taken, GPS: pv.GPS, Lat: ph.EXIF.Lat, Lon: ph.EXIF.Lon, View: v}
	if ph.EXIF.Lat != nil && ph.EXIF.Lon != nil {
		out.Distance = distance(geo.Distance(geo.Point{Lat: *ph.EXIF.Lat, Lon: *ph.EXIF.Lon}, geo.Point{Lat: pt.Lat, Lon: pt.Lon}))
	}
	sort.Strings(out.Flags)
	return out
}

// periodLabel is "2026年12月" / "December 2026".
func periodLabel(v *view, period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	if v.Lang == i18n.EN {
		return t.Format("January 2006")
	}
	return v.T("console.monthly.period_label", t.Year(), int(t.Month()))
}

// Bearing prints a bearing with its compass point (东北 45°).
func (v *view) Bearing(b float64) string {
	names := []string{"n", "ne", "e", "se", "s", "sw", "w", "nw"}
	i := int((b+22.5)/45) % 8
	return v.T("console.points.bearing_value", v.T("console.points.dir."+names[i]), b)
}
