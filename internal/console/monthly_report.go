package console

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// monthlyReportRoutes: one monthly report for the office's review — its
// figures beside the last accepted ones, its words, and each photo point's
// photo beside the one before it — with accept and return.
func (c *Console) monthlyReportRoutes(g *gin.RouterGroup) {
	g.GET("/monthly-reports/:id", c.page(c.monthlyReportPage))
	g.POST("/monthly-reports/:id/accept", c.page(c.acceptReport))
	g.POST("/monthly-reports/:id/return", c.page(c.returnReport))
}

// reportData is the review page of one report.
type reportData struct {
	Report  monthly.Report
	Project projects.Project
	Label   string // the period in words
	Author  string
	DueAt   time.Time
	DueDay  string
	Late    bool
	Closed  bool
	// PrevLabel is the period of the last accepted report before this one
	// ("" when there is none): its figures stand beside these.
	PrevLabel string
	Values    []valueRow
	Points    []pointPair
	// Flags are every flag of the report's figures and photos.
	Flags []string
	// Map is map.js's data-points: each point with its radius, and where
	// this report's photos say they were taken.
	Map string
	// CanReview: the reader may review and the report awaits it.
	CanReview bool
	Form      map[string]string
}

// valueRow is one indicator's figure in the report.
type valueRow struct {
	Name, Unit    string
	Target, Value float64
	Reported      bool
	Flags         []string
	HasPrev       bool
	Prev          float64
	Change        string
}

// pointPair is a photo point with the report's photo and the photo of
// the same spot before it.
type pointPair struct {
	Point      monthly.Point
	This, Prev *pointPhoto
	// Announced: the report names a photo for the point, not uploaded.
	Announced bool
}

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

func (c *Console) monthlyReportPage(gc *gin.Context) error {
	v, err := c.reportView(gc, nil)
	if err != nil {
		return err
	}
	c.render(gc, http.StatusOK, "monthly_report", v)
	return nil
}

// reportView builds the review page; form refills a refused form.
func (c *Console) reportView(gc *gin.Context, form map[string]string) (*view, error) {
	p, ctx := principal(gc), gc.Request.Context()
	r, err := c.d.Monthly.Get(ctx, p, gc.Param("id"))
	if err != nil {
		return nil, err
	}
	proj, err := c.d.Projects.Get(ctx, p, r.ProjectID)
	if err != nil {
		return nil, err
	}
	v := c.newView(gc, "monthly", nil)
	d := reportData{Report: r, Project: proj, Label: periodLabel(v, string(r.Period)), Form: form, Flags: r.Flags(),
		DueAt: r.Period.DueAt(c.d.Monthly.Options().DueDay, c.d.Zone)}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	d.Late = r.SubmittedAt != nil && !r.SubmittedAt.Before(d.DueAt)
	d.DueDay = dueDay(d.DueAt, c.d.Zone)
	d.Author = c.authorName(ctx, v, r.AuthorID)
	if d.Closed, err = c.d.Monthly.PeriodClosed(ctx, r.Period); err != nil {
		return nil, err
	}
	d.CanReview = r.State == monthly.StateSubmitted && !d.Closed &&
		policy.Monthly(p, policy.ReviewMonthly, policy.ProjectRelation{UnitID: proj.UnitID}) == nil

	// The figures beside the last accepted report's.
	inds, err := c.d.Projects.Indicators(ctx, p, proj.ID)
	if err != nil {
		return nil, err
	}
	accepted, err := c.d.Monthly.List(ctx, p, monthly.ListFilter{ProjectID: proj.ID, State: monthly.StateAccepted})
	if err != nil {
		return nil, err
	}
	var prev *monthly.Report
	for i := range accepted {
		if a := accepted[i]; a.Period < r.Period && (prev == nil || a.Period > prev.Period) {
			prev = &accepted[i]
		}
	}
	prevValues := map[string]float64{}
	if prev != nil {
		d.PrevLabel = periodLabel(v, string(prev.Period))
		for _, x := range prev.Values {
			prevValues[x.IndicatorID] = x.Value
		}
	}
	values := map[string]monthly.Value{}
	for _, x := range r.Values {
		values[x.IndicatorID] = x
	}
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
		d.Values = append(d.Values, row)
	}

	// Each point: this report's photo beside the latest earlier one.
	points, err := c.d.Monthly.Points(ctx, p, proj.ID)
	if err != nil {
		return nil, err
	}
	shot := map[string]monthly.ReportPhoto{}
	for _, ph := range r.Photos {
		shot[ph.PointID] = ph
	}
	for _, pt := range points {
		pair := pointPair{Point: pt}
		if rp, ok := shot[pt.ID]; ok {
			if ph, stored := r.Stored[rp.PhotoID]; stored {
				pair.This = c.pointPhoto(v, pt, ph, rp.Caption, r.PhotoFlags[rp.PhotoID])
				pair.This.Period, pair.This.Label, pair.This.State = string(r.Period), d.Label, r.State
				pair.This.Alt = v.T("console.report.photo_alt", pt.Name, d.Label)
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
		d.Points = append(d.Points, pair)
	}
	d.Map = pointsMap(v, d.Points, c.d.Monthly.Options().PointRadiusM)
	v.Data = d
	v.Title = proj.Name + " · " + d.Label
	return v, nil
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

func (c *Console) acceptReport(gc *gin.Context) error {
	id := gc.Param("id")
	if _, err := c.d.Monthly.Accept(gc.Request.Context(), principal(gc), id); err != nil {
		return c.reportRefused(gc, err, nil)
	}
	redirect(gc, Prefix+"/monthly-reports/"+id+"?done=report_accepted")
	return nil
}

func (c *Console) returnReport(gc *gin.Context) error {
	id := gc.Param("id")
	reason := strings.TrimSpace(gc.PostForm("reason"))
	if _, err := c.d.Monthly.Return(gc.Request.Context(), principal(gc), id, reason); err != nil {
		return c.reportRefused(gc, err, map[string]string{"reason": gc.PostForm("reason")})
	}
	redirect(gc, Prefix+"/monthly-reports/"+id+"?done=report_returned")
	return nil
}

// reportRefused shows the report again with why the action was refused.
func (c *Console) reportRefused(gc *gin.Context, err error, form map[string]string) error {
	status, e := respond.Classify(err)
	if e == nil || status == http.StatusNotFound {
		return err
	}
	v, verr := c.reportView(gc, form)
	if verr != nil {
		return verr
	}
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	if e.Code == "transition_not_allowed" {
		// The catalog's words for this code are about orders.
		v.Problem.Message = v.T("console.report.transition")
	}
	c.render(gc, status, "monthly_report", v)
	return nil
}
