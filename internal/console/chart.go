package console

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Charts are drawn by the server as inline SVG (the CSP allows no inline
// style and the console loads no chart library): these types hold the
// geometry, the templates only print it. Every chart also prints its
// numbers as text, so it reads without the picture.

// barChart is a horizontal bar chart: one labelled row per group.
type barChart struct {
	ID     string // for aria-labelledby
	Title  string
	Rows   []barRow
	Width  int
	Height int
	// Empty: nothing to draw (the template says so instead).
	Empty bool
	// EmptyText and TableText are the chart's words in the reader's
	// language (the partial has no view of its own).
	EmptyText, TableText string
}

type barRow struct {
	// Label is the group's name; Short fits the chart (the full name is
	// its tooltip and in the chart's table).
	Label, Short, Value string
	// Count is the bar's length as a number; Of, when set, draws the
	// whole as a track behind the bar (done of total).
	Count, Of     int
	Y, W, TrackW  int
	TextY, ValueX int
	Bad           bool
}

// Bar chart geometry, in SVG user units (the SVG scales to its box).
const (
	barLabelW = 160
	barAreaW  = 260
	barRowH   = 26
	barH      = 16
)

// group is one bar before layout.
type group struct {
	Label string
	Count int
	Of    int
	// Bad draws the bar in the warning colour (projects behind…).
	Bad bool
}

// newBarChart lays out groups, largest first when sorted is set.
func newBarChart(id, title string, groups []group, sorted bool) barChart {
	if sorted {
		sort.SliceStable(groups, func(i, j int) bool {
			if groups[i].Count != groups[j].Count {
				return groups[i].Count > groups[j].Count
			}
			return groups[i].Label < groups[j].Label
		})
	}
	c := barChart{ID: id, Title: title, Width: barLabelW + barAreaW + 70, Height: len(groups)*barRowH + 6}
	max := 0
	for _, g := range groups {
		max = maxInt(max, maxInt(g.Count, g.Of))
	}
	c.Empty = max == 0
	for i, g := range groups {
		r := barRow{Label: g.Label, Short: shorten(g.Label, barLabelRunes), Count: g.Count, Of: g.Of, Y: i*barRowH + 5, TextY: i*barRowH + 5 + barH - 3,
			Bad: g.Bad}
		r.Value = fmt.Sprint(g.Count)
		if g.Of > 0 {
			r.Value = fmt.Sprintf("%d / %d", g.Count, g.Of)
		}
		if max > 0 {
			r.W = g.Count * barAreaW / max
			r.TrackW = g.Of * barAreaW / max
		}
		if g.Count > 0 && r.W < 2 {
			r.W = 2
		}
		r.ValueX = barLabelW + maxInt(r.W, r.TrackW) + 6
		c.Rows = append(c.Rows, r)
	}
	return c
}

// countBy counts items by a key (a township, a unit…); an empty key is
// counted under blank.
func countBy[T any](items []T, key func(T) string, blank string) []group {
	return sumBy(items, key, func(T) int { return 1 }, blank)
}

// sumBy adds up each item's weight by its key, groups in the order their
// keys first appear; an empty key is counted under blank.
func sumBy[T any](items []T, key func(T) string, weight func(T) int, blank string) []group {
	idx := map[string]int{}
	var out []group
	for _, it := range items {
		k := strings.TrimSpace(key(it))
		if k == "" {
			k = blank
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, group{Label: k})
		}
		out[i].Count += weight(it)
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// progressChart is a project's progress against its schedule: the plan as
// a straight line from 0% at the planned start to 100% at the planned end,
// and the reported progress as a line through each report.
type progressChart struct {
	Width, Height          int
	Left, Right, Top, Base int // the plot area
	Plan                   string
	Actual                 string
	Dots                   []chartDot
	XTicks                 []chartTick
	YTicks                 []chartTick
	Today                  *chartTick
	HasPlan                bool
}

type chartDot struct {
	X, Y  int
	Label string
}

type chartTick struct {
	Pos   int
	Label string
	// Anchor is the SVG text-anchor: the first date starts at its tick
	// and the last ends at it, so neither runs off the chart.
	Anchor string
}

// progressPoint is one report as the chart needs it.
type progressPoint struct {
	Date    time.Time
	Percent float64
}

// newProgressChart lays out the plan and the reports over a time axis that
// covers the schedule, every report and today. Nil when there is nothing
// to draw (no schedule and no report).
func newProgressChart(start, end *time.Time, reports []progressPoint, today time.Time, date func(time.Time) string) *progressChart {
	var lo, hi time.Time
	widen := func(t time.Time) {
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if hi.IsZero() || t.After(hi) {
			hi = t
		}
	}
	hasPlan := start != nil && end != nil && !end.Before(*start)
	if hasPlan {
		widen(*start)
		widen(end.Add(24 * time.Hour))
	}
	for _, r := range reports {
		widen(r.Date)
	}
	if lo.IsZero() {
		return nil
	}
	widen(today)
	if !hi.After(lo) {
		hi = lo.Add(24 * time.Hour)
	}
	c := &progressChart{Width: 600, Height: 266, Left: 54, Right: 590, Top: 14, Base: 218, HasPlan: hasPlan}
	x := func(t time.Time) int {
		return c.Left + int(float64(c.Right-c.Left)*float64(t.Sub(lo))/float64(hi.Sub(lo)))
	}
	y := func(pct float64) int { return c.Base - int(float64(c.Base-c.Top)*pct/100) }
	for _, p := range []float64{0, 50, 100} {
		c.YTicks = append(c.YTicks, chartTick{Pos: y(p), Label: fmt.Sprintf("%.0f%%", p)})
	}
	if hasPlan {
		c.Plan = fmt.Sprintf("%d,%d %d,%d", x(*start), y(0), x(end.Add(24*time.Hour)), y(100))
		c.XTicks = append(c.XTicks, chartTick{Pos: x(*start), Label: date(*start), Anchor: "start"},
			chartTick{Pos: x(end.Add(24 * time.Hour)), Label: date(*end), Anchor: "end"})
	}
	c.Today = &chartTick{Pos: x(today), Label: date(today), Anchor: "middle"}
	switch {
	case c.Today.Pos > c.Right-60:
		c.Today.Anchor = "end"
	case c.Today.Pos < c.Left+60:
		c.Today.Anchor = "start"
	}
	// Reports come newest first; the line runs oldest first.
	pts := make([]string, 0, len(reports)+1)
	if hasPlan && (len(reports) == 0 || reports[len(reports)-1].Date.After(*start)) {
		pts = append(pts, fmt.Sprintf("%d,%d", x(*start), y(0)))
	}
	for i := len(reports) - 1; i >= 0; i-- {
		r := reports[i]
		px, py := x(r.Date), y(r.Percent)
		pts = append(pts, fmt.Sprintf("%d,%d", px, py))
		c.Dots = append(c.Dots, chartDot{X: px, Y: py, Label: fmt.Sprintf("%s %.0f%%", date(r.Date), r.Percent)})
	}
	if len(reports) > 0 {
		c.Actual = strings.Join(pts, " ")
	}
	return c
}

// barLabelRunes is how many characters of a label fit beside a bar.
const barLabelRunes = 9

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
