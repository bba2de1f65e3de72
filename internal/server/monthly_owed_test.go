package server_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
)

// Who owed a report for a period is decided by the status each project had
// at the period's due time (the 28th, end of day in the county), read from
// the status history, however the projects stand when the status is read:
//
//	S-1 begun 1 March                    owes March on, not January or February
//	S-2 begun 29 March (after the due)   owes April on, not March
//	S-3 completed 10 April               owes January–March, not April
//	S-4 reported 5 May, completed 20 May owes nothing for May, but its report counts (on time)
//	S-5 suspended 1 February, resumed 1 March: owes January, not February
//	S-6 planned for 2025, begun late on 1 April 2026: owes April on
//
// The circulars follow the same history: S-6 is in the programme from
// April (its window is 2025's), and S-3 is completed from April, not in
// March's circular read on 1 June.
//
// Every status is read on 1 June, after all the changes.
func TestMonthlyOwedByHistory(t *testing.T) {
	eachMonthBackend(t, func(t *testing.T, db *store.DB, objs storage.Store) {
		z, _ := time.LoadLocation("Asia/Shanghai")
		clk := &monthClock{t: time.Date(2026, 1, 2, 9, 0, 0, 0, z)}
		at := func(m time.Month, d int) { clk.Set(time.Date(2026, m, d, 9, 0, 0, 0, z)) }
		s, err := server.New(server.Options{Config: apitest.Config(), DB: db, Objects: objs, Log: storetest.Logger(t),
			JWTKey: apitest.JWTKey, Now: clk.Now, HashCost: apitest.HashCost})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: "admin1", Role: auth.RoleAdmin, Password: apitest.Password})
		if err != nil {
			t.Fatal(err)
		}
		admin := u.Principal()
		c, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: "c1", Role: auth.RoleContractor, Unit: "Unit A", Password: apitest.Password})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for code, st := range map[string]projects.Status{"S-1": projects.StatusPlanned, "S-2": projects.StatusPlanned,
			"S-3": projects.StatusUnderConstruction, "S-4": projects.StatusUnderConstruction, "S-5": projects.StatusUnderConstruction,
			"S-6": projects.StatusPlanned} {
			year := map[bool]string{true: "2025", false: "2026"}[code == "S-6"]
			p, err := s.Projects.Create(ctx, admin, projects.NewProject{Code: code, Name: code, Category: projects.CatRoad,
				Township: "青山镇", Unit: "Unit A", Status: st, PlannedStart: year + "-01-01", PlannedEnd: year + "-12-31",
				Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
			if err != nil {
				t.Fatal(err)
			}
			ids[code] = p.ID
		}
		move := func(code string, to projects.Status) {
			t.Helper()
			if _, err := s.Projects.ChangeStatus(ctx, admin, ids[code], to); err != nil {
				t.Fatalf("%s → %s: %v", code, to, err)
			}
		}
		at(time.February, 1)
		move("S-5", projects.StatusSuspended)
		at(time.March, 1)
		move("S-1", projects.StatusUnderConstruction)
		move("S-5", projects.StatusUnderConstruction)
		clk.Set(time.Date(2026, time.March, 29, 0, 30, 0, 0, z)) // half an hour after March's due time
		move("S-2", projects.StatusUnderConstruction)
		at(time.April, 1)
		move("S-6", projects.StatusUnderConstruction)
		at(time.April, 10)
		move("S-3", projects.StatusCompleted)
		at(time.May, 5)
		inds, err := s.Projects.IndicatorsOf(ctx, []string{ids["S-4"]}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := s.Monthly.Create(ctx, c.Principal(), monthly.NewReport{ID: uuid.NewString(), ProjectID: ids["S-4"], Period: "2026-05",
			Content: monthly.Content{Values: []monthly.IndicatorValue{{IndicatorID: inds[ids["S-4"]][0].ID, Value: 1}}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Monthly.Submit(ctx, c.Principal(), r.ID); err != nil {
			t.Fatal(err)
		}
		at(time.May, 20)
		move("S-4", projects.StatusCompleted)
		// While May's due time is ahead, who owes is judged now: S-5 and
		// S-6 are under construction, S-1 and S-2 too, and S-4, completed
		// this morning, is listed through its report alone.
		may, err := s.Monthly.StatusOf(ctx, "2026-05")
		if err != nil {
			t.Fatal(err)
		}
		if len(may.Projects) != 5 {
			t.Errorf("May on 20 May: %d projects listed, want 5", len(may.Projects))
		}

		at(time.June, 1)
		check := func(when string) {
			t.Helper()
			for period, want := range map[string]string{
				"2026-01": "S-3 S-4 S-5",
				"2026-02": "S-3 S-4",
				"2026-03": "S-1 S-3 S-4 S-5",
				"2026-04": "S-1 S-2 S-4 S-5 S-6",
				"2026-05": "S-1 S-2 S-4:on_time S-5 S-6",
			} {
				st, err := s.Monthly.StatusOf(ctx, period)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, pr := range st.Projects {
					g := pr.ProjectCode
					if pr.Standing() != monthly.CountMissing {
						g += ":" + pr.Standing()
					}
					got = append(got, g)
				}
				sort.Strings(got)
				if strings.Join(got, " ") != want {
					t.Errorf("%s: %s owed by %v, want %s", when, period, got, want)
				}
			}
		}
		check("from the history written")
		for period, want := range map[string][2]int{"2026-03": {5, 0}, "2026-04": {6, 1}} {
			d, err := s.Circulars.Preview(ctx, admin, period)
			if err != nil {
				t.Fatal(err)
			}
			if f := d.Circular.Figures; f.Projects != want[0] || f.Completed != want[1] {
				t.Errorf("%s circular: %d projects, %d completed; want %d, %d", period, f.Projects, f.Completed, want[0], want[1])
			}
		}
		// An existing database: migration 00020 seeds the history from each
		// project's creation and its audited status changes, and gives the
		// same answers as the history the services wrote.
		codes := []string{ids["S-1"], ids["S-2"], ids["S-3"], ids["S-4"], ids["S-5"], ids["S-6"]}
		written, err := projectsdb.New(db).StatusChangesOf(ctx, codes)
		if err != nil {
			t.Fatal(err)
		}
		sqldb, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DROP TABLE project_status_history", "DELETE FROM goose_db_version WHERE version_id = 20"} {
			if _, err := sqldb.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := db.Reapply(ctx, 20); err != nil {
			t.Fatal(err)
		}
		seeded, err := projectsdb.New(db).StatusChangesOf(ctx, codes)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range codes {
			if a, b := histText(written[id]), histText(seeded[id]); a != b {
				t.Errorf("project %s: written %s, seeded %s", id, a, b)
			}
		}
		check("from the history seeded")
	})
}

func histText(h []projects.StatusChange) string {
	var out []string
	for _, c := range h {
		out = append(out, string(c.Status)+"@"+c.From.UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(out, " ")
}
