package projects_test

import (
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

const indicatorCSV = "code,name,category,township,responsible_unit,planned_start,planned_end,target_quantity,target_unit," +
	"indicator_2_name,indicator_2_unit,indicator_2_target,indicator_2_plan,indicator_3_name,indicator_3_unit,indicator_3_target\n" +
	"IMP-1,饮水工程,drinking_water,城关镇,县水利局,2026-01-01,2026-12-31,12,km,受益户数,户,120,2026-06：60；2026-09:100,水池,座,2\n" +
	"IMP-2,村小学,school,城关镇,县教育局,2026-03-01,2026-08-31,,,教室,间,6,,,,\n"

func TestImportIndicators(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ps, err := e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(indicatorCSV))
		if err != nil {
			t.Fatal(err)
		}
		inds, err := e.svc.Indicators(e.ctx, e.office, ps[0].ID)
		if err != nil || len(inds) != 3 {
			t.Fatalf("IMP-1 indicators %+v %v", inds, err)
		}
		hh := inds[1]
		if inds[0].Name != projects.QuantityIndicatorName || inds[0].Target != 12 || hh.Name != "受益户数" || hh.Unit != "户" ||
			hh.Target != 120 || hh.Position != 2 || len(hh.Plan) != 2 || hh.Plan[0] != (projects.PlanPoint{Month: "2026-06", Percent: 60}) ||
			inds[2].Name != "水池" || inds[2].Position != 3 || len(inds[2].Plan) != 0 {
			t.Fatalf("IMP-1 indicators %+v", inds)
		}
		inds, _ = e.svc.Indicators(e.ctx, e.office, ps[1].ID)
		if len(inds) != 2 || inds[0].Name != projects.ProgressIndicatorName || inds[1].Name != "教室" || inds[1].Target != 6 {
			t.Fatalf("IMP-2 indicators %+v", inds)
		}
		// Mid-year with nothing reported: the households' plan wants 60%.
		p, _ := e.svc.Get(e.ctx, e.office, ps[0].ID)
		if p.Schedule.Status != projects.ScheduleStalled || !p.BehindSchedule {
			t.Fatalf("IMP-1 schedule %+v", p.Schedule)
		}
	})
}

func TestImportIndicatorErrors(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		bad := "code,name,category,township,responsible_unit,target_quantity,target_unit," +
			"indicator_2_name,indicator_2_unit,indicator_2_target,indicator_2_plan,indicator_4_name,indicator_4_unit,indicator_4_target\n" +
			"BAD-1,路,road,城关镇,县交通局,5,km,户数,户,many,2026-06:60,户数,户,3\n" +
			"BAD-2,路,road,城关镇,县交通局,5,km,工程量,,0,2026-06 60,,,\n" +
			"BAD-3,路,road,城关镇,县交通局,5,km,户数,户,10,2026-09:60;2026-06:70,,,\n" +
			"OK-1,路,road,城关镇,县交通局,5,km,户数,户,10,,,,\n"
		_, err := e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(bad))
		wantField(t, err, "rows[0].indicator_2_target", "invalid")
		wantField(t, err, "rows[0].indicator_4_name", "duplicate")
		wantField(t, err, "rows[1].indicator_2_name", "duplicate")
		wantField(t, err, "rows[1].indicator_2_unit", "required")
		wantField(t, err, "rows[1].indicator_2_target", "out_of_range")
		wantField(t, err, "rows[1].indicator_2_plan", "invalid")
		wantField(t, err, "rows[2].indicator_2_plan", "decreasing")
		if got := listAll(t, e); len(got) != 0 {
			t.Fatalf("a refused import wrote %v", got)
		}
		_, err = e.svc.Import(e.ctx, e.office, projects.ImportCSV,
			strings.NewReader("code,name,category,township,responsible_unit,indicator_1_name,indicator_31_name\nX,x,road,t,u,a,b\n"))
		wantField(t, err, "header[5]", "unknown_column")
		wantField(t, err, "header[6]", "unknown_column")
		// GeoJSON carries the same names as properties.
		gj := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[104.1,35.1]},
			"properties":{"code":"GJ-1","name":"村道","category":"road","township":"城关镇","responsible_unit":"县交通局",
			"indicator_2_name":"桥梁","indicator_2_unit":"座","indicator_2_target":2,"indicator_2_plan":"2026-06:50"}}]}`
		ps, err := e.svc.Import(e.ctx, e.office, projects.ImportGeoJSON, strings.NewReader(gj))
		if err != nil {
			t.Fatal(err)
		}
		inds, _ := e.svc.Indicators(e.ctx, e.office, ps[0].ID)
		if len(inds) != 2 || inds[1].Name != "桥梁" || inds[1].Target != 2 || len(inds[1].Plan) != 1 {
			t.Fatalf("GeoJSON indicators %+v", inds)
		}
	})
}
