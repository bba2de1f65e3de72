package monthly_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/monthly/monthlydb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// fakeIndicators stands in for the projects service: one indicator per
// project (target 10 km, 4 km by the end of last month), and a record of
// what acceptance asked it to store (in memory, so it cannot roll back:
// the report's own row is what proves the transaction did).
type fakeIndicators struct {
	mu       sync.Mutex
	fail     error
	recorded []string // "projectID source sourceID date indicatorID"
}

func (f *fakeIndicators) IndicatorsOf(_ context.Context, ids []string, _ *time.Time) (map[string][]monthly.Indicator, error) {
	out := map[string][]monthly.Indicator{}
	for _, id := range ids {
		out[id] = []monthly.Indicator{{ID: id + "-i1", ProjectID: id, Name: "路面", Unit: "km", Target: 10, Value: 4, HasValue: true}}
	}
	return out, nil
}

func (f *fakeIndicators) RecordIndicatorValues(ctx context.Context, _ auth.Principal, projectID, source, sourceID string,
	date time.Time, values []monthly.IndicatorValue) error {
	if f.fail != nil {
		return f.fail
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range values {
		f.recorded = append(f.recorded, projectID+" "+source+" "+sourceID+" "+date.Format("2006-01-02")+" "+v.IndicatorID)
	}
	return nil
}

// auditFails makes the acceptance's own audit entry fail, after the
// figures were handed over: the transaction must roll the report back.
type auditFails struct{ on string }

func (a auditFails) Record(_ context.Context, _ auth.Principal, action, _, _ string, _ any) error {
	if action == a.on {
		return errors.New("audit down")
	}
	return nil
}

func TestAcceptIsAllOrNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		z, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Date(2026, 6, 20, 10, 0, 0, 0, z)
		srv, err := server.New(server.Options{Config: apitest.Config(), DB: db, Objects: objs, Log: storetest.Logger(t),
			JWTKey: apitest.JWTKey, HashCost: apitest.HashCost, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		mk := func(name string, role auth.Role, unit string) auth.Principal {
			u, err := srv.Auth.CreateUser(ctx, auth.NewUser{Username: name, Role: role, Unit: unit, Password: apitest.Password})
			if err != nil {
				t.Fatal(err)
			}
			return u.Principal()
		}
		admin, contractor := mk("admin1", auth.RoleAdmin, ""), mk("contractor1", auth.RoleContractor, "Unit A")
		p, err := srv.Projects.Create(ctx, admin, projects.NewProject{Code: "R-1", Name: "石桥路", Category: projects.CatRoad,
			Township: "青山镇", Unit: "Unit A", Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Projects.ChangeStatus(ctx, admin, p.ID, projects.StatusUnderConstruction); err != nil {
			t.Fatal(err)
		}
		inds := &fakeIndicators{}
		audit := auditFails{on: "monthly_report.accept"}
		svc := monthly.NewService(monthly.Deps{Store: monthlydb.New(db), Projects: projectsdb.New(db), Indicators: inds,
			Audit: audit, Now: func() time.Time { return now }})

		// 4 → 7.5 km of 10 in a month: a jump, and kept.
		r, created, err := svc.Create(ctx, contractor, monthly.NewReport{ID: uuid.NewString(), ProjectID: p.ID, Period: "2026-06",
			Content: monthly.Content{Values: []monthly.IndicatorValue{{IndicatorID: p.ID + "-i1", Value: 7.5}}}})
		if err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		if got := r.Values[0].Flags; len(got) != 1 || got[0] != monthly.FlagJump {
			t.Errorf("flags %v, want jump", got)
		}
		// More than ten times the target is refused, naming the value.
		_, err = svc.Update(ctx, contractor, r.ID, monthly.Content{Values: []monthly.IndicatorValue{{IndicatorID: p.ID + "-i1", Value: 101}}})
		if e, ok := errs.As(err); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "values[0].value" || e.Fields[0].Code != "absurd" {
			t.Errorf("101 km of 10: %v", err)
		}
		if r, err = svc.Submit(ctx, contractor, r.ID); err != nil {
			t.Fatal(err)
		}

		// The projects service refuses the figures: nothing changes.
		inds.fail = &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed",
			Fields: []errs.FieldError{{Field: "values[0].value", Code: "out_of_range"}}}
		if _, err := svc.Accept(ctx, admin, r.ID); !errors.Is(err, errs.ErrUnprocessable) {
			t.Fatalf("accept with refused figures: %v", err)
		}
		// The figures are taken but the acceptance's audit entry fails: the
		// transaction rolls both back.
		inds.fail = nil
		if _, err := svc.Accept(ctx, admin, r.ID); err == nil {
			t.Fatal("accept succeeded though its audit entry failed")
		}
		got, err := svc.Get(ctx, admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != monthly.StateSubmitted || got.AcceptedAt != nil {
			t.Errorf("after failed acceptances the report is %s (accepted at %v)", got.State, got.AcceptedAt)
		}

		// Accepted at last: the figures go once, dated today in the county
		// (the month is not over), sourced to the report.
		svc = monthly.NewService(monthly.Deps{Store: monthlydb.New(db), Projects: projectsdb.New(db), Indicators: inds,
			Now: func() time.Time { return now }})
		inds.recorded = nil
		if got, err = svc.Accept(ctx, admin, r.ID); err != nil || got.State != monthly.StateAccepted {
			t.Fatalf("accept: %v %v", got.State, err)
		}
		want := p.ID + " monthly " + r.ID + " 2026-06-20 " + p.ID + "-i1"
		if len(inds.recorded) != 1 || inds.recorded[0] != want {
			t.Errorf("recorded %v, want [%s]", inds.recorded, want)
		}
		if _, err := svc.Accept(ctx, admin, r.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("accepting twice: %v", err)
		}
	})
}
