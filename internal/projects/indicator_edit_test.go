package projects_test

import (
	"math"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestEditIndicators(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("EDI-001")) // 22.5 km over 2026; now is 2 July
		// Households: 120, 60% due by the end of June, all by September.
		hh, err := e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: " 户数 ", Unit: "户",
			Target: ptr(120.0), Plan: []projects.PlanPoint{{Month: "2026-09", Percent: 100}, {Month: "2026-06", Percent: 60}}})
		if err != nil {
			t.Fatal(err)
		}
		if hh.Name != "户数" || hh.Position != 2 || len(hh.Plan) != 2 || hh.Plan[0].Month != "2026-06" {
			t.Fatalf("created %+v", hh)
		}
		// Nothing reported and 60% due: the plan's first knot (60% by the
		// first instant of July) has passed, so it fell behind at the
		// project's planned start and the project with it.
		if hh.OnTrackUntil == nil || !hh.OnTrackUntil.Equal(*p.PlannedStart) {
			t.Fatalf("on track until %v", hh.OnTrackUntil)
		}
		got, _ := e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule == nil || got.Schedule.Status != projects.ScheduleStalled {
			t.Fatalf("project schedule %+v", got.Schedule)
		}
		// 74 households of 120 is 61.66%; a day and a half into July the
		// plan wants 60 + 1.5/92 × 40 = 60.65%: on schedule.
		day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		if err := e.svc.RecordIndicatorValues(e.ctx, e.office, p.ID, projects.SourceMonthly, "m1", day,
			[]projects.IndicatorValue{{IndicatorID: hh.ID, Value: 74}, {IndicatorID: p.ID + "-i1", Value: 11.25}}); err != nil {
			t.Fatal(err)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule.Status != projects.ScheduleOnSchedule || got.BehindSchedule {
			t.Fatalf("after 74 households and 11.25 km: %+v behind %v", got.Schedule, got.BehindSchedule)
		}
		// A plan wanting 80% by June puts it behind: 80 + 1.5/184 × 20 =
		// 80.16% due, 18.5 points short; the project's stored on-track
		// moment follows.
		upd, err := e.svc.UpdateIndicator(e.ctx, e.office, hh.ID, projects.IndicatorUpdate{
			Plan: &[]projects.PlanPoint{{Month: "2026-06", Percent: 80}}})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule.Status != projects.ScheduleBehind || got.Schedule.GapPoints != -18.5 || !got.BehindSchedule ||
			upd.OnTrackUntil == nil || !upd.OnTrackUntil.Before(now) {
			t.Fatalf("after the plan moved: %+v behind %v indicator %+v", got.Schedule, got.BehindSchedule, upd)
		}
		// Back to linear: 61.66% reported against 50% due is ahead, and
		// the project takes its worst indicator, the kilometres at 50%.
		if _, err := e.svc.UpdateIndicator(e.ctx, e.office, hh.ID, projects.IndicatorUpdate{Plan: &[]projects.PlanPoint{}}); err != nil {
			t.Fatal(err)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule.Status != projects.ScheduleOnSchedule || got.BehindSchedule {
			t.Fatalf("linear again: %+v", got.Schedule)
		}
		// Renames, units and targets; a target below the figure is refused.
		upd, err = e.svc.UpdateIndicator(e.ctx, e.office, hh.ID, projects.IndicatorUpdate{Name: ptr("受益户数"),
			Unit: ptr("户"), Target: ptr(144.0)})
		if err != nil || upd.Name != "受益户数" || upd.Target != 144 {
			t.Fatalf("rename: %+v %v", upd, err)
		}
		_, err = e.svc.UpdateIndicator(e.ctx, e.office, hh.ID, projects.IndicatorUpdate{Target: ptr(70.0)})
		wantField(t, err, "target", "below_value")

		// The first indicator follows the project; its plan may change.
		first := p.ID + "-i1"
		_, err = e.svc.UpdateIndicator(e.ctx, e.office, first, projects.IndicatorUpdate{Name: ptr("里程"), Target: ptr(30.0)})
		wantField(t, err, "name", "follows_project")
		wantField(t, err, "target", "follows_project")
		if _, err := e.svc.UpdateIndicator(e.ctx, e.office, first, projects.IndicatorUpdate{
			Plan: &[]projects.PlanPoint{{Month: "2026-03", Percent: 10}}}); err != nil {
			t.Fatal(err)
		}

		// Names are unique per project.
		_, err = e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: "受益户数", Unit: "户", Target: ptr(1.0)})
		wantErr(t, err, errs.KindConflict, "duplicate_indicator")
		_, err = e.svc.UpdateIndicator(e.ctx, e.office, hh.ID, projects.IndicatorUpdate{Name: ptr(projects.QuantityIndicatorName)})
		wantErr(t, err, errs.KindConflict, "duplicate_indicator")

		// Deleting: never the first, never one with figures; a fresh one goes.
		wantErr(t, e.svc.DeleteIndicator(e.ctx, e.office, first), errs.KindConflict, "first_indicator")
		wantErr(t, e.svc.DeleteIndicator(e.ctx, e.office, hh.ID), errs.KindConflict, "indicator_has_values")
		cls, err := e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: "教室", Unit: "间", Target: ptr(6.0)})
		if err != nil || cls.Position != 3 {
			t.Fatalf("third: %+v %v", cls, err)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule.Status != projects.ScheduleStalled {
			t.Fatalf("with nothing of 6 classrooms at mid-year: %+v", got.Schedule)
		}
		if err := e.svc.DeleteIndicator(e.ctx, e.office, cls.ID); err != nil {
			t.Fatal(err)
		}
		inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID)
		if len(inds) != 2 {
			t.Fatalf("after delete: %+v", inds)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Schedule.Status == projects.ScheduleStalled || got.BehindSchedule {
			t.Fatalf("the deleted indicator still counts: %+v", got.Schedule)
		}
		wantErr(t, e.svc.DeleteIndicator(e.ctx, e.office, cls.ID), errs.KindNotFound, "indicator_not_found")
	})
}

func TestIndicatorValidation(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("EDI-002"))
		_, err := e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: " ", Unit: "",
			Plan: []projects.PlanPoint{{Month: "2026-6", Percent: 10}, {Month: "2026-07", Percent: 101},
				{Month: "2026-08", Percent: 50}, {Month: "2026-09", Percent: 40}, {Month: "2026-08", Percent: 60}}})
		wantField(t, err, "name", "required")
		wantField(t, err, "unit", "required")
		wantField(t, err, "target", "required")
		wantField(t, err, "plan[0].month", "invalid")
		wantField(t, err, "plan[1].percent", "out_of_range")
		wantField(t, err, "plan[3].percent", "decreasing")
		wantField(t, err, "plan[4].month", "duplicate")
		for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1), 2e9} {
			_, err := e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: "x", Unit: "y", Target: ptr(bad)})
			wantField(t, err, "target", "out_of_range")
		}
		_, err = e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: "x", Unit: "y", Target: ptr(1.0),
			Plan: []projects.PlanPoint{{Month: "2026-06", Percent: math.NaN()}}})
		wantField(t, err, "plan[0].percent", "out_of_range")
		if inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID); len(inds) != 1 {
			t.Fatalf("a refused create wrote: %+v", inds)
		}
	})
}

func TestIndicatorEditPolicy(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("EDI-003"))
		own := e.user("c1", auth.RoleContractor, "County Transport Bureau", "")
		other := e.user("c2", auth.RoleContractor, "Water Bureau", "")
		insp := e.user("i1", auth.RoleInspector, "", "B1")
		admin := e.user("a1", auth.RoleAdmin, "", "")
		ni := projects.NewIndicator{Name: "户数", Unit: "户", Target: ptr(10.0)}
		_, err := e.svc.CreateIndicator(e.ctx, own, p.ID, ni)
		wantErr(t, err, errs.KindForbidden, "forbidden")
		_, err = e.svc.CreateIndicator(e.ctx, insp, p.ID, ni)
		wantErr(t, err, errs.KindForbidden, "forbidden")
		_, err = e.svc.CreateIndicator(e.ctx, other, p.ID, ni)
		wantErr(t, err, errs.KindNotFound, "project_not_found")
		ind, err := e.svc.CreateIndicator(e.ctx, admin, p.ID, ni)
		if err != nil {
			t.Fatal(err)
		}
		if inds, err := e.svc.Indicators(e.ctx, own, p.ID); err != nil || len(inds) != 2 {
			t.Fatalf("the unit reads its project's indicators: %v %v", inds, err)
		}
		_, err = e.svc.UpdateIndicator(e.ctx, other, ind.ID, projects.IndicatorUpdate{Target: ptr(20.0)})
		wantErr(t, err, errs.KindNotFound, "indicator_not_found")
		_, err = e.svc.UpdateIndicator(e.ctx, own, ind.ID, projects.IndicatorUpdate{Target: ptr(20.0)})
		wantErr(t, err, errs.KindForbidden, "forbidden")
		wantErr(t, e.svc.DeleteIndicator(e.ctx, insp, ind.ID), errs.KindForbidden, "forbidden")
	})
}
