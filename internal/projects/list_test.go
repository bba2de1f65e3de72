package projects_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func codes(ps []projects.Project) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

func TestListFilters(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mk := func(code string, f func(*projects.NewProject)) projects.Project {
			np := road(code)
			f(&np)
			return e.create(np)
		}
		mk("A-1", func(np *projects.NewProject) { np.Name = "Road to 100% success_story" })
		mk("A-2", func(np *projects.NewProject) {
			np.Category, np.Township, np.Name = projects.CatSchool, "Xinzhuang", "Xinzhuang primary school"
			np.Location = &projects.Point{Lat: 36.5, Lon: 105.5}
		})
		mk("A-3", func(np *projects.NewProject) {
			np.Unit, np.Status, np.Name = "County Water Bureau", projects.StatusUnderConstruction, "Drinking water scheme"
			np.Category, np.Location = projects.CatDrinkingWater, nil
		})
		mk("B-1", func(np *projects.NewProject) { np.PlannedStart, np.PlannedEnd = "", "" })
		mk("b-2", func(np *projects.NewProject) { np.Status = projects.StatusCompleted })

		list := func(q projects.ListQuery) []string {
			t.Helper()
			page, err := e.svc.List(e.ctx, e.office, q)
			if err != nil {
				t.Fatalf("list %+v: %v", q, err)
			}
			return codes(page.Items)
		}
		yes, no := true, false
		cases := []struct {
			name string
			q    projects.ListQuery
			want []string
		}{
			{"all", projects.ListQuery{}, []string{"A-1", "A-2", "A-3", "B-1", "b-2"}},
			{"status", projects.ListQuery{Status: projects.StatusUnderConstruction}, []string{"A-3"}},
			{"category", projects.ListQuery{Category: projects.CatSchool}, []string{"A-2"}},
			{"township", projects.ListQuery{Township: "Xinzhuang"}, []string{"A-2"}},
			{"unit", projects.ListQuery{Unit: "County Water Bureau"}, []string{"A-3"}},
			{"behind", projects.ListQuery{Behind: &yes}, []string{"A-1", "A-2", "A-3"}},
			{"not behind", projects.ListQuery{Behind: &no}, []string{"B-1", "b-2"}},
			{"text in name, any case", projects.ListQuery{Text: "PRIMARY"}, []string{"A-2"}},
			{"text in code", projects.ListQuery{Text: "b-"}, []string{"B-1", "b-2"}},
			{"percent is literal", projects.ListQuery{Text: "100%"}, []string{"A-1"}},
			{"underscore is literal", projects.ListQuery{Text: "s_s"}, []string{"A-1"}},
			{"a lone percent matches only a percent", projects.ListQuery{Text: "%"}, []string{"A-1"}},
			{"bbox", projects.ListQuery{BBox: &projects.BBox{MinLon: 105, MinLat: 36, MaxLon: 106, MaxLat: 37}}, []string{"A-2"}},
			{"bbox excludes no location", projects.ListQuery{BBox: &projects.BBox{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}},
				[]string{"A-1", "A-2", "B-1", "b-2"}},
			{"combined", projects.ListQuery{Category: projects.CatRoad, Behind: &yes}, []string{"A-1"}},
		}
		for _, c := range cases {
			if got := list(c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}

		bad := []struct {
			q     projects.ListQuery
			field string
		}{
			{projects.ListQuery{Status: "open"}, "status"},
			{projects.ListQuery{Category: "bridge"}, "category"},
			{projects.ListQuery{Limit: ptr(201)}, "limit"},
			{projects.ListQuery{Limit: ptr(0)}, "limit"},
			{projects.ListQuery{Cursor: "!!!"}, "cursor"},
			{projects.ListQuery{BBox: &projects.BBox{MinLon: 106, MinLat: 36, MaxLon: 105, MaxLat: 37}}, "bbox"},
			{projects.ListQuery{BBox: &projects.BBox{MinLon: 100, MinLat: -91, MaxLon: 105, MaxLat: 37}}, "bbox"},
		}
		for _, b := range bad {
			_, err := e.svc.List(e.ctx, e.office, b.q)
			ee := wantErr(t, err, errs.KindInvalid, "validation_failed")
			if !hasField(ee, b.field, ee.Fields[0].Code) {
				t.Errorf("%+v: fields %v, want %s", b.q, ee.Fields, b.field)
			}
		}
	})
}

func TestListPagination(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var want []string
		// Created out of order; listed by code.
		for _, i := range []int{7, 2, 9, 1, 5, 3, 8, 6, 4} {
			code := fmt.Sprintf("2026-RD-%03d", i)
			e.create(road(code))
		}
		for i := 1; i <= 9; i++ {
			want = append(want, fmt.Sprintf("2026-RD-%03d", i))
		}
		var got []string
		cursor, pages := "", 0
		for {
			page, err := e.svc.List(e.ctx, e.office, projects.ListQuery{Limit: ptr(4), Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, codes(page.Items)...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if pages != 3 || !slices.Equal(got, want) {
			t.Fatalf("%d pages: %v", pages, got)
		}
		// An exact multiple of the limit ends without an empty extra page.
		page, _ := e.svc.List(e.ctx, e.office, projects.ListQuery{Limit: ptr(9)})
		if len(page.Items) != 9 || page.NextCursor != "" {
			t.Fatalf("limit 9 of 9: %d items, cursor %q", len(page.Items), page.NextCursor)
		}
		page, _ = e.svc.List(e.ctx, e.office, projects.ListQuery{})
		if len(page.Items) != 9 {
			t.Fatalf("default limit: %d", len(page.Items))
		}
	})
}

func TestScope(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		transport := e.create(road("2026-RD-001"))
		np := road("2026-DW-001")
		np.Unit, np.Category = "County Water Bureau", projects.CatDrinkingWater
		water := e.create(np)
		e.create(road("2026-RD-002"))

		vol := e.user("vol1", auth.RoleVolunteer, "", "B-17")
		contractor := e.user("builder", auth.RoleContractor, "County Water Bureau", "")
		stranger := auth.Principal{UserID: "nobody", Role: auth.RoleContractor} // no unit

		if _, _, err := e.svc.Assign(e.ctx, e.office, transport.ID, projects.NewAssignment{UserID: vol.UserID}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  string
			p    auth.Principal
			want []string
		}{
			{"volunteer", vol, []string{"2026-RD-001"}},
			{"contractor", contractor, []string{"2026-DW-001"}},
			{"contractor without unit", stranger, []string{}},
			{"office", e.office, []string{"2026-DW-001", "2026-RD-001", "2026-RD-002"}},
		} {
			page, err := e.svc.List(e.ctx, c.p, projects.ListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(page.Items); !slices.Equal(got, c.want) {
				t.Errorf("%s sees %v, want %v", c.who, got, c.want)
			}
		}
		// Reads of projects out of scope are 404, not 403.
		_, err := e.svc.Get(e.ctx, vol, water.ID)
		wantErr(t, err, errs.KindNotFound, "project_not_found")
		_, err = e.svc.Get(e.ctx, contractor, transport.ID)
		wantErr(t, err, errs.KindNotFound, "project_not_found")
		_, err = e.svc.ProgressHistory(e.ctx, contractor, transport.ID)
		wantErr(t, err, errs.KindNotFound, "project_not_found")
		if _, err := e.svc.Get(e.ctx, vol, transport.ID); err != nil {
			t.Fatalf("volunteer reads their road: %v", err)
		}
		// The contractor reports progress on their unit's project, but may
		// not edit it; the volunteer may do neither.
		if _, err := e.svc.ReportProgress(e.ctx, contractor, water.ID, projects.NewProgress{Date: "2026-07-01", Percent: ptr(55.0)}); err != nil {
			t.Fatalf("contractor progress: %v", err)
		}
		_, err = e.svc.Update(e.ctx, contractor, water.ID, projects.Update{Name: ptr("x")})
		wantErr(t, err, errs.KindForbidden, "forbidden")
		_, err = e.svc.ReportProgress(e.ctx, vol, transport.ID, projects.NewProgress{Date: "2026-07-01", Percent: ptr(55.0)})
		wantErr(t, err, errs.KindForbidden, "forbidden")
		_, err = e.svc.ChangeStatus(e.ctx, vol, transport.ID, projects.StatusUnderConstruction)
		wantErr(t, err, errs.KindForbidden, "forbidden")
	})
}

func TestAssignments(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db) // at most 2 volunteers per project
		p := e.create(road("2026-RD-001"))
		insp := e.user("insp", auth.RoleInspector, "", "")
		v1 := e.user("vol1", auth.RoleVolunteer, "", "B-1")
		v2 := e.user("vol2", auth.RoleVolunteer, "", "")
		v3 := e.user("vol3", auth.RoleVolunteer, "", "B-3")
		contractor := e.user("builder", auth.RoleContractor, "Hengda", "")

		assign := func(who auth.Principal, userID, badge string) (projects.Assignment, bool, error) {
			return e.svc.Assign(e.ctx, who, p.ID, projects.NewAssignment{UserID: userID, BadgeNo: badge})
		}
		a, created, err := assign(e.office, insp.UserID, "")
		if err != nil || !created || a.Role != auth.RoleInspector || a.Username != "insp" {
			t.Fatalf("inspector: %+v %v %v", a, created, err)
		}
		a, created, err = assign(e.office, v1.UserID, "")
		if err != nil || !created || a.BadgeNo != "B-1" || a.DisplayName != "User vol1" {
			t.Fatalf("volunteer with own badge: %+v %v %v", a, created, err)
		}
		_, _, err = assign(e.office, v2.UserID, "")
		wantField(t, err, "badge_no", "required")
		a, created, err = assign(e.office, v2.UserID, "B-2")
		if err != nil || !created || a.BadgeNo != "B-2" {
			t.Fatalf("volunteer with given badge: %+v %v", a, err)
		}
		_, _, err = assign(e.office, v3.UserID, "")
		wantErr(t, err, errs.KindConflict, "too_many_volunteers")
		// Idempotent: the same assignment again is not a new one, and
		// does not count against the cap.
		a, created, err = assign(e.office, v1.UserID, "")
		if err != nil || created || a.BadgeNo != "B-1" {
			t.Fatalf("re-assign: %+v %v %v", a, created, err)
		}
		_, _, err = assign(e.office, contractor.UserID, "")
		wantField(t, err, "user_id", "not_assignable")
		_, _, err = assign(e.office, insp.UserID, "B-9")
		wantField(t, err, "badge_no", "not_allowed")
		_, _, err = assign(e.office, "01900000-0000-7000-8000-000000000000", "")
		wantField(t, err, "user_id", "not_found")
		_, _, err = assign(insp, v3.UserID, "")
		wantErr(t, err, errs.KindForbidden, "forbidden")

		// Volunteers see who watches their road, without phone numbers
		// (Assignment has no field for one).
		list, err := e.svc.Assignments(e.ctx, v1, p.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("list: %+v %v", list, err)
		}
		if list[0].Role != auth.RoleInspector || list[1].Username != "vol1" || list[2].Username != "vol2" {
			t.Fatalf("order: %+v", list)
		}
		_, err = e.svc.Assignments(e.ctx, v3, p.ID)
		wantErr(t, err, errs.KindNotFound, "project_not_found")

		if err := e.svc.Unassign(e.ctx, e.office, p.ID, v2.UserID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.Unassign(e.ctx, e.office, p.ID, v2.UserID), errs.KindNotFound, "assignment_not_found")
		if _, created, err := assign(e.office, v3.UserID, ""); err != nil || !created {
			t.Fatalf("a freed place: %v", err)
		}
	})
}
