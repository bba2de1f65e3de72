package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
)

// A year of a small county, due on "the 31st" (so the last day of every
// month: 28 February, 30 April, …). Unit A's first road reports on the
// evening of the last day (on time every month), its second just after
// midnight (late every month); Unit B's clinic reports on the 10th of odd
// months and never in even ones. Worked out by hand: Unit A 12 on time and
// 12 late, Unit B 6 on time and 6 missing.
func TestMonthlyYearOfStatuses(t *testing.T) {
	eachMonthBackend(t, func(t *testing.T, db *store.DB, objs storage.Store) {
		z, _ := time.LoadLocation("Asia/Shanghai")
		clk := &monthClock{t: time.Date(2026, 1, 2, 9, 0, 0, 0, z)}
		cfg := apitest.Config()
		cfg.Monthly.DueDay = 31
		s, err := server.New(server.Options{Config: cfg, DB: db, Objects: objs, Log: storetest.Logger(t),
			JWTKey: apitest.JWTKey, Now: clk.Now, HashCost: apitest.HashCost})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		user := func(name string, role auth.Role, unit string) auth.Principal {
			u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: name, Role: role, Unit: unit, Password: apitest.Password})
			if err != nil {
				t.Fatal(err)
			}
			return u.Principal()
		}
		admin, office := user("admin1", auth.RoleAdmin, ""), user("office1", auth.RoleOffice, "")
		ca, cb := user("contractora", auth.RoleContractor, "Unit A"), user("contractorb", auth.RoleContractor, "Unit B")
		project := func(code, unit string) string {
			p, err := s.Projects.Create(ctx, admin, projects.NewProject{Code: code, Name: code, Category: projects.CatRoad,
				Township: "青山镇", Unit: unit, Status: projects.StatusPlanned, PlannedStart: "2026-01-01", PlannedEnd: "2026-12-31",
				Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Projects.ChangeStatus(ctx, admin, p.ID, projects.StatusUnderConstruction); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		a1, a2, b1 := project("A-1", "Unit A"), project("A-2", "Unit A"), project("B-1", "Unit B")
		file := func(who auth.Principal, proj string, period monthly.Period, m int) string {
			inds, err := s.Projects.IndicatorsOf(ctx, []string{proj}, nil)
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := s.Monthly.Create(ctx, who, monthly.NewReport{ID: uuid.NewString(), ProjectID: proj, Period: string(period),
				Content: monthly.Content{Values: []monthly.IndicatorValue{{IndicatorID: inds[proj][0].ID, Value: float64(8 * m)}}}})
			if err != nil {
				t.Fatalf("%s %s: %v", proj, period, err)
			}
			return r.ID
		}
		submit := func(who auth.Principal, id string, at time.Time) {
			clk.Set(at)
			if _, err := s.Monthly.Submit(ctx, who, id); err != nil {
				t.Fatalf("submit at %s: %v", at, err)
			}
		}
		for m := 1; m <= 12; m++ {
			period := monthly.Period(fmt.Sprintf("2026-%02d", m))
			first := time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, z)
			last := first.AddDate(0, 1, -1)
			clk.Set(first.Add(5 * 24 * time.Hour))
			r1, r2 := file(ca, a1, period, m), file(ca, a2, period, m)
			if m%2 == 1 {
				submit(cb, file(cb, b1, period, m), first.Add(9*24*time.Hour))
			}
			submit(ca, r1, last.Add(23*time.Hour))                // 23:00 on the last day
			submit(ca, r2, last.Add(24*time.Hour+30*time.Minute)) // 00:30 the next day
		}
		clk.Set(time.Date(2027, 1, 15, 9, 0, 0, 0, z))
		total := map[string]*monthly.StatusCount{"Unit A": {}, "Unit B": {}}
		for m := 1; m <= 12; m++ {
			st, err := s.Monthly.Status(ctx, office, fmt.Sprintf("2026-%02d", m))
			if err != nil {
				t.Fatal(err)
			}
			// The deadline is the end of the month's last day in the county.
			if want := time.Date(2026, time.Month(m)+1, 1, 0, 0, 0, 0, z); !st.DueAt.Equal(want) {
				t.Errorf("2026-%02d due %s, want %s", m, st.DueAt, want)
			}
			for _, c := range st.ByUnit {
				tc := total[c.Name]
				tc.Projects += c.Projects
				tc.OnTime += c.OnTime
				tc.Late += c.Late
				tc.Missing += c.Missing
				tc.OverdueMissing += c.OverdueMissing
			}
		}
		if a := total["Unit A"]; a.Projects != 24 || a.OnTime != 12 || a.Late != 12 || a.Missing != 0 {
			t.Errorf("Unit A's year %+v, want 24 projects-months, 12 on time, 12 late", *a)
		}
		if b := total["Unit B"]; b.Projects != 12 || b.OnTime != 6 || b.Late != 0 || b.Missing != 6 || b.OverdueMissing != 6 {
			t.Errorf("Unit B's year %+v, want 12, 6 on time, 6 missing (all overdue)", *b)
		}
	})
}
