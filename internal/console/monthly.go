package console

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/monthly"
)

// monthlyRoutes: 月报 — the reporting status of a period (who reported on
// time, late, not at all; what awaits review, was returned, accepted), by
// unit, by township and by project, and the office's closing of it.
func (c *Console) monthlyRoutes(g *gin.RouterGroup) {
	g.GET("/monthly", c.page(c.monthlyPage))
	g.POST("/monthly/:period/close", c.page(c.closePeriod))
}

// monthlyData is the status page of one period.
type monthlyData struct {
	Period string
	// Label is the period in words ("2026年12月").
	Label string
	// Max is the latest month the picker offers (the running one); Prev
	// and Next the neighbouring periods ("" when not offered).
	Max, Prev, Next string
	// Status is nil when the period could not be read (the page's
	// problem says why; the picker stays).
	Status  *monthly.PeriodStatus
	Figures []figure
	// Tallies are the counts by responsible unit and by township.
	Tallies []tally
	// DuePassed: the due time is behind us, so a missing report is overdue.
	DuePassed bool
	// DueDay is the last day to report (DueAt is the first instant after it).
	DueDay string
}

// tally is one table of counts: by unit or by township.
type tally struct {
	ID, Title, Name string
	Rows            []monthly.StatusCount
}

// currentPeriod is the month running now in the county's zone: the one
// whose reports are being filed.
func currentPeriod(now time.Time, zone *time.Location) string {
	return now.In(zone).Format("2006-01")
}

func (c *Console) monthlyPage(gc *gin.Context) error {
	period := gc.Query("period")
	if period == "" {
		period = currentPeriod(time.Now(), c.d.Zone)
	}
	return c.showMonthly(gc, period, http.StatusOK, nil)
}

// showMonthly renders the status of period; problem, when set, is why an
// action on it was refused (shown above it, with status).
func (c *Console) showMonthly(gc *gin.Context, period string, status int, problem error) error {
	v := c.newView(gc, "monthly", nil)
	d := monthlyData{Period: period, Max: currentPeriod(time.Now(), c.d.Zone)}
	if t, err := time.Parse("2006-01", period); err == nil && len(period) == 7 {
		d.Label = periodLabel(v, period)
		d.Prev = t.AddDate(0, -1, 0).Format("2006-01")
		if n := t.AddDate(0, 1, 0).Format("2006-01"); n <= d.Max {
			d.Next = n
		}
	}
	st, err := c.d.Monthly.Status(gc.Request.Context(), principal(gc), period)
	if err != nil {
		// A reader the service refuses is refused the page; a bad period
		// is said on the page, which keeps the picker.
		s, e := respond.Classify(err)
		if e == nil || e.Kind == errs.KindForbidden || e.Kind == errs.KindUnauthenticated {
			return err
		}
		if problem == nil {
			status, problem = s, err
		}
	} else {
		d.Status = &st
		d.DuePassed = !time.Now().Before(st.DueAt)
		d.DueDay = dueDay(st.DueAt, c.d.Zone)
		d.Figures = monthlyFigures(v, st)
		d.Tallies = []tally{{ID: "by-unit", Title: v.T("console.monthly.by_unit"), Name: v.T("console.monthly.unit"), Rows: st.ByUnit},
			{ID: "by-township", Title: v.T("console.monthly.by_township"), Name: v.T("console.monthly.township"), Rows: st.ByTownship}}
	}
	if problem != nil {
		s, e := respond.Classify(problem)
		if e == nil {
			return problem
		}
		v.Problem = c.problem(v, s, e, gc.GetString(respond.RequestIDKey))
	}
	v.Data = d
	c.render(gc, status, "monthly", v)
	return nil
}

// monthlyFigures are the period's headline counts. On time, late and
// missing split the projects by first submission (a report returned keeps
// it); submitted, returned and accepted say where the filed ones stand.
func monthlyFigures(v *view, st monthly.PeriodStatus) []figure {
	var t monthly.StatusCount
	for _, u := range st.ByUnit {
		t.Projects += u.Projects
		t.OnTime += u.OnTime
		t.Late += u.Late
		t.Missing += u.Missing
		t.Submitted += u.Submitted
		t.Returned += u.Returned
		t.Accepted += u.Accepted
	}
	fig := func(key string, n int, bad bool) figure {
		return figure{Key: key, Label: v.T("console.monthly.count." + key), Value: n, Bad: bad && n > 0}
	}
	return []figure{fig("projects", t.Projects, false), fig("on_time", t.OnTime, false), fig("late", t.Late, true),
		fig("missing", t.Missing, true), fig("submitted", t.Submitted, false), fig("returned", t.Returned, true),
		fig("accepted", t.Accepted, false)}
}

// closePeriod closes the period (the office): its reports can no longer
// be filed, changed or reviewed. The page asks first (data-confirm).
func (c *Console) closePeriod(gc *gin.Context) error {
	period := gc.Param("period")
	if _, err := c.d.Monthly.Close(gc.Request.Context(), principal(gc), period); err != nil {
		st, e := respond.Classify(err)
		if e == nil || e.Kind == errs.KindForbidden {
			return err
		}
		return c.showMonthly(gc, period, st, err)
	}
	redirect(gc, Prefix+"/monthly?period="+period+"&done=period_closed")
	return nil
}

// dueDay is the last day reports are due, the day before the instant
// DueAt: "2026-11-28", not "2026-11-29 00:00".
func dueDay(dueAt time.Time, zone *time.Location) string {
	return dueAt.Add(-time.Nanosecond).In(zone).Format("2006-01-02")
}

// stateClass is a report state's tag colour.
func stateClass(s monthly.ReportState) string {
	switch s {
	case monthly.StateAccepted:
		return "ok"
	case monthly.StateReturned:
		return "warn"
	case monthly.StateMissing:
		return "bad"
	}
	return ""
}

// StateClass is a report state's tag colour, for templates.
func (d monthlyData) StateClass(s monthly.ReportState) string { return stateClass(s) }
