package projects_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

const csvHeader = "code,name,category,township,responsible_unit,responsible_leader,contractor_name,contractor_contact," +
	"budget,funding_source,planned_start,planned_end,status,target_quantity,target_unit,lat,lon,geofence_m\n"

const goodCSV = "\xEF\xBB\xBF" + csvHeader +
	"2026-RD-001,Zhangjia village road,road,Chengguan,County Transport Bureau,Wang Wei,Hengda,0931-1,1234567.89,provincial,2026-03-01,2026-10-31,planned,4.2,km,35.1,104.1,200\n" +
	"2026-CS-001,\"Cultural station, Lijia\",CULTURAL_STATION,Lijia,Lijia Township,Li Na,,,80000,county,2026-02-01,2026-09-30,,,,,,\n" +
	",,,,,,,,,,,,,,,,,\n" +
	"2026-DW-001,Water scheme,drinking_water,Chengguan,County Water Bureau,,,,,,,,under_construction,,,35.2,104.2,\n"

func listAll(t *testing.T, e *env) []string {
	t.Helper()
	page, err := e.svc.List(e.ctx, e.office, projects.ListQuery{Limit: ptr(200)})
	if err != nil {
		t.Fatal(err)
	}
	return codes(page.Items)
}

func TestImportCSV(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ps, err := e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(goodCSV))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 3 {
			t.Fatalf("imported %d", len(ps))
		}
		if got := listAll(t, e); !slices.Equal(got, []string{"2026-CS-001", "2026-DW-001", "2026-RD-001"}) {
			t.Fatalf("listed %v", got)
		}
		rd, err := e.svc.Get(e.ctx, e.office, ps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rd.BudgetCents == nil || *rd.BudgetCents != 123456789 || rd.GeofenceM != 200 || rd.Location.Lat != 35.1 ||
			rd.Contractor.Contact != "0931-1" || *rd.TargetQuantity != 4.2 || rd.Township != "Chengguan" {
			t.Fatalf("road row: %+v", rd)
		}
		cs, _ := e.svc.Get(e.ctx, e.office, ps[1].ID)
		if cs.Name != "Cultural station, Lijia" || cs.Category != projects.CatCulturalStation || cs.Status != projects.StatusPlanned ||
			cs.Location != nil || cs.GeofenceM != 300 {
			t.Fatalf("cultural station row: %+v", cs)
		}
		ts, _ := e.orgs.ListTownships(e.ctx, e.office)
		if len(ts) != 2 {
			t.Fatalf("townships %v", ts)
		}
		// Importing the same file again: every code is taken.
		_, err = e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(goodCSV))
		ee := wantErr(t, err, errs.KindUnprocessable, "validation_failed")
		if len(ee.Fields) != 3 || ee.Fields[0].Field != "rows[0].code" || ee.Fields[0].Code != "duplicate" ||
			!strings.HasPrefix(ee.Fields[0].Message, "line 2:") || ee.Fields[2].Field != "rows[2].code" {
			t.Fatalf("re-import errors: %+v", ee.Fields)
		}
	})
}

func TestImportCSVBadRowCreatesNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := csvHeader +
			"2026-RD-001,Road one,road,Chengguan,Transport,,,,,,,,,,,,,\n" +
			"2026-RD-002,Road two,road,Chengguan,Transport,,,,,,,,,,,,,\n" +
			"2026-RD-003,Road three,bridge,Newtown,Transport,,,,12.345,,2026-13-01,,,abc,,91,104,\n" +
			"2026-RD-001,Road one again,road,Chengguan,Transport,,,,,,,,,,,,,\n" +
			"2026-RD-005,Short row,road\n"
		_, err := e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(file))
		ee := wantErr(t, err, errs.KindUnprocessable, "validation_failed")
		for _, f := range [][2]string{{"rows[2].category", "invalid"}, {"rows[2].budget", "invalid"},
			{"rows[2].planned_start", "invalid_date"}, {"rows[2].target_quantity", "invalid"}, {"rows[2].lat", "out_of_range"},
			{"rows[3].code", "duplicate"}, {"rows[4]", "field_count"}} {
			if !hasField(ee, f[0], f[1]) {
				t.Errorf("missing %s/%s in %+v", f[0], f[1], ee.Fields)
			}
		}
		if !strings.Contains(ee.Message, "3 of 5 rows") {
			t.Errorf("message %q", ee.Message)
		}
		if got := listAll(t, e); len(got) != 0 {
			t.Fatalf("nothing may be created, got %v", got)
		}
		if ts, _ := e.orgs.ListTownships(e.ctx, e.office); len(ts) != 0 {
			t.Fatalf("no township may be created, got %v", ts)
		}
	})
}

func TestImportCSVFileProblems(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		imp := func(s string) error {
			_, err := e.svc.Import(e.ctx, e.office, projects.ImportCSV, strings.NewReader(s))
			return err
		}
		wantErr(t, imp(""), errs.KindInvalid, "empty_file")
		wantField(t, imp("code,name,category,township,responsible_unit,colour\n"), "header[5]", "unknown_column")
		wantField(t, imp("code,name,category,township\n"), "header", "missing_column")
		wantErr(t, imp(csvHeader), errs.KindUnprocessable, "validation_failed") // no rows
		wantErr(t, imp("code,name,category,township,responsible_unit\nA,\xb5\xc0\xc2\xb7,road,x,y\n"), errs.KindInvalid, "invalid_encoding")
		wantErr(t, imp("code,name,category,township,responsible_unit\nA,\"unterminated,road,x,y\n"), errs.KindInvalid, "invalid_csv")
		var b strings.Builder
		b.WriteString("code,name,category,township,responsible_unit\n")
		for i := 0; i <= projects.MaxImportRows; i++ {
			fmt.Fprintf(&b, "C-%d,Road,road,T,U\n", i)
		}
		wantErr(t, imp(b.String()), errs.KindTooLarge, "too_many_rows")
		insp := e.user("insp", auth.RoleInspector, "", "")
		_, err := e.svc.Import(e.ctx, insp, projects.ImportCSV, strings.NewReader(goodCSV))
		wantErr(t, err, errs.KindForbidden, "forbidden")
	})
}

const roadGeoJSON = `{
  "type": "FeatureCollection",
  "name": "roads-2026",
  "features": [
    {"type": "Feature", "id": 1,
     "geometry": {"type": "LineString", "coordinates": [[104.10, 35.10, 1820.5], [104.11, 35.12], [104.13, 35.13]]},
     "properties": {"code": "2026-RD-101", "name": "Wangjia road", "category": "road", "township": "Chengguan",
                    "responsible_unit": "County Transport Bureau", "budget": 2500000.5, "target_quantity": 3.6,
                    "target_unit": "km", "planned_start": "2026-03-01", "planned_end": "2026-11-30", "geofence_m": 500}},
    {"type": "Feature",
     "geometry": {"type": "Point", "coordinates": [104.2, 35.3]},
     "properties": {"code": "2026-PO-001", "name": "Post office", "category": "post_office", "township": "Lijia",
                    "responsible_unit": "County Post", "contractor_name": null}},
    {"type": "Feature", "geometry": null,
     "properties": {"code": "2026-LB-001", "name": "Farmhouse library", "category": "library", "township": "Lijia",
                    "responsible_unit": "Culture Bureau", "lat": "35.4", "lon": 104.4}}
  ]
}`

func TestImportGeoJSON(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ps, err := e.svc.Import(e.ctx, e.office, projects.ImportGeoJSON, strings.NewReader(roadGeoJSON))
		if err != nil {
			t.Fatal(err)
		}
		rd, err := e.svc.Get(e.ctx, e.office, ps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rd.Route) != 3 || rd.Route[0] != [2]float64{104.10, 35.10} || rd.Location == nil ||
			rd.Location.Lon != 104.10 || rd.Location.Lat != 35.10 {
			t.Fatalf("road: route %v location %+v", rd.Route, rd.Location)
		}
		if *rd.BudgetCents != 250000050 || rd.GeofenceM != 500 || *rd.TargetQuantity != 3.6 {
			t.Fatalf("road fields: %+v", rd)
		}
		po, _ := e.svc.Get(e.ctx, e.office, ps[1].ID)
		if po.Location == nil || po.Location.Lat != 35.3 || po.HasRoute {
			t.Fatalf("post office: %+v", po)
		}
		lb, _ := e.svc.Get(e.ctx, e.office, ps[2].ID)
		if lb.Location == nil || lb.Location.Lat != 35.4 || lb.Location.Lon != 104.4 {
			t.Fatalf("library: %+v", lb.Location)
		}
	})
}

func TestImportGeoJSONErrors(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		imp := func(s string) error {
			_, err := e.svc.Import(e.ctx, e.office, projects.ImportGeoJSON, strings.NewReader(s))
			return err
		}
		wantErr(t, imp(`{"type":"Feature"}`), errs.KindInvalid, "invalid_geojson")
		wantErr(t, imp(`{"type":`), errs.KindInvalid, "invalid_geojson")
		err := imp(`{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[104.1,35.1]]},
			 "properties":{"code":"R-1","name":"Too short","category":"road","township":"T","responsible_unit":"U"}},
			{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]},
			 "properties":{"code":"R-2","name":"Area","category":"road","township":"T","responsible_unit":"U","colour":"red"}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[104.1,35.1]},
			 "properties":{"code":"R-3","name":"Twice","category":"road","township":"T","responsible_unit":"U","lat":35,"lon":104,"budget":true}},
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[104.1,35.1],[35.1,104.1]]},
			 "properties":{"code":"R-4","name":"Swapped","category":"road","township":"T","responsible_unit":"U"}}
		]}`)
		ee := wantErr(t, err, errs.KindUnprocessable, "validation_failed")
		for _, f := range [][2]string{{"rows[0].geometry.coordinates", "invalid_length"},
			{"rows[1].geometry.type", "unsupported_geometry"}, {"rows[1].properties.colour", "unknown_field"},
			{"rows[2].properties.lat", "conflict"}, {"rows[2].properties.budget", "wrong_type"},
			{"rows[3].geometry.coordinates[1]", "out_of_range"}} {
			if !hasField(ee, f[0], f[1]) {
				t.Errorf("missing %s/%s in %+v", f[0], f[1], ee.Fields)
			}
		}
		if got := listAll(t, e); len(got) != 0 {
			t.Fatalf("nothing may be created: %v", got)
		}
	})
}
