package projects_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// The pure readings of a history: the status in force at an instant, and
// the statuses held at some instant of a range.
func TestStatusAtAndDuring(t *testing.T) {
	h := []projects.StatusChange{
		{Status: projects.StatusPlanned, From: day(1, 10)},
		{Status: projects.StatusUnderConstruction, From: day(3, 1)},
		// Two changes in one instant: the later written wins.
		{Status: projects.StatusSuspended, From: day(5, 1)},
		{Status: projects.StatusUnderConstruction, From: day(5, 1)},
		{Status: projects.StatusCompleted, From: day(8, 31)},
	}
	for _, c := range []struct {
		at   time.Time
		want projects.Status
		ok   bool
	}{
		{day(1, 9), "", false}, // before the project was recorded
		{day(1, 10), projects.StatusPlanned, true},
		{day(3, 1).Add(-time.Nanosecond), projects.StatusPlanned, true},
		{day(3, 1), projects.StatusUnderConstruction, true},
		{day(5, 1), projects.StatusUnderConstruction, true},
		{day(8, 30), projects.StatusUnderConstruction, true},
		{day(12, 31), projects.StatusCompleted, true},
	} {
		if got, ok := projects.StatusAt(h, c.at); got != c.want || ok != c.ok {
			t.Errorf("StatusAt %s: %q %v, want %q %v", c.at.Format(time.RFC3339Nano), got, ok, c.want, c.ok)
		}
	}
	join := func(sts []projects.Status) string {
		var out []string
		for _, s := range sts {
			out = append(out, string(s))
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{day(1, 1), day(1, 10), ""}, // [from, to): recorded only at to
		{day(1, 1), day(2, 1), "planned"},
		{day(2, 1), day(3, 1), "planned"},
		{day(3, 1), day(4, 1), "under_construction"},
		{day(2, 1), day(4, 1), "planned,under_construction"},
		{day(4, 1), day(6, 1), "under_construction,suspended"},
		{day(8, 1), day(9, 1), "under_construction,completed"},
		{day(9, 1), day(10, 1), "completed"},
	} {
		if got := join(projects.StatusesDuring(h, c.from, c.to)); got != c.want {
			t.Errorf("StatusesDuring [%s, %s): %q, want %q", c.from.Format("01-02"), c.to.Format("01-02"), got, c.want)
		}
	}
}

// movingClock is a service clock the test moves.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) now() time.Time         { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) set(t time.Time)        { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *movingClock) at(m time.Month, d int) { c.set(day(m, d).Add(10 * time.Hour)) }

// Creation, import and every status change write the history in their
// transaction; a past date's schedule is judged with the status of then.
func TestStatusHistoryIsWritten(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		clk := &movingClock{}
		clk.at(1, 10)
		svc := projects.NewService(projectsdb.New(db), e.orgs, clk.now, projects.Options{DefaultGeofenceM: 300})
		ctx := context.Background()
		np := road("H-1")
		np.Status = projects.StatusPlanned
		p, err := svc.Create(ctx, e.office, np)
		if err != nil {
			t.Fatal(err)
		}
		clk.at(3, 1)
		if _, err := svc.ChangeStatus(ctx, e.office, p.ID, projects.StatusUnderConstruction); err != nil {
			t.Fatal(err)
		}
		clk.at(8, 31)
		if _, err := svc.ChangeStatus(ctx, e.office, p.ID, projects.StatusCompleted); err != nil {
			t.Fatal(err)
		}
		// A refused change writes nothing.
		clk.at(9, 1)
		if _, err := svc.ChangeStatus(ctx, e.office, p.ID, projects.StatusPlanned); err == nil {
			t.Fatal("completed → planned was allowed")
		}
		clk.at(9, 2)
		imported, err := svc.Import(ctx, e.office, projects.ImportCSV, strings.NewReader(goodCSV))
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{p.ID}
		for _, ip := range imported {
			ids = append(ids, ip.ID)
		}
		hs, err := projectsdb.New(db).StatusChangesOf(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range hs[p.ID] {
			got = append(got, string(c.Status)+"@"+c.From.Format("01-02"))
		}
		if strings.Join(got, " ") != "planned@01-10 under_construction@03-01 completed@08-31" {
			t.Errorf("H-1 history %v", got)
		}
		for _, ip := range imported {
			if h := hs[ip.ID]; len(h) != 1 || h[0].Status != ip.Status || !h[0].From.Equal(day(9, 2).Add(10*time.Hour)) {
				t.Errorf("imported %s (%s): history %+v", ip.Code, ip.Status, h)
			}
		}

		for _, c := range []struct {
			at   time.Time
			want projects.Status
		}{{day(1, 1), projects.StatusPlanned}, // before it was recorded: as it entered the record
			{day(2, 1), projects.StatusPlanned}, {day(5, 31), projects.StatusUnderConstruction},
			{day(12, 31), projects.StatusCompleted}} {
			sts, err := svc.StatusesAt(ctx, []string{p.ID}, c.at)
			if err != nil || sts[p.ID] != c.want {
				t.Errorf("StatusesAt %s: %v %v, want %s", c.at.Format("01-02"), sts, err, c.want)
			}
		}
		during, err := svc.StatusesDuring(ctx, []string{p.ID}, day(8, 1), day(9, 1))
		if err != nil || len(during[p.ID]) != 2 {
			t.Errorf("StatusesDuring August: %v %v", during, err)
		}

		// Nothing reported on a linear 2026 plan: on 31 May the road was
		// under construction and behind (stalled only from half time);
		// judged with today's status it would read completed.
		sch, err := svc.ScheduleAt(ctx, e.office, p.ID, day(5, 31).Add(24*time.Hour-time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Status != projects.ScheduleBehind {
			t.Errorf("schedule on 31 May: %s, want behind", sch.Status)
		}
		sch, err = svc.ScheduleAt(ctx, e.office, p.ID, day(9, 30))
		if err != nil || sch.Status != projects.ScheduleCompleted {
			t.Errorf("schedule on 30 September: %v %v, want completed", sch.Status, err)
		}
	})
}
