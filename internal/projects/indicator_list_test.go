package projects_test

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestListByScheduleStatus(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Mid-year, 22.5 km each: nothing, 5 km, 11.25 km, 22.5 km; and one
		// starting next year.
		km := map[string]float64{"SCH-001": 0, "SCH-002": 5, "SCH-003": 11.25, "SCH-004": 22.5, "SCH-006": 5}
		for _, code := range []string{"SCH-001", "SCH-002", "SCH-003", "SCH-004", "SCH-006"} {
			p := e.create(road(code))
			if km[code] > 0 {
				if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-07-01",
					Quantity: ptr(km[code])}); err != nil {
					t.Fatal(err)
				}
			}
		}
		late := road("SCH-005")
		late.PlannedStart, late.PlannedEnd = "2027-01-01", "2027-06-30"
		e.create(late)
		list := func(q projects.ListQuery) []string {
			t.Helper()
			pg, err := e.svc.List(e.ctx, e.office, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range pg.Items {
				if p.Schedule == nil {
					t.Fatalf("%s without a schedule", p.Code)
				}
				out = append(out, p.Code+":"+string(p.Schedule.Status))
			}
			if pg.NextCursor != "" {
				out = append(out, "…")
			}
			return out
		}
		want := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
		want(list(projects.ListQuery{}), "SCH-001:stalled", "SCH-002:behind", "SCH-003:on_schedule",
			"SCH-004:completed", "SCH-005:not_started", "SCH-006:behind")
		want(list(projects.ListQuery{Schedule: []projects.ScheduleStatus{projects.ScheduleBehind, projects.ScheduleStalled}}),
			"SCH-001:stalled", "SCH-002:behind", "SCH-006:behind")
		// behind_schedule is the same rule: behind or stalled.
		want(list(projects.ListQuery{Behind: ptr(true)}), "SCH-001:stalled", "SCH-002:behind", "SCH-006:behind")
		want(list(projects.ListQuery{Schedule: []projects.ScheduleStatus{projects.ScheduleCompleted, projects.ScheduleNotStarted}}),
			"SCH-004:completed", "SCH-005:not_started")
		// Pages hold the filter across the cursor.
		one := 1
		pg, err := e.svc.List(e.ctx, e.office, projects.ListQuery{Limit: &one,
			Schedule: []projects.ScheduleStatus{projects.ScheduleBehind}})
		if err != nil || len(pg.Items) != 1 || pg.Items[0].Code != "SCH-002" || pg.NextCursor == "" {
			t.Fatalf("first page %+v %v", pg, err)
		}
		want(list(projects.ListQuery{Limit: &one, Cursor: pg.NextCursor, Schedule: []projects.ScheduleStatus{projects.ScheduleBehind}}),
			"SCH-006:behind")
		want(list(projects.ListQuery{Behind: ptr(false), Schedule: []projects.ScheduleStatus{projects.ScheduleBehind}}))
		_, err = e.svc.List(e.ctx, e.office, projects.ListQuery{Schedule: []projects.ScheduleStatus{"late"}})
		wantField(t, err, "schedule_status", "invalid")
		wantErr(t, err, errs.KindInvalid, "validation_failed")
	})
}
