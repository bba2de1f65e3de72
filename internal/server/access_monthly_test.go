package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// monthlyRules is the access table of the monthly cycle's routes. Every
// request is built on a fresh Unit A project under construction with the
// fixture's volunteer and inspector assigned, so each role meets the
// report as what it is to it: the unit's contractor reports, the office
// reviews, the inspector and the volunteer watch.
//
// The entries are not `scoped`: another unit's report answers 404
// report_not_found and an unassigned inspector may read but not place
// photo points, which the table's "another's project" pass cannot say;
// those refusals are proven in TestMonthlyRefusesOtherUnits
// (monthly_test.go).
func monthlyRules() map[string]rule {
	staff := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector}
	contractor := []auth.Role{auth.RoleContractor}
	onReport := func(method, path string, state monthly.ReportState, b any) func(*fixture, string) apitest.Request {
		return func(f *fixture, _ string) apitest.Request {
			r := f.monthlyReport(f.monthlyProject(), state)
			return apitest.Request{Method: method, Path: strings.ReplaceAll(path, ":id", r.ID), Body: b}
		}
	}
	return map[string]rule{
		"GET /api/v1/projects/:id/photo-points": {roles: all, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: "/api/v1/projects/" + f.monthlyProject() + "/photo-points"}
		}},
		"POST /api/v1/projects/:id/photo-points": {roles: staff, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/projects/" + f.monthlyProject() + "/photo-points",
				Body: pointBody("东端桥头")}
		}},
		"PATCH /api/v1/photo-points/:id": {roles: staff, req: func(f *fixture, _ string) apitest.Request {
			pt := f.photoPoint(f.monthlyProject())
			return apitest.Request{Method: http.MethodPatch, Path: "/api/v1/photo-points/" + pt,
				Body: map[string]any{"bearing": 180, "note": "改为朝南"}}
		}},
		"GET /api/v1/photo-points/:id/series": {roles: all, req: func(f *fixture, _ string) apitest.Request {
			pt := f.photoPoint(f.monthlyProject())
			return apitest.Request{Method: http.MethodGet, Path: "/api/v1/photo-points/" + pt + "/series"}
		}},
		"POST /api/v1/monthly-reports": {roles: contractor, req: func(f *fixture, _ string) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports",
				Body: f.reportBody(f.monthlyProject())}
		}},
		"GET /api/v1/monthly-reports": {roles: all, req: get("/api/v1/monthly-reports")},
		"GET /api/v1/monthly-reports/:id": {roles: all,
			req: onReport(http.MethodGet, "/api/v1/monthly-reports/:id", monthly.StateDraft, nil)},
		"PUT /api/v1/monthly-reports/:id": {roles: contractor,
			req: onReport(http.MethodPut, "/api/v1/monthly-reports/:id", monthly.StateDraft,
				map[string]any{"narrative": "路基完成", "values": []any{}, "photos": []any{}})},
		"POST /api/v1/monthly-reports/:id/submit": {roles: contractor,
			req: onReport(http.MethodPost, "/api/v1/monthly-reports/:id/submit", monthly.StateDraft, nil)},
		"POST /api/v1/monthly-reports/:id/accept": {roles: officeOnly,
			req: onReport(http.MethodPost, "/api/v1/monthly-reports/:id/accept", monthly.StateSubmitted, nil)},
		"POST /api/v1/monthly-reports/:id/return": {roles: officeOnly,
			req: onReport(http.MethodPost, "/api/v1/monthly-reports/:id/return", monthly.StateSubmitted,
				map[string]any{"reason": "照片不清楚"})},
		// Only the unit's contractors attach a report's photos.
		"POST /api/v1/monthly-reports/:id/photos": {roles: contractor, req: func(f *fixture, _ string) apitest.Request {
			proj := f.monthlyProject()
			pt := f.photoPoint(proj)
			pid := uuid.NewString()
			r := f.monthlyReportWith(proj, monthly.StateDraft, []monthly.ReportPhoto{{PointID: pt, PhotoID: pid, Caption: "桥头"}})
			b, ct := photoForm(f, pid)
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports/" + r.ID + "/photos", Body: b, Content: ct}
		}},
		"GET /api/v1/periods/:period/status": {roles: staff, req: get("/api/v1/periods/2026-06/status")},
		// Each call closes a period of its own, long past: closing is final.
		"POST /api/v1/periods/:period/close": {roles: officeOnly, req: func(f *fixture, _ string) apitest.Request {
			n := f.n.Add(1)
			return apitest.Request{Method: http.MethodPost, Path: fmt.Sprintf("/api/v1/periods/%d-%02d/close", 2001+n/12, n%12+1)}
		}},
	}
}

func pointBody(name string) map[string]any {
	return map[string]any{"name": name, "lat": 28.2001, "lon": 112.9001, "bearing": 90, "note": "朝西拍桥面"}
}

// monthlyProject is a fresh Unit A project under construction, with the
// fixture's volunteer and inspector assigned.
func (f *fixture) monthlyProject() string {
	t := f.e.T.(*testing.T)
	id := f.newProject(t, "Unit A", true)
	if _, err := f.e.Server.Projects.ChangeStatus(context.Background(), f.users[auth.RoleAdmin].Principal(), id,
		projects.StatusUnderConstruction); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) photoPoint(projectID string) string {
	t := f.e.T
	n := f.n.Add(1)
	lat, lon, bearing := 28.2001, 112.9001, 90.0
	pt, err := f.e.Server.Monthly.CreatePoint(context.Background(), f.users[auth.RoleAdmin].Principal(), projectID,
		monthly.NewPoint{Name: fmt.Sprintf("点位 %d", n), Lat: &lat, Lon: &lon, Bearing: &bearing})
	if err != nil {
		t.Fatal(err)
	}
	return pt.ID
}

// currentPeriod is the month the server's clock is in, in the county.
func currentPeriod(e *apitest.Env) string {
	return string(monthly.PeriodOf(time.Now(), e.Config.Zone))
}

// reportBody is a full report of the project's indicators for the current
// period, as the field app files it.
func (f *fixture) reportBody(projectID string) map[string]any {
	inds, err := f.e.Server.Projects.IndicatorsOf(context.Background(), []string{projectID}, nil)
	if err != nil {
		f.e.T.Fatal(err)
	}
	values := []any{}
	for _, ind := range inds[projectID] {
		values = append(values, map[string]any{"indicator_id": ind.ID, "value": ind.Target / 10})
	}
	return map[string]any{"id": uuid.NewString(), "project_id": projectID, "period": currentPeriod(f.e),
		"values": values, "narrative": "路基施工", "problems": "", "help_requested": "", "photos": []any{}}
}

func (f *fixture) monthlyReport(projectID string, state monthly.ReportState) monthly.Report {
	return f.monthlyReportWith(projectID, state, nil)
}

// monthlyReportWith files a report as the fixture's Unit A contractor and
// brings it to state (draft or submitted).
func (f *fixture) monthlyReportWith(projectID string, state monthly.ReportState, phs []monthly.ReportPhoto) monthly.Report {
	t := f.e.T
	ctx := context.Background()
	who := f.users[auth.RoleContractor].Principal()
	inds, err := f.e.Server.Projects.IndicatorsOf(ctx, []string{projectID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var vals []monthly.IndicatorValue
	for _, ind := range inds[projectID] {
		vals = append(vals, monthly.IndicatorValue{IndicatorID: ind.ID, Value: ind.Target / 10})
	}
	r, _, err := f.e.Server.Monthly.Create(ctx, who, monthly.NewReport{ID: uuid.NewString(), ProjectID: projectID,
		Period: currentPeriod(f.e), Content: monthly.Content{Values: vals, Narrative: "路基施工", Photos: phs}})
	if err != nil {
		t.Fatal(err)
	}
	if state == monthly.StateSubmitted {
		if r, err = f.e.Server.Monthly.Submit(ctx, who, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	return r
}
