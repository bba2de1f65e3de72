package projects_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/org/orgdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
)

// now is mid-year: 2026-01-01 … 2026-12-31 is exactly half gone.
var now = time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC)

type env struct {
	t    *testing.T
	db   *store.DB
	svc  *projects.Service
	orgs *org.Service
	ctx  context.Context
	// office is a principal that may do everything projects offers.
	office auth.Principal
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	orgs := org.NewService(orgdb.New(db))
	svc := projects.NewService(projectsdb.New(db), orgs, func() time.Time { return now },
		projects.Options{DefaultGeofenceM: 300, MaxVolunteersPerProject: 2})
	e := &env{t: t, db: db, svc: svc, orgs: orgs, ctx: context.Background()}
	e.office = e.user("office1", auth.RoleOffice, "", "")
	return e
}

// user inserts a user row directly (reports and assignments reference
// users) and returns their principal.
func (e *env) user(username string, role auth.Role, unit, badge string) auth.Principal {
	e.t.Helper()
	u := auth.User{ID: uuid.Must(uuid.NewV7()).String(), Username: username, DisplayName: "User " + username,
		Role: role, BadgeNo: badge, Phone: "13800000000", PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if unit != "" {
		un, err := e.orgs.EnsureUnit(e.ctx, unit)
		if err != nil {
			e.t.Fatal(err)
		}
		u.UnitID = un.ID
	}
	if err := authdb.New(e.db).CreateUser(e.ctx, u); err != nil {
		e.t.Fatalf("insert user %s: %v", username, err)
	}
	return u.Principal()
}

func ptr[T any](v T) *T { return &v }

// road is a valid project a test can vary.
func road(code string) projects.NewProject {
	return projects.NewProject{Code: code, Name: "Village road " + code, Category: projects.CatRoad,
		Township: "Chengguan", Unit: "County Transport Bureau", ResponsibleLeader: "Director Wang",
		Contractor: projects.Contractor{Name: "Hengda Roads Ltd", Contact: "0931-1234567"},
		Budget:     "1234567.89", FundingSource: "provincial", PlannedStart: "2026-01-01", PlannedEnd: "2026-12-31",
		TargetQuantity: ptr(22.5), TargetUnit: "km", Location: &projects.Point{Lat: 35.5, Lon: 104.5}}
}

func (e *env) create(np projects.NewProject) projects.Project {
	e.t.Helper()
	p, err := e.svc.Create(e.ctx, e.office, np)
	if err != nil {
		e.t.Fatalf("create %s: %v", np.Code, err)
	}
	return p
}

// wantErr fails unless err is a domain error of kind with code.
func wantErr(t *testing.T, err error, kind errs.Kind, code string) *errs.Error {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("got %v, want %s error", err, code)
	}
	if e.Kind != kind || e.Code != code {
		t.Fatalf("got kind %d code %s (%v), want kind %d code %s", e.Kind, e.Code, err, kind, code)
	}
	return e
}

// hasField reports whether e names field with code.
func hasField(e *errs.Error, field, code string) bool {
	for _, f := range e.Fields {
		if f.Field == field && f.Code == code {
			return true
		}
	}
	return false
}

func wantField(t *testing.T, err error, field, code string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || !hasField(e, field, code) {
		t.Fatalf("want field error %s/%s, got %v", field, code, err)
	}
}
