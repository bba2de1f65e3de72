package server_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// monthClock is the replicas' shared clock, moved only by the test.
type monthClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *monthClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *monthClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func eachMonthBackend(t *testing.T, fn func(t *testing.T, db *store.DB, objs storage.Store)) {
	t.Run("sqlite+local", func(t *testing.T) {
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, storetest.SQLite(t), objs)
	})
	t.Run("postgres+minio", func(t *testing.T) { fn(t, storetest.Postgres(t), apitest.S3(t)) })
}

func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sqlDB.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMonthlyNoticesOnceUnderTwoReplicas: two servers on one database,
// each running the notice pass several times at once, send each unit one
// reminder three days before the due day and one overdue notice after it —
// notifications and webhook deliveries alike. The period's status is
// checked against figures worked out by hand, and a photo sent again the
// next month is flagged reused.
func TestMonthlyNoticesOnceUnderTwoReplicas(t *testing.T) {
	eachMonthBackend(t, func(t *testing.T, db *store.DB, objs storage.Store) {
		z, _ := time.LoadLocation("Asia/Shanghai")
		clk := &monthClock{t: time.Date(2026, 6, 20, 10, 0, 0, 0, z)}
		var srvs []*server.Server
		for range 2 {
			srv, err := server.New(server.Options{Config: apitest.Config(), DB: db, Objects: objs,
				Log: storetest.Logger(t), JWTKey: apitest.JWTKey, Now: clk.Now, HashCost: apitest.HashCost})
			if err != nil {
				t.Fatal(err)
			}
			srvs = append(srvs, srv)
		}
		s := srvs[0]
		ctx := context.Background()
		user := func(name string, role auth.Role, unit string) auth.Principal {
			u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: name, Role: role, Unit: unit, Password: apitest.Password,
				DisplayName: name})
			if err != nil {
				t.Fatal(err)
			}
			return u.Principal()
		}
		admin, office := user("admin1", auth.RoleAdmin, ""), user("office1", auth.RoleOffice, "")
		ca := user("contractora", auth.RoleContractor, "Unit A")
		user("contractorb", auth.RoleContractor, "Unit B") // hears Unit B's notices
		project := func(code, name, unit string) string {
			p, err := s.Projects.Create(ctx, admin, projects.NewProject{Code: code, Name: name, Category: projects.CatRoad,
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
		a1, a2 := project("A-1", "石桥路", "Unit A"), project("A-2", "东河路", "Unit A")
		project("B-1", "卫生院", "Unit B") // never reported
		if _, err := s.Orders.CreateWebhook(ctx, admin, orders.NewWebhook{URL: "http://127.0.0.1:9/hook",
			Secret: "0123456789abcdef-secret"}); err != nil {
			t.Fatal(err)
		}
		photo, lat, lon := readGPSPhoto(t, "DSCN0010.jpg")
		bearing := 90.0
		pt, err := s.Monthly.CreatePoint(ctx, office, a1, monthly.NewPoint{Name: "桥头", Lat: &lat, Lon: &lon, Bearing: &bearing})
		if err != nil {
			t.Fatal(err)
		}
		file := func(who auth.Principal, project, period string, withPhoto bool) monthly.Report {
			t.Helper()
			inds, err := s.Projects.IndicatorsOf(ctx, []string{project}, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := monthly.Content{Values: []monthly.IndicatorValue{{IndicatorID: inds[project][0].ID, Value: 10}}}
			pid := uuid.NewString()
			if withPhoto {
				c.Photos = []monthly.ReportPhoto{{PointID: pt.ID, PhotoID: pid, Caption: "桥头"}}
			}
			r, _, err := s.Monthly.Create(ctx, who, monthly.NewReport{ID: uuid.NewString(), ProjectID: project, Period: period, Content: c})
			if err != nil {
				t.Fatal(err)
			}
			if withPhoto {
				if _, _, err := s.Monthly.UploadPhoto(ctx, who, r.ID, photos.UploadInput{PhotoID: pid, Body: bytes.NewReader(photo)}); err != nil {
					t.Fatal(err)
				}
			}
			if r, err = s.Monthly.Submit(ctx, who, r.ID); err != nil {
				t.Fatal(err)
			}
			return r
		}
		// Both replicas, three passes each, all at once.
		pass := func() int {
			var mu sync.Mutex
			var wg sync.WaitGroup
			total := 0
			for _, srv := range srvs {
				for range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n, err := srv.Monthly.SendNotices(ctx, clk.Now())
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						total += n
						mu.Unlock()
					}()
				}
			}
			wg.Wait()
			return total
		}
		notes := func(event string) int {
			return countRows(t, db, "SELECT COUNT(*) FROM notifications WHERE event = $1", event)
		}
		deliveries := func(event string) int {
			return countRows(t, db, "SELECT COUNT(*) FROM webhook_deliveries WHERE event = $1", event)
		}

		// 20 June: A-1 reported on time; nothing to remind yet.
		june1 := file(ca, a1, "2026-06", true)
		if n := pass(); n != 0 {
			t.Errorf("%d notices on 20 June", n)
		}
		// 25 June, 01:00 in the county: three days before the 28th. Unit A
		// (A-2 not in) and Unit B (B-1 not in) are reminded, once each.
		clk.Set(time.Date(2026, 6, 25, 1, 0, 0, 0, z))
		if n := pass(); n != 2 {
			t.Errorf("%d reminders sent, want 2 (Unit A, Unit B)", n)
		}
		if n := pass(); n != 0 {
			t.Errorf("%d reminders sent again", n)
		}
		// Office (1 user) and each unit's contractor: 2 + 1 + 1 notifications.
		if n := notes(monthly.EventReminder); n != 4 {
			t.Errorf("%d reminder notifications, want 4", n)
		}
		if n := deliveries(monthly.EventReminder); n != 2 {
			t.Errorf("%d reminder deliveries, want 2", n)
		}
		// The unit's contractor finds it among their notifications.
		pg, err := srvs[1].Orders.Notifications(ctx, ca, true, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 1 || pg.Items[0].Event != monthly.EventReminder || pg.Items[0].OrderNumber != "2026-06" {
			t.Errorf("Unit A's contractor's notifications: %+v", pg.Items)
		}
		// 29 June, 01:00: past the due day. A-2 comes in late; B-1 never.
		clk.Set(time.Date(2026, 6, 29, 1, 0, 0, 0, z))
		file(ca, a2, "2026-06", false)
		if n := pass(); n != 1 {
			t.Errorf("%d overdue notices, want 1 (Unit B)", n)
		}
		if n := pass(); n != 0 {
			t.Errorf("%d overdue notices sent again", n)
		}
		if n, m := notes(monthly.EventOverdue), deliveries(monthly.EventOverdue); n != 2 || m != 1 {
			t.Errorf("overdue: %d notifications (want 2: office, Unit B), %d deliveries (want 1)", n, m)
		}

		st, err := s.Monthly.Status(ctx, office, "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 6, 29, 0, 0, 0, 0, z); !st.DueAt.Equal(want) {
			t.Errorf("due %s, want %s", st.DueAt, want)
		}
		standing := map[string]string{}
		for _, pr := range st.Projects {
			standing[pr.ProjectCode] = pr.Standing()
		}
		if standing["A-1"] != "on_time" || standing["A-2"] != "late" || standing["B-1"] != "missing" {
			t.Errorf("standing %v", standing)
		}
		byUnit := map[string]monthly.StatusCount{}
		for _, c := range st.ByUnit {
			byUnit[c.Name] = c
		}
		if a := byUnit["Unit A"]; a.Projects != 2 || a.OnTime != 1 || a.Late != 1 || a.Missing != 0 {
			t.Errorf("Unit A %+v", a)
		}
		if b := byUnit["Unit B"]; b.Projects != 1 || b.Missing != 1 || b.OverdueMissing != 1 {
			t.Errorf("Unit B %+v", b)
		}
		if len(st.ByTownship) != 1 || st.ByTownship[0].Projects != 3 || st.ByTownship[0].Late != 1 {
			t.Errorf("by township %+v", st.ByTownship)
		}
		// The circular counts the same standings.
		d, err := s.Circulars.Preview(ctx, office, "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		if f := d.Circular.Figures; f.ReportsDue != 3 || f.ReportsOnTime != 1 || f.ReportsLate != 1 || f.ReportsMissing != 1 {
			t.Errorf("circular reports: due %d, on time %d, late %d, missing %d; want 3, 1, 1, 1", f.ReportsDue,
				f.ReportsOnTime, f.ReportsLate, f.ReportsMissing)
		}

		// July: the same picture from the same point again is reused; June's is not.
		clk.Set(time.Date(2026, 7, 10, 9, 0, 0, 0, z))
		july := file(ca, a1, "2026-07", true)
		got, err := s.Monthly.Get(ctx, office, july.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fs := got.PhotoFlags[july.Photos[0].PhotoID]; !containsStr(fs, monthly.FlagReused) {
			t.Errorf("July's photo flags %v, want reused", fs)
		}
		got, err = s.Monthly.Get(ctx, office, june1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fs := got.PhotoFlags[june1.Photos[0].PhotoID]; containsStr(fs, monthly.FlagReused) {
			t.Errorf("June's photo flags %v: the first use is not reused", fs)
		}
		_, series, err := s.Monthly.Series(ctx, office, pt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != 2 || series[0].Period != "2026-06" || series[1].Period != "2026-07" {
			t.Errorf("series %+v", series)
		}
	})
}

func containsStr(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
