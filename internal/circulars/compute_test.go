package circulars

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// A small county's June, worked by hand:
//
//	unit         leader  projects (status, gap)                       reports          overdue orders
//	交通局 (T)    王强     R1 behind −12.5, R2 stalled −55, R3 on_schedule  R1 late, R2 missing  ZG-2026-0003 (06-10), ZG-2026-0001 (05-20)
//	水利局 (W)    李梅     W1 ahead +15, W2 completed                     W1 on time, W2 on time   —
//	教育局 (E)    张伟     E1 not_started, E2 ahead +10                   E2 missing       —
//	卫健局 (H)    —       (no project in the circular)                   —                ZG-2026-0007 (06-25)
//
// Projects 7 = on schedule 1 + behind 1 + stalled 1 + completed 1 + ahead 2 + not started 1.
// Reports due 5 = on time 2 + late 1 + missing 2.
// Orders: 6 opened, 4 closed (given), overdue 3 (listed).
// Look-back: 9 inspected, 2 findings (given).
// Units listed by name (code-point order of 交通局 < 卫健局 < 教育局 < 水利局:
// 交 U+4EA4, 卫 U+536B, 教 U+6559, 水 U+6C34).
// Praised: 水利局 only (ahead + completed); 教育局 has a project not started.
func TestComputeSmallCountyJune(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	in := Input{
		County: "青山县", Period: Period{2026, time.June}, At: d("2026-06-30"),
		Units: []Unit{{"T", "交通局", "王强"}, {"W", "水利局", "李梅"}, {"E", "教育局", "张伟"}, {"H", "卫健局", ""}},
		Projects: []ProjectFacts{
			{ID: "r1", Code: "RD-01", Name: "上坝村公路", UnitID: "T", Township: "青山乡", Status: Behind, GapPoints: -12.5},
			{ID: "r2", Code: "RD-02", Name: "下坝村公路", UnitID: "T", Township: "青山乡", Status: Stalled, GapPoints: -55},
			{ID: "r3", Code: "RD-03", Name: "河塘公路", UnitID: "T", Township: "河塘镇", Status: OnSchedule, GapPoints: -3},
			{ID: "w1", Code: "WS-01", Name: "饮水工程", UnitID: "W", Township: "河塘镇", Status: Ahead, GapPoints: 15},
			{ID: "w2", Code: "WS-02", Name: "水厂", UnitID: "W", Township: "白水乡", Status: Completed},
			{ID: "e1", Code: "SC-01", Name: "中心小学", UnitID: "E", Township: "河塘镇", Status: NotStarted},
			{ID: "e2", Code: "KG-01", Name: "幼儿园", UnitID: "E", Township: "白水乡", Status: Ahead, GapPoints: 10},
		},
		Reports: []ReportFacts{
			{ProjectID: "r1", Code: "RD-01", Name: "上坝村公路", UnitID: "T", Township: "青山乡", State: ReportLate},
			{ProjectID: "r2", Code: "RD-02", Name: "下坝村公路", UnitID: "T", Township: "青山乡", State: ReportMissing},
			{ProjectID: "w1", Code: "WS-01", Name: "饮水工程", UnitID: "W", Township: "河塘镇", State: ReportOnTime},
			{ProjectID: "w2", Code: "WS-02", Name: "水厂", UnitID: "W", Township: "白水乡", State: ReportOnTime},
			{ProjectID: "e2", Code: "KG-01", Name: "幼儿园", UnitID: "E", Township: "白水乡", State: ReportMissing},
		},
		OrdersOpened: 6, OrdersClosed: 4,
		Overdue: []OverdueOrder{
			{ID: "o3", Number: "ZG-2026-0003", ProjectCode: "RD-01", ProjectName: "上坝村公路", UnitID: "T", Deadline: d("2026-06-10")},
			{ID: "o7", Number: "ZG-2026-0007", ProjectCode: "CL-01", ProjectName: "卫生院", UnitID: "H", Deadline: d("2026-06-25")},
			{ID: "o1", Number: "ZG-2026-0001", ProjectCode: "RD-02", ProjectName: "下坝村公路", UnitID: "T", Deadline: d("2026-05-20")},
		},
		LookBackInspected: 9, LookBackFindings: 2,
	}
	c := Compute(in)
	want := Figures{Projects: 7, OnSchedule: 1, Behind: 1, Stalled: 1, Completed: 1, Ahead: 2, NotStarted: 1,
		ReportsDue: 5, ReportsOnTime: 2, ReportsLate: 1, ReportsMissing: 2,
		OrdersOpened: 6, OrdersClosed: 4, OrdersOverdue: 3, LookBackInspected: 9, LookBackFindings: 2}
	if c.Figures != want {
		t.Fatalf("figures\n got %+v\nwant %+v", c.Figures, want)
	}
	var names []string
	for _, u := range c.Units {
		names = append(names, u.Name)
	}
	if !reflect.DeepEqual(names, []string{"交通局", "卫健局", "教育局", "水利局"}) {
		t.Fatalf("units %v", names)
	}
	tr := c.Units[0]
	if tr.Leader != "王强" || tr.Projects != 3 {
		t.Fatalf("交通局: %+v", tr)
	}
	// Worst gap first: the stalled road (−55) before the behind one (−12.5);
	// the on-schedule road (−3) is not listed.
	wantBehind := []BehindProject{
		{ProjectID: "r2", Code: "RD-02", Name: "下坝村公路", Township: "青山乡", Status: Stalled, GapPoints: -55},
		{ProjectID: "r1", Code: "RD-01", Name: "上坝村公路", Township: "青山乡", Status: Behind, GapPoints: -12.5},
	}
	if !reflect.DeepEqual(tr.Behind, wantBehind) {
		t.Fatalf("behind %+v", tr.Behind)
	}
	if len(tr.LateReports) != 1 || tr.LateReports[0].Code != "RD-01" || len(tr.MissingReports) != 1 || tr.MissingReports[0].Code != "RD-02" {
		t.Fatalf("reports: late %+v missing %+v", tr.LateReports, tr.MissingReports)
	}
	// Oldest deadline first.
	if len(tr.OverdueOrders) != 2 || tr.OverdueOrders[0].Number != "ZG-2026-0001" || tr.OverdueOrders[1].Number != "ZG-2026-0003" {
		t.Fatalf("overdue %+v", tr.OverdueOrders)
	}
	h := c.Units[1]
	if h.Projects != 0 || len(h.OverdueOrders) != 1 || !h.HasIssues() || h.Leader != "" {
		t.Fatalf("卫健局: %+v", h)
	}
	e := c.Units[2]
	if e.Leader != "张伟" || len(e.Behind) != 0 || len(e.MissingReports) != 1 || e.MissingReports[0].Code != "KG-01" {
		t.Fatalf("教育局: %+v", e)
	}
	w := c.Units[3]
	if w.HasIssues() || w.Projects != 2 {
		t.Fatalf("水利局: %+v", w)
	}
	if !reflect.DeepEqual(c.Ahead, []AheadUnit{{Unit: Unit{"W", "水利局", "李梅"}, Projects: 2}}) {
		t.Fatalf("ahead %+v", c.Ahead)
	}
	// Pure: the same input, the same circular.
	if !reflect.DeepEqual(Compute(in), c) {
		t.Fatal("Compute is not deterministic")
	}
}

// An empty month is a circular of zeros, with no unit and no praise; a
// project whose unit the input does not describe is still counted, under
// its id.
func TestComputeEdges(t *testing.T) {
	c := Compute(Input{Period: Period{2026, time.January}})
	if c.Figures != (Figures{}) || len(c.Units) != 0 || len(c.Ahead) != 0 {
		t.Fatalf("empty: %+v", c)
	}
	c = Compute(Input{Projects: []ProjectFacts{{ID: "p", Code: "X", UnitID: "u9", Status: Ahead}}})
	if c.Figures.Projects != 1 || c.Figures.Ahead != 1 || len(c.Units) != 1 || c.Units[0].Name != "u9" || len(c.Ahead) != 1 {
		t.Fatalf("unknown unit: %+v", c)
	}
}

func TestParsePeriod(t *testing.T) {
	p, err := ParsePeriod("2024-02")
	if err != nil || p.String() != "2024-02" {
		t.Fatalf("%v %v", p, err)
	}
	// Leap year: February 2024 ends on the 29th.
	if got := p.LastDay().Format("2006-01-02"); got != "2024-02-29" {
		t.Fatalf("last day %s", got)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if got := p.End(sh).UTC().Format(time.RFC3339); got != "2024-02-29T16:00:00Z" {
		t.Fatalf("end %s", got)
	}
	for _, bad := range []string{"", "2026-13", "2026-6", "26-06", "2026-06-01", "1999-12", "abcd-ef"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

type fakeIndicators struct{ asked *time.Time }

func (f *fakeIndicators) IndicatorsOf(_ context.Context, ids []string, at *time.Time) (map[string][]projects.Indicator, error) {
	f.asked = at
	return map[string][]projects.Indicator{ids[0]: {{ID: "i", ProjectID: ids[0], Name: "路面", Unit: "km", Target: 10, Value: 3}}}, nil
}

// June's circular judges a road planned over 2026 at the end of 30 June
// (the first instant of 1 July) with the figures dated up to 30 June:
// planned 181/365 = 49.59 %, reported 3/10 km = 30 %, gap −19.59 points.
func TestProjectSchedulesAtTheEndOfJune(t *testing.T) {
	d := func(s string) *time.Time { t, _ := time.Parse("2006-01-02", s); return &t }
	f := &fakeIndicators{}
	at := Period{2026, time.June}.LastDay().AddDate(0, 0, 1)
	got, err := ProjectSchedules{Indicators: f}.SchedulesOf(context.Background(), []projects.Project{{ID: "p",
		PlannedStart: d("2026-01-01"), PlannedEnd: d("2026-12-31"), Status: projects.StatusUnderConstruction}}, at)
	if err != nil {
		t.Fatal(err)
	}
	if f.asked == nil || f.asked.Format("2006-01-02") != "2026-06-30" {
		t.Fatalf("values asked as of %v, want 2026-06-30", f.asked)
	}
	if s := got["p"]; s.Status != Behind || s.GapPoints != -19.59 {
		t.Fatalf("schedule %+v, want behind −19.59", s)
	}
}
