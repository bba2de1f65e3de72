package projects_test

import (
	"math"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestIndicatorsFollowTheProject(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("IND-001")) // 22.5 km, the whole of 2026
		inds, err := e.svc.Indicators(e.ctx, e.office, p.ID)
		if err != nil || len(inds) != 1 {
			t.Fatalf("indicators %+v %v", inds, err)
		}
		first := inds[0]
		if first.Name != projects.QuantityIndicatorName || first.Unit != "km" || first.Target != 22.5 || first.Position != 1 ||
			first.Value != 0 || first.OnTrackUntil == nil || !first.OnTrackUntil.Equal(*p.PlannedStart) {
			t.Fatalf("first indicator %+v", first)
		}
		// A progress report is the indicator's figure and its history.
		if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-05-31",
			Quantity: ptr(9.0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-06-30",
			Percent: ptr(60.0)}); err != nil {
			t.Fatal(err)
		}
		inds, _ = e.svc.Indicators(e.ctx, e.office, p.ID)
		if inds[0].Value != 13.5 || inds[0].ValueDate.Format(projects.DateLayout) != "2026-06-30" {
			t.Fatalf("after two reports: %+v", inds[0])
		}
		june := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
		m, err := e.svc.IndicatorsOf(e.ctx, []string{p.ID}, &june)
		if err != nil || m[p.ID][0].Value != 9 {
			t.Fatalf("as of 15 June: %+v %v", m[p.ID], err)
		}
		april := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		if m, _ := e.svc.IndicatorsOf(e.ctx, []string{p.ID}, &april); m[p.ID][0].Value != 0 || m[p.ID][0].ValueDate != nil {
			t.Fatalf("as of 1 April, before any report: %+v", m[p.ID][0])
		}
		// Raising the target rescales the project's progress and the
		// indicator follows.
		if _, err := e.svc.Update(e.ctx, e.office, p.ID, projects.Update{TargetQuantity: projects.Optional[float64]{Set: true, Value: ptr(27.0)}}); err != nil {
			t.Fatal(err)
		}
		inds, _ = e.svc.Indicators(e.ctx, e.office, p.ID)
		if inds[0].Target != 27 {
			t.Fatalf("after the target changed: %+v", inds[0])
		}
		s, err := e.svc.ScheduleAt(e.ctx, e.office, p.ID, now)
		if err != nil || s.Status != projects.ScheduleOnSchedule {
			t.Fatalf("schedule at mid-year with 13.5 of 27 km: %+v %v", s, err)
		}
	})
}

func TestRecordIndicatorValues(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("IND-002"))
		id := p.ID + "-i1"
		day := time.Date(2026, 6, 28, 0, 0, 0, 0, time.UTC)
		record := func(sourceID string, vals ...projects.IndicatorValue) error {
			return e.svc.RecordIndicatorValues(e.ctx, e.office, p.ID, projects.SourceMonthly, sourceID, day, vals)
		}
		if err := record("r1", projects.IndicatorValue{IndicatorID: id, Value: 12}); err != nil {
			t.Fatal(err)
		}
		// A retry records nothing twice, even with another figure.
		if err := record("r1", projects.IndicatorValue{IndicatorID: id, Value: 20}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Get(e.ctx, e.office, p.ID)
		inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID)
		if inds[0].Value != 12 || got.Progress.Quantity == nil || *got.Progress.Quantity != 12 ||
			got.Progress.Percent != 53.33 || got.BehindSchedule {
			t.Fatalf("after a monthly figure: indicator %+v, project progress %+v behind %v", inds[0], got.Progress,
				got.BehindSchedule)
		}
		// An older progress report does not undo the newer monthly figure.
		if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-06-01",
			Quantity: ptr(5.0)}); err != nil {
			t.Fatal(err)
		}
		if inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID); inds[0].Value != 12 {
			t.Fatalf("an older progress report replaced the newer figure: %+v", inds[0])
		}
		// Bad figures name the field; nothing is written.
		err := record("r2", projects.IndicatorValue{IndicatorID: id, Value: 13},
			projects.IndicatorValue{IndicatorID: "other-project-i1", Value: 1},
			projects.IndicatorValue{IndicatorID: id, Value: math.NaN()},
			projects.IndicatorValue{IndicatorID: id, Value: -1})
		wantField(t, err, "values[1].indicator_id", "unknown_indicator")
		wantField(t, err, "values[2].value", "out_of_range")
		wantField(t, err, "values[3].value", "out_of_range")
		if inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID); inds[0].Value != 12 {
			t.Fatalf("a refused record wrote: %+v", inds[0])
		}
		err = e.svc.RecordIndicatorValues(e.ctx, e.office, "no-such-project", projects.SourceMonthly, "r3", day, nil)
		wantErr(t, err, errs.KindNotFound, "project_not_found")
	})
}

// The copy of the indicators a project row carries (ScheduleBasis) stays
// what the indicators are after every kind of change, and a row without it
// (written before migration 00019) is judged the same from the indicators.
func TestScheduleBasisFollowsIndicators(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("BASIS-1"))
		same := func(step string) {
			t.Helper()
			got, err := e.svc.Get(e.ctx, e.office, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			inds, _ := e.svc.Indicators(e.ctx, e.office, p.ID)
			if len(got.ScheduleBasis) != len(inds) {
				t.Fatalf("%s: basis %+v, indicators %+v", step, got.ScheduleBasis, inds)
			}
			for i, b := range got.ScheduleBasis {
				ind := inds[i]
				if b.ID != ind.ID || b.Target != ind.Target || b.Value != ind.Value || len(b.Plan) != len(ind.Plan) {
					t.Fatalf("%s: basis %d %+v, indicator %+v", step, i, b, ind)
				}
			}
		}
		same("created")
		if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-06-30",
			Quantity: ptr(9.0)}); err != nil {
			t.Fatal(err)
		}
		same("progress")
		second, err := e.svc.CreateIndicator(e.ctx, e.office, p.ID, projects.NewIndicator{Name: "户数", Unit: "户",
			Target: ptr(120.0), Plan: []projects.PlanPoint{{Month: "2026-06", Percent: 60}}})
		if err != nil {
			t.Fatal(err)
		}
		same("indicator added")
		if err := e.svc.RecordIndicatorValues(e.ctx, e.office, p.ID, projects.SourceMonthly, "r1", now,
			[]projects.IndicatorValue{{IndicatorID: second.ID, Value: 80}}); err != nil {
			t.Fatal(err)
		}
		same("monthly figure")
		if _, err := e.svc.Update(e.ctx, e.office, p.ID, projects.Update{TargetQuantity: projects.Optional[float64]{Set: true,
			Value: ptr(30.0)}}); err != nil {
			t.Fatal(err)
		}
		same("target changed")
		withBasis, _ := e.svc.Get(e.ctx, e.office, p.ID)
		// A row from before the copy existed.
		if err := db.Conn(e.ctx).Exec("UPDATE projects SET schedule_basis = NULL WHERE id = ?", p.ID).Error; err != nil {
			t.Fatal(err)
		}
		without, _ := e.svc.Get(e.ctx, e.office, p.ID)
		if without.ScheduleBasis != nil || without.Schedule.Status != withBasis.Schedule.Status ||
			without.Schedule.GapPoints != withBasis.Schedule.GapPoints || withBasis.Schedule.Status != projects.ScheduleBehind {
			t.Fatalf("without the copy: %+v, with it: %+v", without.Schedule, withBasis.Schedule)
		}
	})
}

func TestFillScheduleBasis(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a, b := e.create(road("FILL-1")), e.create(road("FILL-2"))
		if err := db.Conn(e.ctx).Exec("UPDATE projects SET schedule_basis = NULL WHERE id = ?", a.ID).Error; err != nil {
			t.Fatal(err)
		}
		n, err := e.svc.FillScheduleBasis(e.ctx)
		if err != nil || n != 1 {
			t.Fatalf("filled %d, %v; want the one row without a copy", n, err)
		}
		for _, id := range []string{a.ID, b.ID} {
			got, _ := e.svc.Get(e.ctx, e.office, id)
			if len(got.ScheduleBasis) != 1 || got.ScheduleBasis[0].ID != id+"-i1" || got.ScheduleBasis[0].Target != 22.5 {
				t.Fatalf("project %s basis %+v", id, got.ScheduleBasis)
			}
		}
		if n, err := e.svc.FillScheduleBasis(e.ctx); err != nil || n != 0 {
			t.Fatalf("second pass filled %d, %v", n, err)
		}
	})
}
