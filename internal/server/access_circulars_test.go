package server_test

import (
	"context"
	"net/http"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/i18n"
)

// circularRules is the access table of the monthly circular and of the
// unit's leader it names. The office (and admins) preview and publish;
// a published circular is addressed to the county's staff and to every
// responsible unit, so admin, office, inspectors and contractors read it;
// volunteers are refused every route with 403. None is project-scoped: a
// circular spans the county. Naming a unit's leader is the office's, as
// every other change to the units.
func circularRules() map[string]rule {
	readers := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector, auth.RoleContractor}
	return map[string]rule{
		"GET /api/v1/periods/:period/circular": {roles: officeOnly, req: get("/api/v1/periods/" + accessPeriod() + "/circular")},
		"POST /api/v1/periods/:period/circulars": {roles: officeOnly, req: func(*fixture, string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/periods/" + accessPeriod() + "/circulars"}
		}},
		"GET /api/v1/circulars":              {roles: readers, req: get("/api/v1/circulars")},
		"GET /api/v1/circulars/:id":          {roles: readers, req: onCircular("")},
		"GET /api/v1/circulars/:id/download": {roles: readers, req: onCircular("/download")},
		"PATCH /api/v1/units/:id": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			u, err := f.e.Server.Orgs.CreateUnit(context.Background(), f.users[auth.RoleAdmin].Principal(), "Unit "+f.code(), "")
			if err != nil {
				f.e.T.Fatal(err)
			}
			return apitest.Request{Method: http.MethodPatch, Path: "/api/v1/units/" + u.ID, Body: map[string]any{"leader": "王强"}}
		}},
	}
}

// accessPeriod is last month in the county: begun, so it has a circular.
func accessPeriod() string {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(sh)
	return time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, sh).Format("2006-01")
}

// onCircular publishes a circular as the office and names it (":id").
func onCircular(suffix string) func(*fixture, string) apitest.Request {
	return func(f *fixture, _ string) apitest.Request {
		pub, err := f.e.Server.Circulars.Publish(context.Background(), f.users[auth.RoleOffice].Principal(), accessPeriod(), i18n.Default)
		if err != nil {
			f.e.T.Fatal(err)
		}
		return apitest.Request{Method: http.MethodGet, Path: "/api/v1/circulars/" + pub.ID + suffix}
	}
}
