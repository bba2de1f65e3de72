package projects_test

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestCreateAndGet(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		np := road("2026-RD-001")
		np.Township = "  Chengguan  "
		np.Location = nil
		np.GeofenceM = nil
		np.Route = &projects.GeoLine{Type: "LineString", Coordinates: [][]float64{{104.1, 35.1, 1800}, {104.2, 35.2}}}
		created := e.create(np)
		got, err := e.svc.Get(e.ctx, e.office, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "2026-RD-001" || got.Township != "Chengguan" || got.Unit != "County Transport Bureau" ||
			got.Status != projects.StatusPlanned || got.GeofenceM != 300 {
			t.Fatalf("unexpected project %+v", got)
		}
		if got.BudgetCents == nil || *got.BudgetCents != 123456789 {
			t.Fatalf("budget %v", got.BudgetCents)
		}
		if got.PlannedStart.Format(projects.DateLayout) != "2026-01-01" || got.PlannedEnd.Format(projects.DateLayout) != "2026-12-31" {
			t.Fatalf("dates %v %v", got.PlannedStart, got.PlannedEnd)
		}
		if got.Location == nil || got.Location.Lon != 104.1 || got.Location.Lat != 35.1 {
			t.Fatalf("location from route's first position: %+v", got.Location)
		}
		if len(got.Route) != 2 || got.Route[1] != [2]float64{104.2, 35.2} || !got.HasRoute {
			t.Fatalf("route %v", got.Route)
		}
		if !got.CreatedAt.Equal(now) || got.CreatedBy != e.office.UserID {
			t.Fatalf("created %v by %s", got.CreatedAt, got.CreatedBy)
		}
		// Nothing reported at mid-year: behind, like the cultural station
		// nobody could find a site for.
		if !got.BehindSchedule || got.ElapsedPercent == nil || *got.ElapsedPercent != 50 {
			t.Fatalf("schedule: behind=%v elapsed=%v", got.BehindSchedule, got.ElapsedPercent)
		}
		ts, err := e.orgs.ListTownships(e.ctx, e.office)
		if err != nil || len(ts) != 1 || ts[0].Name != "Chengguan" {
			t.Fatalf("townships %v %v", ts, err)
		}
	})
}

func TestCreateDuplicateCode(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.create(road("2026-RD-001"))
		_, err := e.svc.Create(e.ctx, e.office, road("2026-RD-001"))
		wantErr(t, err, errs.KindConflict, "duplicate_code")
	})
}

func TestCreateValidation(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		np := road("bad code!")
		np.Category = "bridge"
		np.Township = ""
		np.Budget = "12.345"
		np.PlannedEnd = "2025-12-31"
		np.TargetQuantity = ptr(0.0)
		np.Location = &projects.Point{Lat: 91, Lon: 104}
		np.GeofenceM = ptr(5)
		np.Status = "done"
		np.Route = &projects.GeoLine{Type: "LineString", Coordinates: [][]float64{{104, 35}, {200, 35}}}
		_, err := e.svc.Create(e.ctx, e.office, np)
		ve := wantErr(t, err, errs.KindUnprocessable, "validation_failed")
		for _, f := range [][2]string{{"code", "invalid"}, {"category", "invalid"}, {"township", "required"},
			{"budget", "invalid"}, {"planned_end", "before_start"}, {"target_quantity", "out_of_range"},
			{"location.lat", "out_of_range"}, {"geofence_m", "out_of_range"}, {"status", "invalid"},
			{"route.coordinates[1]", "out_of_range"}} {
			if !hasField(ve, f[0], f[1]) {
				t.Errorf("missing field error %s/%s in %v", f[0], f[1], ve.Fields)
			}
		}
		_, err = e.svc.Create(e.ctx, e.office, projects.NewProject{})
		wantField(t, err, "code", "required")
		wantField(t, err, "name", "required")
		wantField(t, err, "responsible_unit", "required")
	})
}

func TestCreateForbidden(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, role := range []auth.Role{auth.RoleInspector, auth.RoleVolunteer, auth.RoleContractor} {
			_, err := e.svc.Create(e.ctx, auth.Principal{UserID: "x", Role: role, UnitID: "u"}, road("2026-RD-001"))
			wantErr(t, err, errs.KindForbidden, "forbidden")
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("2026-RD-001"))
		u := projects.Update{Name: ptr("Renamed road"), Township: ptr("Xinzhuang"),
			Budget: projects.Optional[string]{Set: true}, PlannedStart: projects.Optional[string]{Set: true, Value: ptr("2026-03-01")},
			ContractorContact: ptr("139")}
		got, err := e.svc.Update(e.ctx, e.office, p.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Renamed road" || got.Township != "Xinzhuang" || got.BudgetCents != nil ||
			got.PlannedStart.Format(projects.DateLayout) != "2026-03-01" || got.Code != p.Code ||
			got.Contractor.Name != "Hengda Roads Ltd" || got.Contractor.Contact != "139" {
			t.Fatalf("after update: %+v", got)
		}
		reread, _ := e.svc.Get(e.ctx, e.office, p.ID)
		if reread.Township != "Xinzhuang" || reread.BudgetCents != nil || reread.Name != "Renamed road" {
			t.Fatalf("not stored: %+v", reread)
		}
		// End before start is refused, and nothing changes.
		_, err = e.svc.Update(e.ctx, e.office, p.ID, projects.Update{PlannedEnd: projects.Optional[string]{Set: true, Value: ptr("2026-02-01")}})
		wantField(t, err, "planned_end", "before_start")
		// Rescaling: 11 km of 22.5 km, then the target becomes 44 km.
		if _, err := e.svc.ReportProgress(e.ctx, e.office, p.ID, projects.NewProgress{Date: "2026-06-30", Quantity: ptr(11.0)}); err != nil {
			t.Fatal(err)
		}
		got, err = e.svc.Update(e.ctx, e.office, p.ID, projects.Update{TargetQuantity: projects.Optional[float64]{Set: true, Value: ptr(44.0)}})
		if err != nil || got.Progress.Percent != 25 {
			t.Fatalf("rescaled progress %v, %v", got.Progress.Percent, err)
		}
		_, err = e.svc.Update(e.ctx, e.office, p.ID, projects.Update{TargetQuantity: projects.Optional[float64]{Set: true, Value: ptr(10.0)}})
		wantField(t, err, "target_quantity", "below_progress")
		// Inspectors see but may not change; others do not see it at all.
		insp := e.user("insp", auth.RoleInspector, "", "")
		_, err = e.svc.Update(e.ctx, insp, p.ID, projects.Update{Name: ptr("x")})
		wantErr(t, err, errs.KindForbidden, "forbidden")
		vol := e.user("vol", auth.RoleVolunteer, "", "B-1")
		_, err = e.svc.Update(e.ctx, vol, p.ID, projects.Update{Name: ptr("x")})
		wantErr(t, err, errs.KindNotFound, "project_not_found")
		_, err = e.svc.Update(e.ctx, e.office, "01900000-0000-7000-8000-000000000000", projects.Update{Name: ptr("x")})
		wantErr(t, err, errs.KindNotFound, "project_not_found")
	})
}

func TestStatusTransitions(t *testing.T) {
	allowed := map[projects.Status][]projects.Status{
		projects.StatusPlanned:           {projects.StatusUnderConstruction, projects.StatusSuspended},
		projects.StatusUnderConstruction: {projects.StatusCompleted, projects.StatusSuspended},
		projects.StatusSuspended:         {projects.StatusPlanned, projects.StatusUnderConstruction},
		projects.StatusCompleted:         {projects.StatusAccepted, projects.StatusUnderConstruction},
		projects.StatusAccepted:          {},
	}
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		n := 0
		for _, from := range projects.Statuses {
			for _, to := range projects.Statuses {
				n++
				np := road("T-" + string(rune('A'+n/26)) + string(rune('a'+n%26)))
				np.Status = from
				p := e.create(np)
				ok := false
				for _, a := range allowed[from] {
					ok = ok || a == to
				}
				got, err := e.svc.ChangeStatus(e.ctx, e.office, p.ID, to)
				if ok {
					if err != nil || got.Status != to {
						t.Errorf("%s → %s: %v", from, to, err)
					}
					continue
				}
				ee := wantErr(t, err, errs.KindConflict, "invalid_transition")
				want := make([]string, 0)
				for _, a := range allowed[from] {
					want = append(want, string(a))
				}
				if got := ee.Extra["allowed"].([]string); len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
					t.Errorf("%s → %s: allowed %v, want %v", from, to, got, want)
				}
			}
		}
		p := e.create(road("T-X"))
		_, err := e.svc.ChangeStatus(e.ctx, e.office, p.ID, "finished")
		wantField(t, err, "status", "invalid")
	})
}

func TestProgressAndBehindSchedule(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.create(road("2026-RD-001"))
		behind := true
		list := func() []string {
			page, err := e.svc.List(e.ctx, e.office, projects.ListQuery{Behind: &behind})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, it := range page.Items {
				codes = append(codes, it.Code)
			}
			return codes
		}
		if got := list(); len(got) != 1 {
			t.Fatalf("zero progress at mid-year must be behind: %v", got)
		}
		report := func(np projects.NewProgress) (projects.ProgressReport, error) {
			return e.svc.ReportProgress(e.ctx, e.office, p.ID, np)
		}
		// 9 of 22.5 km is 40%: still behind.
		r, err := report(projects.NewProgress{Date: "2026-06-30", Quantity: ptr(9.0), Note: " June "})
		if err != nil || r.Percent != 40 || r.Note != "June" {
			t.Fatalf("report: %+v %v", r, err)
		}
		if got := list(); len(got) != 1 {
			t.Fatalf("40%% at half time must be behind: %v", got)
		}
		// 60% (as a percent) is ahead.
		if _, err := report(projects.NewProgress{Date: "2026-07-01", Percent: ptr(60.0)}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Get(e.ctx, e.office, p.ID)
		if got.BehindSchedule || got.Progress.Percent != 60 || got.Progress.Quantity != nil ||
			got.Progress.Date.Format(projects.DateLayout) != "2026-07-01" {
			t.Fatalf("after 60%%: %+v", got.Progress)
		}
		if got := list(); len(got) != 0 {
			t.Fatalf("60%% at half time is not behind: %v", got)
		}
		notBehind := false
		page, _ := e.svc.List(e.ctx, e.office, projects.ListQuery{Behind: &notBehind})
		if len(page.Items) != 1 {
			t.Fatalf("behind_schedule=false: %d", len(page.Items))
		}
		// A late-filed report for an earlier date does not replace the latest.
		if _, err := report(projects.NewProgress{Date: "2026-05-01", Percent: ptr(10.0)}); err != nil {
			t.Fatal(err)
		}
		got, _ = e.svc.Get(e.ctx, e.office, p.ID)
		if got.Progress.Percent != 60 {
			t.Fatalf("latest must stay the 2026-07-01 report, got %v", got.Progress.Percent)
		}
		hist, err := e.svc.ProgressHistory(e.ctx, e.office, p.ID)
		if err != nil || len(hist) != 3 || hist[0].Percent != 60 || hist[2].Percent != 10 {
			t.Fatalf("history %+v %v", hist, err)
		}
		// A suspended project is still judged against its schedule: the
		// suspension does not stop the calendar (序时进度).
		if _, err := e.svc.ChangeStatus(e.ctx, e.office, p.ID, projects.StatusSuspended); err != nil {
			t.Fatal(err)
		}
		if _, err := report(projects.NewProgress{Date: "2026-07-02", Percent: ptr(5.0)}); err != nil {
			t.Fatal(err)
		}
		if got := list(); len(got) != 1 {
			t.Fatalf("suspended project at 5%% at mid-year must be behind: %v", got)
		}
		if _, err := e.svc.ChangeStatus(e.ctx, e.office, p.ID, projects.StatusUnderConstruction); err != nil {
			t.Fatal(err)
		}
		if got := list(); len(got) != 1 {
			t.Fatalf("resumed at 5%% must be behind again: %v", got)
		}

		// Rules on the report itself.
		_, err = report(projects.NewProgress{Date: "2026-07-04", Percent: ptr(1.0)})
		wantField(t, err, "date", "in_future")
		_, err = report(projects.NewProgress{Date: "2026-07-03", Percent: ptr(1.0)}) // today east of UTC
		if err != nil {
			t.Fatalf("tomorrow-in-UTC is today in China: %v", err)
		}
		_, err = report(projects.NewProgress{Date: "2026-07-01", Percent: ptr(1.0), Quantity: ptr(1.0)})
		wantField(t, err, "percent", "exclusive")
		_, err = report(projects.NewProgress{Date: "2026-07-01"})
		wantField(t, err, "quantity", "required")
		_, err = report(projects.NewProgress{Date: "2026-07-01", Percent: ptr(101.0)})
		wantField(t, err, "percent", "out_of_range")
		_, err = report(projects.NewProgress{Date: "2026-07-01", Quantity: ptr(30.0)})
		wantField(t, err, "quantity", "exceeds_target")
		np := road("2026-RD-002")
		np.TargetQuantity = nil
		noTarget := e.create(np)
		_, err = e.svc.ReportProgress(e.ctx, e.office, noTarget.ID, projects.NewProgress{Date: "2026-07-01", Quantity: ptr(1.0)})
		wantField(t, err, "quantity", "no_target")
	})
}
