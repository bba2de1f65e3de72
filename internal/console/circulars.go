package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/i18n"
)

// circularsRoutes: the monthly supervision circular (督查通报) of a period —
// the office's preview, its publication, and the published versions.
func (c *Console) circularsRoutes(g *gin.RouterGroup) {
	g.GET("/circulars", c.page(c.circularsPage))
	g.POST("/circulars/:period/publish", c.page(c.publishCircular))
}

// circularVersions is how many published versions of a period the page
// lists (newest first); a period is published a handful of times at most.
const circularVersions = 50

// circularsData is the circular page: the period, its preview when the
// reader may generate it (the service decides), and its published
// versions when the reader may read them.
type circularsData struct {
	Period string
	// Label is the period in words ("2026年11月").
	Label string
	// Max is the latest month the picker offers (the running one);
	// Prev and Next the neighbouring periods ("" when there is none to
	// offer: not a period, or next would be after Max).
	Max, Prev, Next string
	// Preview is nil when the reader may not generate circulars, or
	// when the period has none (PreviewProblem then says why).
	Preview        *circularPreview
	PreviewProblem *problemView
	Published      []publishedRow
	More           bool
	// Just is the version this page was reached by publishing.
	Just *publishedRow
	// Lang is the reader's language, for the preview downloads' labels.
	Lang string
}

// circularPreview is a computed circular laid out for the page.
type circularPreview struct {
	circulars.Circular
	Groups []figureGroup
	Status barChart
	Behind barChart
	// Issues are the units named in the tables of problems.
	Issues []circulars.UnitSection
}

type figureGroup struct {
	Title   string
	Figures []figure
}

type figure struct {
	Key   string // the JSON name, for tests and styling
	Label string
	Value int
	// Bad marks a figure that names a problem when it is not zero.
	Bad bool
}

type publishedRow struct {
	circulars.Published
	By   string // who published it, as the reader may name them
	Just bool
}

// lastMonth is the month before the one running now in the county's zone:
// the period whose circular the office publishes at the start of a month.
func lastMonth(now time.Time, zone *time.Location) string {
	t := now.In(zone)
	return time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, zone).Format("2006-01")
}

func (c *Console) circularsPage(gc *gin.Context) error {
	period := gc.Query("period")
	if period == "" {
		period = lastMonth(time.Now(), c.d.Zone)
	}
	return c.showCirculars(gc, period, gc.Query("published"), http.StatusOK, nil)
}

// showCirculars renders the page of period; problem, when set, is why an
// action on it was refused (shown above it, with status).
func (c *Console) showCirculars(gc *gin.Context, period, just string, status int, problem error) error {
	p, ctx := principal(gc), gc.Request.Context()
	v := c.newView(gc, "circulars", nil)
	d := circularsData{Period: period, Max: time.Now().In(c.d.Zone).Format("2006-01"), Lang: string(v.Lang)}
	if pp, err := circulars.ParsePeriod(period); err == nil {
		d.Label = v.T("circular.period", pp.Year, int(pp.Month))
		first := time.Date(pp.Year, pp.Month, 1, 0, 0, 0, 0, time.UTC)
		d.Prev = first.AddDate(0, -1, 0).Format("2006-01")
		if n := first.AddDate(0, 1, 0).Format("2006-01"); n <= d.Max {
			d.Next = n
		}
	}
	limit := circularVersions
	pg, err := c.d.Circulars.List(ctx, p, period, "", &limit)
	listed := err == nil
	if err != nil {
		// A reader the service refuses is refused the page; a bad period
		// is said on the page, which still offers the picker.
		st, e := respond.Classify(err)
		if e == nil || e.Kind == errs.KindForbidden || e.Kind == errs.KindUnauthenticated {
			return err
		}
		status, problem = st, err
	}
	d.More = pg.Next != ""
	for _, pub := range pg.Circulars {
		row := publishedRow{Published: pub, By: c.authorName(ctx, v, pub.PublishedBy), Just: pub.ID == just}
		if row.Just {
			r := row
			d.Just = &r
		}
		d.Published = append(d.Published, row)
	}
	// After a refused publication the preview is still shown, so the
	// office can try again from it.
	if listed {
		draft, err := c.d.Circulars.Preview(ctx, p, period)
		switch {
		case errors.Is(err, errs.ErrForbidden):
			// A reader of published circulars only: no preview.
		case err != nil:
			st, e := respond.Classify(err)
			if e == nil {
				return err
			}
			d.PreviewProblem = c.problem(v, st, e, gc.GetString(respond.RequestIDKey))
		default:
			d.Preview = newCircularPreview(v, draft.Circular)
		}
	}
	if problem != nil {
		st, e := respond.Classify(problem)
		if e == nil {
			return problem
		}
		v.Problem = c.problem(v, st, e, gc.GetString(respond.RequestIDKey))
	}
	v.Data = d
	c.render(gc, status, "circulars", v)
	return nil
}

// publishCircular publishes the period's circular as its next version (in
// Chinese, the county's document of record, as the API does) and shows
// the page with the new version's number and hash.
func (c *Console) publishCircular(gc *gin.Context) error {
	period := gc.Param("period")
	pub, err := c.d.Circulars.Publish(gc.Request.Context(), principal(gc), period, i18n.Default)
	if err != nil {
		st, e := respond.Classify(err)
		if e == nil || e.Kind == errs.KindForbidden {
			return err
		}
		return c.showCirculars(gc, period, "", st, err)
	}
	redirect(gc, Prefix+"/circulars?"+url.Values{"period": {pub.Period}, "published": {pub.ID}}.Encode())
	return nil
}

// newCircularPreview lays a circular out: the headline figures in four
// groups, the two charts the PDF draws, and the units with problems.
func newCircularPreview(v *view, c circulars.Circular) *circularPreview {
	f := c.Figures
	fig := func(key string, n int, bad bool) figure {
		return figure{Key: key, Label: v.T("circular.fig." + key), Value: n, Bad: bad && n > 0}
	}
	out := &circularPreview{Circular: c, Groups: []figureGroup{
		{Title: v.T("console.circulars.fig.projects"), Figures: []figure{fig("projects", f.Projects, false),
			fig("on_schedule", f.OnSchedule, false), fig("behind", f.Behind, true), fig("stalled", f.Stalled, true),
			fig("completed", f.Completed, false), fig("ahead", f.Ahead, false), fig("not_started", f.NotStarted, false)}},
		{Title: v.T("console.circulars.fig.reports"), Figures: []figure{fig("reports_due", f.ReportsDue, false),
			fig("reports_on_time", f.ReportsOnTime, false), fig("reports_late", f.ReportsLate, true),
			fig("reports_missing", f.ReportsMissing, true)}},
		{Title: v.T("console.circulars.fig.orders"), Figures: []figure{fig("orders_opened", f.OrdersOpened, false),
			fig("orders_closed", f.OrdersClosed, false), fig("orders_overdue", f.OrdersOverdue, true)}},
		{Title: v.T("console.circulars.fig.look_back"), Figures: []figure{fig("look_back_inspected", f.LookBackInspected, false),
			fig("look_back_findings", f.LookBackFindings, true)}},
	}}
	out.Status = newBarChart("chart-circular-status", v.T("circular.chart.status"), []group{
		{Label: v.T("circular.fig.on_schedule"), Count: f.OnSchedule}, {Label: v.T("circular.fig.behind"), Count: f.Behind, Bad: true},
		{Label: v.T("circular.fig.stalled"), Count: f.Stalled, Bad: true}, {Label: v.T("circular.fig.completed"), Count: f.Completed},
		{Label: v.T("circular.fig.ahead"), Count: f.Ahead}, {Label: v.T("circular.fig.not_started"), Count: f.NotStarted},
	}, false)
	var behind []group
	for _, u := range c.Units {
		if len(u.Behind) > 0 {
			behind = append(behind, group{Label: u.Name, Count: len(u.Behind), Bad: true})
		}
		if u.HasIssues() {
			out.Issues = append(out.Issues, u)
		}
	}
	out.Behind = newBarChart("chart-circular-behind", v.T("circular.chart.behind"), behind, true)
	for _, ch := range []*barChart{&out.Status, &out.Behind} {
		ch.EmptyText, ch.TableText = v.T("console.dashboard.empty"), v.T("console.dashboard.table")
	}
	out.Behind.EmptyText = v.T("circular.chart.none")
	return out
}

// Gap prints a gap in points with its sign, one decimal, as the PDF does.
func (p *circularPreview) Gap(g float64) string { return fmt.Sprintf("%+.1f", g) }

// AsOf is the day whose schedule the circular reports.
func (p *circularPreview) AsOf() string { return p.At.Format("2006-01-02") }
