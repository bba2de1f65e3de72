package console_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

// The office reads schedule status (序时进度) in the console: the list's
// tags and its filter, the project page's indicator table, and the
// dashboard's chart of projects by status.
func TestScheduleStatusInTheConsole(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		county := consoletest.Seed(t, e)
		admin := county.Users[consoletest.Admin].Principal()
		// The road: 300 of 330 days gone, 10% done — behind by about 80
		// points. The water project: 10 of 310 days gone, half done — ahead.
		schedule(t, e, admin, county.Road, -300, 30, map[int]float64{120: 4, 0: 10})
		schedule(t, e, admin, county.Other, -10, 300, map[int]float64{0: 50})
		month := time.Now().UTC().AddDate(0, -1, 0).Format(projects.MonthLayout)
		if _, err := e.Server.Projects.CreateIndicator(context.Background(), admin, county.Road, projects.NewIndicator{
			Name: "受益户数", Unit: "户", Target: ptrF(120), Plan: []projects.PlanPoint{{Month: month, Percent: 60}}}); err != nil {
			t.Fatal(err)
		}

		site := consoletest.Serve(t, e)
		tab := consoletest.Open(t, site, "office")
		tab.SignInTo(consoletest.Office, "/console/projects")
		tab.Go("/console/projects")
		tags := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('table.projects span.tag')).map(s => s.textContent.trim())`)
		joined := strings.Join(tags, "|")
		if !strings.Contains(joined, "停滞") || !strings.Contains(joined, "超序时") {
			t.Fatalf("schedule tags: %v", tags)
		}
		tab.Shoot("projects-schedule")

		// Filter: stalled only (the road's households: nothing of 60% due).
		tab.Do(chromedp.SetValue("#schedule_status", "stalled"))
		tab.Submit("form.filters button[type=submit]")
		if p := tab.Path(); !strings.Contains(p, "schedule_status=stalled") {
			t.Fatalf("filter at %s", p)
		}
		if text := tab.Text(); !strings.Contains(text, "上坝村通村公路") || strings.Contains(text, "河塘镇农村饮水") {
			t.Fatalf("stalled: %s", text)
		}

		// The road's page: its two indicators, judged.
		tab.Go("/console/projects/" + county.Road)
		rows := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('table.indicators tbody tr')).map(r => r.textContent.replace(/\s+/g, ' ').trim())`)
		if len(rows) != 2 || !strings.Contains(rows[0], "形象进度") || !strings.Contains(rows[0], "慢序时") ||
			!strings.Contains(rows[1], "受益户数") || !strings.Contains(rows[1], "停滞") || !strings.Contains(rows[1], month+" 60%") {
			t.Fatalf("indicator table: %v", rows)
		}
		tab.Shoot("project-indicators")

		// Add an indicator from the page; a bad plan is refused with the
		// form as filled; then the plan is fixed, and the indicator deleted.
		tab.Do(chromedp.Click(`details:has(form.add-indicator) > summary`))
		tab.Do(chromedp.SendKeys("#new-name", "教室"), chromedp.SendKeys("#new-unit", "间"),
			chromedp.SendKeys("#new-target", "6"), chromedp.SendKeys("#new-plan", "2026-13:50"))
		tab.Submit("form.add-indicator button[type=submit]")
		if code := consoletest.Eval[string](tab, `(document.querySelector('.problem') || {dataset: {}}).dataset.code || ''`); code != "validation_failed" {
			t.Fatalf("bad plan: problem %q: %s", code, tab.Text())
		}
		if v := consoletest.Eval[string](tab, `document.querySelector('#new-name').value`); v != "教室" {
			t.Fatalf("the refused form lost its name: %q", v)
		}
		tab.Shoot("project-indicator-refused")
		consoletest.Eval[string](tab, `document.querySelector('#new-plan').value = ''`)
		tab.Submit("form.add-indicator button[type=submit]")
		if p := tab.Path(); !strings.Contains(p, "done=indicator_saved") {
			t.Fatalf("after adding: %s", p)
		}
		rows = consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('table.indicators tbody tr td:first-child')).map(r => r.textContent.trim())`)
		if strings.Join(rows, ",") != "形象进度,受益户数,教室" {
			t.Fatalf("after adding: %v", rows)
		}
		inds, err := e.Server.Projects.Indicators(context.Background(), admin, county.Road)
		if err != nil || len(inds) != 3 {
			t.Fatal(inds, err)
		}
		cls := inds[2].ID
		tab.Do(chromedp.Click(`details:has(#plan-` + cls + `) > summary`))
		consoletest.Eval[string](tab, "document.querySelector('#plan-"+cls+"').value = '"+month+":100'")
		tab.Submit(`form[action$="/indicators/` + cls + `"] button[type=submit]`)
		if inds, _ := e.Server.Projects.Indicators(context.Background(), admin, county.Road); len(inds[2].Plan) != 1 || inds[2].Plan[0].Percent != 100 {
			t.Fatalf("plan not saved: %+v", inds[2])
		}
		tab.Do(chromedp.Click(`details:has(#plan-` + cls + `) > summary`))
		tab.Submit(`form[action$="/indicators/` + cls + `/delete"] button[type=submit]`)
		if p := tab.Path(); !strings.Contains(p, "done=indicator_deleted") {
			t.Fatalf("after deleting: %s", p)
		}
		if inds, _ := e.Server.Projects.Indicators(context.Background(), admin, county.Road); len(inds) != 2 {
			t.Fatalf("after deleting: %+v", inds)
		}

		// The responsible unit reads the table but gets no forms.
		unit := consoletest.Open(t, site, "contractor")
		unit.SignInTo(consoletest.Contractor, "/console/projects/"+county.Road)
		unit.Go("/console/projects/" + county.Road)
		if n := consoletest.Eval[int](unit, `document.querySelectorAll('table.indicators tbody tr').length`); n != 2 {
			t.Fatalf("the unit sees %d indicators", n)
		}
		if n := consoletest.Eval[int](unit, `document.querySelectorAll('form.edit-indicator, form.add-indicator').length`); n != 0 {
			t.Fatalf("the unit is offered %d indicator forms", n)
		}

		// The dashboard counts projects by status, as the service does.
		tab.Go("/console/dashboard")
		bars := consoletest.Eval[[]string](tab, `Array.from(document.querySelectorAll('figure[aria-labelledby="chart-schedule-t"] title')).map(t => t.textContent)`)
		rd, err := e.Server.Review.Dashboard(context.Background(), county.Users[consoletest.Office].Principal(),
			review.DashboardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, sc := range rd.Schedule {
			want = append(want, fmt.Sprintf("%s：%d", i18n.Value(i18n.ZH, "schedule_status", string(sc.Status)), sc.Count))
		}
		if strings.Join(bars, ",") != strings.Join(want, ",") || !strings.Contains(strings.Join(bars, ","), "超序时：1") {
			t.Fatalf("schedule chart: %v, the service %v", bars, want)
		}
		tab.Shoot("dashboard-schedule")
	})
}

func ptrF(f float64) *float64 { return &f }
