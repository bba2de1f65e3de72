package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// TestSimulatedYear runs a small county through the twelve periods of one
// year, over the HTTP API, on a clock the test moves, and checks the
// period status, the projects' schedule status, the circulars (JSON, CSV,
// PDF), the photo and figure flags and the unit notices against figures
// worked out by hand below.
//
// The year is 2008. The fixed-point photos are the geotagged walk in
// testdata/photos/gps (MANIFEST.tsv): taken 2008-10-22 16:28–16:46 with no
// UTC offset, which the cycle reads in the county's zone, so they fall in
// October 2008 and outside every other month. 2008 is also a leap year:
// February has 29 days and the year 366, which the hand arithmetic uses.
//
// The county (reports due on the 28th, the default; Asia/Shanghai):
//
//	unit (leader)          project                    township  indicators (target, plan)
//	县交通运输局 (王强)      YR-01 白石村通村公路 (road)  青山镇     工程量 12 km, linear 1 Jan–31 Dec
//	                       YR-02 青山镇邮政所            青山镇     形象进度 100 %, linear 1 Mar–31 Aug (planned until March)
//	县水利局 (李梅)          YR-03 白水乡集中供水工程      白水乡     工程量 20 km linear; 受益户数 400 户, 60 % by June, 100 % by October
//	                       YR-04 青山镇饮水巩固提升      青山镇     工程量 800 户, linear
//	县教育局 (张伟)          YR-05 白水乡中心幼儿园        白水乡     工程量 6 间, linear — never reports: stalled
//
// Linear over 2008 (366 days), the share due at the end of each month is
// days elapsed / 366 (the planned share at the first instant of the next
// month, UTC dates):
//
//	Jan 31 → 8.47   Feb 60 → 16.39  Mar 91 → 24.86  Apr 121 → 33.06
//	May 152 → 41.53 Jun 182 → 49.73 Jul 213 → 58.20 Aug 244 → 66.67
//	Sep 274 → 74.86 Oct 305 → 83.33 Nov 335 → 91.53 Dec 366 → 100
//
// Cumulative figures reported (each accepted on the month's last day):
//
//	month        1   2   3    4    5    6    7    8    9    10   11   12
//	YR-01 km     1   2   3    4    5.5  6.5  7.5  8.5  9.5  11   12   (completed 30 Nov)
//	YR-02 %      -   -   15   30   40†  55   80   100  (completed 31 Aug)
//	             († May's report missing at May's end; filed on 5 June, a month late)
//	YR-03 km     2   4   6*   7    9    10   12   14   15   17   18   20
//	YR-03 户     40  80  120  160  200  220  290  320  360  400  400  400
//	YR-04 户     80  150 320  300  380  420  500  560  620  700  760  800
//	             (* first filed as 16 km: a jump (16 − 4 = 12 > 0.3 × 20), returned, resubmitted as 6)
//	             (YR-04 April 300 < March 320: decreased)
//
// Filing: on-time reports on the 20th at 10:00 (YR-01 in October on the
// 23rd, after its photos were taken; YR-04 in September at 23:30 on the
// 28th); YR-04 late in February (29 Feb, 09:00, after the due time, 29 Feb
// 00:00) and June (30 June), YR-03 late in October (00:30 on the 29th);
// YR-05 never.
// The notice pass (the reminder worker's body, called directly: there is
// no route for it) runs on the 24th at 23:00 (nothing), on the 25th at
// 00:30 (reminders), on the 28th at 23:50 (nothing new) and on the 29th
// at 10:00 (overdue), each twice. The office accepts each month's reports
// on its last day; the month is checked on the first of the next.
func TestSimulatedYear(t *testing.T) {
	tweak := func(c *config.Config) {
		c.CountyName = "青山县"
		// The clock walks a year; a token lives through it.
		c.AccessTokenTTL = 3 * 365 * 24 * time.Hour
	}
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		runYear(t, storetest.SQLite(t), objs, "embedded", tweak)
	})
	t.Run("postgres_minio", func(t *testing.T) {
		t.Parallel()
		runYear(t, storetest.Postgres(t), apitest.S3(t), "postgres_minio", tweak)
	})
}

// yearClock is the server's clock, moved only by the test.
type yearClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *yearClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *yearClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type yearWorld struct {
	t      *testing.T
	e      *apitest.Env
	clk    *yearClock
	zone   *time.Location
	admin  string
	office string
	unit   map[string]string   // unit name → its contractor's token
	ids    map[string]string   // project code → id
	inds   map[string][]string // project code → indicator ids by position
	points map[string]string   // point name → id
	photos map[string][]byte   // file name → bytes
	orders []string            // the order's number and id
	// published is June's circular, published on 1 July.
	published string
}

// at sets the clock to the given day and hour in the county.
func (y *yearWorld) at(yr int, m time.Month, d, h int) {
	y.clk.Set(time.Date(yr, m, d, h, 0, 0, 0, y.zone))
}

func (y *yearWorld) login(name string) string {
	y.t.Helper()
	r := y.e.Post("/api/v1/auth/login", "", map[string]string{"username": name, "password": apitest.Password})
	apitest.Expect(y.t, r, http.StatusOK)
	return r.Map(y.t)["access_token"].(string)
}

func (y *yearWorld) do(method, path, tok string, body any, want int) map[string]any {
	y.t.Helper()
	r := y.e.Do(apitest.Request{Method: method, Path: path, Token: tok, Body: body})
	apitest.Expect(y.t, r, want)
	if len(r.Body) == 0 {
		return nil
	}
	return r.Map(y.t)
}

func runYear(t *testing.T, db *store.DB, objs storage.Store, backend string, tweak func(*config.Config)) {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := &yearClock{t: time.Date(2008, 1, 2, 9, 0, 0, 0, zone)}
	cfg := apitest.Config()
	tweak(&cfg)
	srv, err := server.New(server.Options{Config: cfg, DB: db, Objects: objs, Log: storetest.Logger(t), JWTKey: apitest.JWTKey,
		Now: clk.Now, HashCost: apitest.HashCost})
	if err != nil {
		t.Fatal(err)
	}
	e := &apitest.Env{T: t, Server: srv, DB: db, Objects: objs, Config: cfg, Backend: backend}
	y := &yearWorld{t: t, e: e, clk: clk, zone: zone, unit: map[string]string{}, ids: map[string]string{},
		inds: map[string][]string{}, points: map[string]string{}, photos: map[string][]byte{}}
	y.setUp()
	for m := time.January; m <= time.December; m++ {
		y.month(m)
	}
	y.checkNotices()
	y.checkPublished()
	y.checkRenderedLate()
	y.checkHistory()
	y.checkMoved()
}

// checkRenderedLate: the rendition jobs of YR-01's October and November
// photos run at the year's end, November's first (a worker picks jobs in
// no promised order). November's job finds no other hash yet; October's
// finds November's very picture and links to it. The first use, October's,
// is still not reused, and November's repeat still is.
func (y *yearWorld) checkRenderedLate() {
	t := y.t
	reports := map[string]map[string]any{}
	for _, per := range []string{"2008-10", "2008-11"} {
		for _, it := range y.do(http.MethodGet, "/api/v1/monthly-reports?period="+per, y.office, nil, http.StatusOK)["items"].([]any) {
			if r := it.(map[string]any); r["project_id"] == y.ids["YR-01"] {
				reports[per] = y.do(http.MethodGet, "/api/v1/monthly-reports/"+r["id"].(string), y.office, nil, http.StatusOK)
			}
		}
	}
	for _, per := range []string{"2008-11", "2008-10"} {
		for _, p := range reports[per]["photos"].([]any) {
			pl, _ := json.Marshal(map[string]any{"photo_id": p.(map[string]any)["photo_id"]})
			if err := y.e.Server.Photos.RenditionHandler(context.Background(), jobs.Job{Payload: pl, Attempts: 1, MaxAttempts: 3}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for per, want := range map[string]string{"2008-10": "|off_point", "2008-11": "outside_period,reused|outside_period"} {
		r := y.do(http.MethodGet, "/api/v1/monthly-reports/"+reports[per]["id"].(string), y.office, nil, http.StatusOK)
		if got := strings.Join(photoFlags(r), "|"); got != want {
			t.Errorf("YR-01 %s photo flags after late renditions: %q, want %q", per, got, want)
		}
	}
	s := y.do(http.MethodGet, "/api/v1/photo-points/"+y.points["起点"]+"/series", y.office, nil, http.StatusOK)
	var got []string
	for _, en := range s["entries"].([]any) {
		e := en.(map[string]any)
		var fs []string
		for _, f := range e["flags"].([]any) {
			fs = append(fs, f.(string))
		}
		got = append(got, e["period"].(string)+":"+strings.Join(fs, ","))
	}
	if strings.Join(got, " ") != "2008-10: 2008-11:outside_period,reused" {
		t.Errorf("起点 series after late renditions: %v", got)
	}
}

// checkHistory: at the year's end (1 January 2009), after YR-02 (31
// August) and YR-01 (30 November) were completed, every month reads as it
// did on the first of the next: who owed a report, and whether a project
// was done, come from the status each project had then, not today's. The
// one change is May's: YR-02's report came in on 5 June, so May counts it
// late now (as June's own check found).
func (y *yearWorld) checkHistory() {
	for m := time.January; m <= time.December; m++ {
		if m == time.May {
			st := y.status(m)
			if st.byUnit != "县交通运输局 1/1/0; 县教育局 0/0/1; 县水利局 2/0/0" || st.byTownship != "白水乡 1/0/1; 青山镇 2/1/0" ||
				st.standing["YR-02"] != "accepted/late" {
				y.t.Errorf("May at the year's end: %+v", st)
			}
			continue
		}
		y.checkStatus(m)
		y.checkCircular(m)
	}
}

// checkMoved: at the year's end 县交通运输局's contractor moves to 县水利局.
// With the token they already hold, the old unit's reports are gone at
// once (not found, and not listed); the new unit's are theirs.
func (y *yearWorld) checkMoved() {
	t := y.t
	tok := y.unit["县交通运输局"]
	old := y.do(http.MethodGet, "/api/v1/monthly-reports?period=2008-11", tok, nil, http.StatusOK)["items"].([]any)
	if len(old) != 1 {
		t.Fatalf("县交通运输局's November reports: %v", old)
	}
	oldID := old[0].(map[string]any)["id"].(string)
	var jt1 string
	for _, it := range y.do(http.MethodGet, "/api/v1/users?q=jt1", y.admin, nil, http.StatusOK)["items"].([]any) {
		if u := it.(map[string]any); u["username"] == "jt1" {
			jt1 = u["id"].(string)
		}
	}
	y.do(http.MethodPatch, "/api/v1/users/"+jt1, y.admin, map[string]any{"unit": "县水利局"}, http.StatusOK)
	if r := y.e.Get("/api/v1/monthly-reports/"+oldID, tok); r.Status != http.StatusNotFound {
		t.Errorf("a moved contractor reads the old unit's report: %d %s", r.Status, r.Body)
	}
	var codes []string
	for _, it := range y.do(http.MethodGet, "/api/v1/monthly-reports?period=2008-11", tok, nil, http.StatusOK)["items"].([]any) {
		id := it.(map[string]any)["project_id"].(string)
		for code, pid := range y.ids {
			if pid == id {
				codes = append(codes, code)
			}
		}
	}
	sort.Strings(codes)
	if strings.Join(codes, " ") != "YR-03 YR-04" {
		t.Errorf("the moved contractor's November reports: %v, want YR-03 YR-04", codes)
	}
}

// checkPublished: June's published circular, downloaded at the year's end,
// holds June's figures as worked out above.
func (y *yearWorld) checkPublished() {
	r := y.e.Get("/api/v1/circulars/"+y.published+"/download?format=json", y.office)
	apitest.Expect(y.t, r, http.StatusOK)
	var doc struct {
		Period  string         `json:"period"`
		Version int            `json:"version"`
		Figures map[string]int `json:"figures"`
	}
	r.JSON(y.t, &doc)
	if doc.Period != "2008-06" || doc.Version != 1 {
		y.t.Errorf("published: period %s version %d", doc.Period, doc.Version)
	}
	for k, want := range yearCircularFigures[time.June] {
		if doc.Figures[k] != want {
			y.t.Errorf("published June %s = %d, want %d", k, doc.Figures[k], want)
		}
	}
}

// setUp: the admin (the one account not made over HTTP: someone has to be
// first), the office, one contractor account per unit, the projects, their
// indicators and the units' leaders — on 2 January 2008.
func (y *yearWorld) setUp() {
	t := y.t
	if _, err := y.e.Server.Auth.CreateUser(context.Background(), auth.NewUser{Username: "admin1", Role: auth.RoleAdmin,
		Password: apitest.Password, DisplayName: "管理员"}); err != nil {
		t.Fatal(err)
	}
	y.admin = y.login("admin1")
	for _, u := range []struct{ name, role, unit string }{{"office1", "office", ""}, {"jt1", "contractor", "县交通运输局"},
		{"sl1", "contractor", "县水利局"}, {"jy1", "contractor", "县教育局"}} {
		body := map[string]any{"username": u.name, "role": u.role, "password": apitest.Password, "display_name": u.name}
		if u.unit != "" {
			body["unit"] = u.unit
		}
		y.do(http.MethodPost, "/api/v1/users", y.admin, body, http.StatusCreated)
		if u.unit != "" {
			y.unit[u.unit] = y.login(u.name)
		}
	}
	y.office = y.login("office1")
	for _, p := range []struct {
		code, name, cat, unit, township, start, end, status string
		target                                              float64
		tunit                                               string
	}{
		{"YR-01", "白石村通村公路", "road", "县交通运输局", "青山镇", "2008-01-01", "2008-12-31", "under_construction", 12, "km"},
		{"YR-02", "青山镇邮政所", "post_office", "县交通运输局", "青山镇", "2008-03-01", "2008-08-31", "planned", 0, ""},
		{"YR-03", "白水乡集中供水工程", "drinking_water", "县水利局", "白水乡", "2008-01-01", "2008-12-31", "under_construction", 20, "km"},
		{"YR-04", "青山镇饮水巩固提升", "drinking_water", "县水利局", "青山镇", "2008-01-01", "2008-12-31", "under_construction", 800, "户"},
		{"YR-05", "白水乡中心幼儿园", "kindergarten", "县教育局", "白水乡", "2008-01-01", "2008-12-31", "under_construction", 6, "间"},
	} {
		body := map[string]any{"code": p.code, "name": p.name, "category": p.cat, "township": p.township,
			"responsible_unit": p.unit, "planned_start": p.start, "planned_end": p.end, "status": p.status,
			"location": map[string]any{"lat": 43.4674, "lon": 11.8851}}
		if p.target > 0 {
			body["target_quantity"], body["target_unit"] = p.target, p.tunit
		}
		y.ids[p.code] = y.do(http.MethodPost, "/api/v1/projects", y.office, body, http.StatusCreated)["id"].(string)
	}
	y.do(http.MethodPost, "/api/v1/projects/"+y.ids["YR-03"]+"/indicators", y.office, map[string]any{"name": "受益户数",
		"unit": "户", "target": 400, "plan": []map[string]any{{"month": "2008-06", "percent": 60}, {"month": "2008-10", "percent": 100}}},
		http.StatusCreated)
	for code, id := range y.ids {
		items := y.do(http.MethodGet, "/api/v1/projects/"+id+"/indicators", y.office, nil, http.StatusOK)["items"].([]any)
		for _, it := range items {
			y.inds[code] = append(y.inds[code], it.(map[string]any)["id"].(string))
		}
	}
	if len(y.inds["YR-03"]) != 2 || len(y.inds["YR-02"]) != 1 {
		t.Fatalf("indicators %v", y.inds)
	}
	for _, it := range y.do(http.MethodGet, "/api/v1/units", y.office, nil, http.StatusOK)["items"].([]any) {
		u := it.(map[string]any)
		if leader := map[string]string{"县交通运输局": "王强", "县水利局": "李梅", "县教育局": "张伟"}[u["name"].(string)]; leader != "" {
			y.do(http.MethodPatch, "/api/v1/units/"+u["id"].(string), y.office, map[string]any{"leader": leader}, http.StatusOK)
		}
	}
	for _, f := range []string{"DSCN0010.jpg", "DSCN0021.jpg", "DSCN0029.jpg"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "gps", f))
		if err != nil {
			t.Fatal(err)
		}
		y.photos[f] = b
	}
}

// shot is a report's photo of a point.
type shot struct{ point, file string }

// file creates a project's report for the month with the figures (one per
// indicator, by position), uploads its photos and submits it; it returns
// the submitted report.
func (y *yearWorld) file(code string, m time.Month, vals []float64, shots ...shot) map[string]any {
	y.t.Helper()
	tok := y.unit[y.unitOf(code)]
	var values, photos []map[string]any
	for i, v := range vals {
		values = append(values, map[string]any{"indicator_id": y.inds[code][i], "value": v})
	}
	ids := make([]string, len(shots))
	for i, s := range shots {
		ids[i] = uuid.NewString()
		photos = append(photos, map[string]any{"point_id": y.points[s.point], "photo_id": ids[i], "caption": s.point})
	}
	body := map[string]any{"id": uuid.NewString(), "project_id": y.ids[code], "period": period(m), "values": values,
		"narrative": fmt.Sprintf("%d月完成情况", m), "photos": photos}
	r := y.e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports", Token: tok, Body: body,
		Header: map[string]string{"Idempotency-Key": "year-" + code + "-" + period(m)}})
	apitest.Expect(y.t, r, http.StatusCreated)
	id := r.Map(y.t)["id"].(string)
	for i, s := range shots {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("photo_id", ids[i])
		fw, _ := mw.CreateFormFile("file", s.file)
		_, _ = fw.Write(y.photos[s.file])
		_ = mw.Close()
		r := y.e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/monthly-reports/" + id + "/photos", Token: tok,
			Body: b.Bytes(), Content: mw.FormDataContentType()})
		apitest.Expect(y.t, r, http.StatusCreated)
	}
	return y.do(http.MethodPost, "/api/v1/monthly-reports/"+id+"/submit", tok, nil, http.StatusOK)
}

func (y *yearWorld) unitOf(code string) string {
	switch code {
	case "YR-01", "YR-02":
		return "县交通运输局"
	case "YR-03", "YR-04":
		return "县水利局"
	}
	return "县教育局"
}

func period(m time.Month) string { return fmt.Sprintf("2008-%02d", int(m)) }

// The figures of the table above; 0 where nothing is reported.
var yearFigures = map[string][][]float64{
	"YR-01": {{1}, {2}, {3}, {4}, {5.5}, {6.5}, {7.5}, {8.5}, {9.5}, {11}, {12}},
	"YR-02": {nil, nil, {15}, {30}, nil, {55}, {80}, {100}},
	"YR-03": {{2, 40}, {4, 80}, {6, 120}, {7, 160}, {9, 200}, {10, 220}, {12, 290}, {14, 320}, {15, 360}, {17, 400}, {18, 400}, {20, 400}},
	"YR-04": {{80}, {150}, {320}, {300}, {380}, {420}, {500}, {560}, {620}, {700}, {760}, {800}},
}

// notices runs the notice pass (what the reminder worker does on each
// tick) twice at the clock's time: the first sends want notices, the
// second none — a unit hears once per period and kind.
func (y *yearWorld) notices(want int, when string) {
	y.t.Helper()
	for i, w := range []int{want, 0} {
		n, err := y.e.Server.Monthly.SendNotices(context.Background(), y.clk.Now())
		if err != nil {
			y.t.Fatal(err)
		}
		if n != w {
			y.t.Errorf("%s, pass %d: %d notices sent, want %d", when, i+1, n, w)
		}
	}
}

func (y *yearWorld) month(m time.Month) {
	t := y.t
	last := time.Date(2008, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	filed := map[string]map[string]any{}

	if m == time.June {
		// YR-02's May report comes in a month late, on 5 June, and is
		// accepted the next day: May's status now counts it late.
		y.at(2008, m, 5, 10)
		r := y.file("YR-02", time.May, []float64{40})
		y.at(2008, m, 6, 10)
		y.do(http.MethodPost, "/api/v1/monthly-reports/"+r["id"].(string)+"/accept", y.office, nil, http.StatusOK)
		st := y.status(time.May)
		if st.byUnit != "县交通运输局 1/1/0; 县教育局 0/0/1; 县水利局 2/0/0" || st.byTownship != "白水乡 1/0/1; 青山镇 2/1/0" ||
			st.standing["YR-02"] != "accepted/late" {
			t.Errorf("May after YR-02's late report: %+v", st)
		}
		// An order on YR-02 on the 10th with a deadline of the 20th, never
		// done: overdue at the end of June and of July; cancelled in August.
		y.at(2008, m, 10, 10)
		o := y.do(http.MethodPost, "/api/v1/orders", y.office, map[string]any{"project_id": y.ids["YR-02"], "defect": "墙体裂缝",
			"severity": "minor", "required_action": "返工", "deadline": time.Date(2008, 6, 20, 18, 0, 0, 0, y.zone).Format(time.RFC3339)},
			http.StatusCreated)
		y.orders = append(y.orders, o["number"].(string), o["id"].(string))
	}
	// The 20th: the units that are on time file.
	y.at(2008, m, 20, 10)
	y.refusals(m)
	for _, code := range []string{"YR-01", "YR-02", "YR-03", "YR-04"} {
		figs := yearFigures[code]
		if int(m) > len(figs) || figs[m-1] == nil || (code == "YR-01" && m == time.October) ||
			(code == "YR-04" && (m == time.February || m == time.June || m == time.September)) ||
			(code == "YR-03" && m == time.October) {
			continue
		}
		vals := figs[m-1]
		if code == "YR-03" && m == time.March {
			vals = []float64{16, 120} // a slip of the finger, returned below
		}
		var shots []shot
		if code == "YR-01" && m == time.November {
			// 起点 again with October's very file (reused; taken in October:
			// outside the period), 终点 from its own spot (taken in October).
			shots = []shot{{"起点", "DSCN0010.jpg"}, {"终点", "DSCN0029.jpg"}}
		}
		filed[code] = y.file(code, m, vals, shots...)
	}
	if m == time.March {
		y.returnAndResubmit(filed["YR-03"])
	}
	if m == time.October {
		// YR-01 files on the 23rd, the day after the walk the photos were taken on.
		y.at(2008, m, 23, 10)
		filed["YR-01"] = y.file("YR-01", m, yearFigures["YR-01"][m-1], shot{"起点", "DSCN0010.jpg"}, shot{"终点", "DSCN0021.jpg"})
	}
	y.checkFlags(m, filed)

	// Reminders: none the day before, one per unit with a project not yet
	// submitted from the 25th (three days before the 28th).
	y.at(2008, m, 24, 23)
	y.notices(0, period(m)+"-24")
	// 00:30 on the 25th in the county (still the 24th in UTC).
	y.clk.Set(time.Date(2008, m, 25, 0, 30, 0, 0, y.zone))
	// 县教育局 every month (YR-05); 县交通运输局 in May (YR-02); 县水利局 in
	// February, June and September (YR-04) and October (YR-03).
	reminders := 1
	switch m {
	case time.February, time.May, time.June, time.September, time.October:
		reminders = 2
	}
	y.notices(reminders, period(m)+"-25")

	// The due time is the end of the 28th in the county, not in UTC: YR-04
	// files at 23:30 on 28 September (15:30 UTC), on time; YR-03 at 00:30
	// on 29 October (still the 28th, 16:30, in UTC), late.
	if m == time.September {
		y.clk.Set(time.Date(2008, m, 28, 23, 30, 0, 0, y.zone))
		filed["YR-04"] = y.file("YR-04", m, yearFigures["YR-04"][m-1])
	}
	// Ten minutes before the due time: nothing new (the reminders went).
	y.clk.Set(time.Date(2008, m, 28, 23, 50, 0, 0, y.zone))
	y.notices(0, period(m)+"-28")
	if m == time.October {
		y.clk.Set(time.Date(2008, m, 29, 0, 30, 0, 0, y.zone))
		filed["YR-03"] = y.file("YR-03", m, yearFigures["YR-03"][m-1])
	}

	// Late: YR-04 in February before the overdue pass, in June after it.
	if m == time.February {
		y.at(2008, m, 29, 9)
		filed["YR-04"] = y.file("YR-04", m, yearFigures["YR-04"][m-1])
	}
	y.at(2008, m, 29, 10)
	// Overdue: 县教育局 every month; 县交通运输局 in May; 县水利局 in June.
	overdue := 1
	if m == time.May || m == time.June {
		overdue = 2
	}
	y.notices(overdue, period(m)+"-29")
	if m == time.June {
		y.at(2008, m, 30, 9)
		filed["YR-04"] = y.file("YR-04", m, yearFigures["YR-04"][m-1])
	}

	// The office accepts the month's reports on its last day.
	y.at(2008, m, last, 12)
	items := y.do(http.MethodGet, "/api/v1/monthly-reports?period="+period(m)+"&state=submitted", y.office, nil,
		http.StatusOK)["items"].([]any)
	if len(items) != len(filed) {
		t.Errorf("%s: %d reports submitted, want %d", period(m), len(items), len(filed))
	}
	for _, it := range items {
		y.do(http.MethodPost, "/api/v1/monthly-reports/"+it.(map[string]any)["id"].(string)+"/accept", y.office, nil, http.StatusOK)
	}
	y.at(2008, m, last, 13)
	switch m {
	case time.August:
		y.do(http.MethodPost, "/api/v1/orders/"+y.orders[1]+"/cancel", y.office, map[string]any{"reason": "已并入竣工验收"}, http.StatusOK)
		y.do(http.MethodPost, "/api/v1/projects/"+y.ids["YR-02"]+"/status", y.office, map[string]any{"status": "completed"}, http.StatusOK)
	case time.November:
		y.do(http.MethodPost, "/api/v1/projects/"+y.ids["YR-01"]+"/status", y.office, map[string]any{"status": "completed"}, http.StatusOK)
	}

	// The first of the next month: the month as it ended.
	y.at(2008, m+1, 1, 9)
	y.checkStatus(m)
	y.checkCircular(m)

	// The next month's changes, after the checks.
	switch m {
	case time.January:
		// The office closes January: nothing more can be filed for it. A
		// period not yet due cannot be closed.
		y.do(http.MethodPost, "/api/v1/periods/2008-01/close", y.office, nil, http.StatusOK)
		r := y.e.Post("/api/v1/monthly-reports", y.unit["县教育局"], map[string]any{"id": uuid.NewString(),
			"project_id": y.ids["YR-05"], "period": "2008-01", "values": []map[string]any{{"indicator_id": y.inds["YR-05"][0], "value": 1}}})
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "period_closed") {
			t.Errorf("a report for closed January: %d %s", r.Status, r.Body)
		}
		y.do(http.MethodPost, "/api/v1/periods/2008-02/close", y.office, nil, http.StatusUnprocessableEntity)
	case time.June:
		// June's circular is published; at the year's end it still says
		// what it said on 1 July.
		pub := y.do(http.MethodPost, "/api/v1/periods/2008-06/circulars", y.office, nil, http.StatusCreated)
		if pub["version"] != 1.0 || len(pub["sha256"].(string)) != 64 {
			t.Errorf("published June: %v", pub)
		}
		y.published = pub["id"].(string)
	case time.February:
		y.at(2008, time.March, 1, 10)
		y.do(http.MethodPost, "/api/v1/projects/"+y.ids["YR-02"]+"/status", y.office, map[string]any{"status": "under_construction"}, http.StatusOK)
		// The next day January and February still read as they ended:
		// YR-02, planned then, owed neither.
		y.at(2008, time.March, 2, 9)
		y.checkStatus(time.January)
		y.checkStatus(time.February)
	case time.September:
		// The road's fixed points, where photos DSCN0010 and DSCN0029 were
		// taken (MANIFEST.tsv).
		y.at(2008, time.October, 1, 10)
		for name, ll := range map[string][2]float64{"起点": {43.4674483333333, 11.8851266666639}, "终点": {43.4682433333306, 11.8801716666389}} {
			y.points[name] = y.do(http.MethodPost, "/api/v1/projects/"+y.ids["YR-01"]+"/photo-points", y.office,
				map[string]any{"name": name, "lat": ll[0], "lon": ll[1], "bearing": 270, "note": "朝西"}, http.StatusCreated)["id"].(string)
		}
	}
}

// refusals: bad reports in the year's context are refused with the field
// at fault, and leave nothing behind (the period status tables above
// still hold).
func (y *yearWorld) refusals(m time.Month) {
	bad := func(unit, code, per string, value float64, field, fcode string, photo map[string]any) {
		y.t.Helper()
		body := map[string]any{"id": uuid.NewString(), "project_id": y.ids[code], "period": per,
			"values": []map[string]any{{"indicator_id": y.inds[code][0], "value": value}}}
		if photo != nil {
			body["photos"] = []any{photo}
		}
		r := y.e.Post("/api/v1/monthly-reports", y.unit[unit], body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"`+field+`","code":"`+fcode+`"`) {
			y.t.Errorf("%s %s: %d %s, want 422 naming %s %s", code, per, r.Status, r.Body, field, fcode)
		}
	}
	switch m {
	case time.January:
		bad("县教育局", "YR-05", "2008-01", -1, "values[0].value", "negative", nil)
	case time.February:
		// YR-02 is still planned: it owes nothing and may file nothing.
		bad("县交通运输局", "YR-02", "2008-02", 5, "project_id", "not_under_construction", nil)
	case time.November:
		// YR-04 has no photo points; 起点 is the road's.
		bad("县水利局", "YR-04", "2008-11", 760, "photos[0].point_id", "other_project",
			map[string]any{"point_id": y.points["起点"], "photo_id": uuid.NewString(), "caption": "x"})
	case time.December:
		bad("县交通运输局", "YR-01", "2008-12", 12, "project_id", "not_under_construction", nil) // completed
		bad("县水利局", "YR-04", "2009-01", 800, "period", "in_future", nil)
	}
}

// returnAndResubmit: YR-03's March report came in with 16 km, a jump (16 −
// 4 = 12 km in a month, more than 0.3 × 20 = 6); the office returns it on
// the 21st, the unit corrects it to 6 km on the 22nd and submits again.
// The first submission (20 March, before the due time) still decides: on
// time.
func (y *yearWorld) returnAndResubmit(r map[string]any) {
	t := y.t
	id := r["id"].(string)
	if f := valueFlags(r); f != "jump|" {
		t.Errorf("YR-03 March first filing: value flags %q, want jump on km, none on households", f)
	}
	y.at(2008, time.March, 21, 9)
	y.do(http.MethodPost, "/api/v1/monthly-reports/"+id+"/return", y.office, map[string]any{"reason": "路基数字有误：应为 6 公里"}, http.StatusOK)
	st := y.status(time.March)
	if s := st.standing["YR-03"]; s != "returned/on_time/jump" {
		t.Errorf("YR-03 returned: %s, want returned/on_time/jump (its 16 km still stand)", s)
	}
	y.at(2008, time.March, 22, 9)
	tok := y.unit["县水利局"]
	y.do(http.MethodPut, "/api/v1/monthly-reports/"+id, tok, map[string]any{"values": []map[string]any{
		{"indicator_id": y.inds["YR-03"][0], "value": 6}, {"indicator_id": y.inds["YR-03"][1], "value": 120}}, "narrative": "已更正"},
		http.StatusOK)
	got := y.do(http.MethodPost, "/api/v1/monthly-reports/"+id+"/submit", tok, nil, http.StatusOK)
	if got["submitted_at"] != r["submitted_at"] || got["resubmitted_at"] == nil || valueFlags(got) != "|" {
		t.Errorf("resubmitted: submitted_at %v (first %v), resubmitted_at %v, flags %q", got["submitted_at"], r["submitted_at"],
			got["resubmitted_at"], valueFlags(got))
	}
}

// valueFlags is each value's flags joined with ",", values joined with "|".
func valueFlags(r map[string]any) string {
	var out []string
	for _, v := range r["values"].([]any) {
		var fs []string
		for _, f := range v.(map[string]any)["flags"].([]any) {
			fs = append(fs, f.(string))
		}
		out = append(out, strings.Join(fs, ","))
	}
	return strings.Join(out, "|")
}

func photoFlags(r map[string]any) []string {
	var out []string
	for _, p := range r["photos"].([]any) {
		var fs []string
		for _, f := range p.(map[string]any)["flags"].([]any) {
			fs = append(fs, f.(string))
		}
		out = append(out, strings.Join(fs, ","))
	}
	return out
}

// checkFlags: the figures' and photos' flags as the reports were filed.
func (y *yearWorld) checkFlags(m time.Month, filed map[string]map[string]any) {
	t := y.t
	if m == time.April {
		// 300 after March's 320: decreased (and no jump: it went down).
		if f := valueFlags(filed["YR-04"]); f != "decreased" {
			t.Errorf("YR-04 April flags %q, want decreased", f)
		}
	}
	for code, r := range filed {
		if (m == time.April && code == "YR-04") || (m == time.March && code == "YR-03") {
			continue
		}
		// Every other month grows by less than 0.3 of the target (largest:
		// YR-04 March, 170 ≤ 240; YR-02 June, 25 ≤ 30; YR-03 July, 70 ≤ 120
		// households) and never goes down.
		if f := strings.Trim(valueFlags(r), "|"); f != "" {
			t.Errorf("%s %s: value flags %q, want none", code, period(m), f)
		}
	}
	switch m {
	case time.October:
		// 起点 from its own spot on 22 October: clean. 终点 from where
		// DSCN0021 was taken: 0.00116° of latitude (129 m) and 0.00437° of
		// longitude (× cos 43.47° × 111.2 km = 352 m) from the point, about
		// 375 m > 50 m: off_point.
		if f := photoFlags(filed["YR-01"]); len(f) != 2 || f[0] != "" || f[1] != "off_point" {
			t.Errorf("October photo flags %q, want [\"\" off_point]", f)
		}
	case time.November:
		r := y.do(http.MethodGet, "/api/v1/monthly-reports/"+filed["YR-01"]["id"].(string), y.office, nil, http.StatusOK)
		if f := photoFlags(r); len(f) != 2 || f[0] != "outside_period,reused" || f[1] != "outside_period" {
			t.Errorf("November photo flags %q, want [outside_period,reused outside_period]", f)
		}
		// The point's series: October's photo, then November's (reused).
		s := y.do(http.MethodGet, "/api/v1/photo-points/"+y.points["起点"]+"/series", y.office, nil, http.StatusOK)
		var got []string
		for _, en := range s["entries"].([]any) {
			e := en.(map[string]any)
			var fs []string
			for _, f := range e["flags"].([]any) {
				fs = append(fs, f.(string))
			}
			got = append(got, e["period"].(string)+":"+strings.Join(fs, ","))
		}
		if strings.Join(got, " ") != "2008-10: 2008-11:outside_period,reused" {
			t.Errorf("起点 series %v", got)
		}
	}
}

type yearCount struct {
	Name                    string
	OnTime                  int `json:"on_time"`
	Late, Missing, Projects int
}

type yearStatus struct {
	standing           map[string]string // code → state/standing
	byUnit, byTownship string            // "name on/late/missing; …"
}

func (y *yearWorld) status(m time.Month) yearStatus {
	y.t.Helper()
	r := y.e.Get("/api/v1/periods/"+period(m)+"/status", y.office)
	apitest.Expect(y.t, r, http.StatusOK)
	var st struct {
		Projects []struct {
			ProjectCode string   `json:"project_code"`
			State       string   `json:"state"`
			Standing    string   `json:"standing"`
			Flags       []string `json:"flags"`
		} `json:"projects"`
		ByUnit     []yearCount `json:"by_unit"`
		ByTownship []yearCount `json:"by_township"`
	}
	r.JSON(y.t, &st)
	out := yearStatus{standing: map[string]string{}}
	for _, p := range st.Projects {
		out.standing[p.ProjectCode] = p.State + "/" + p.Standing
		if len(p.Flags) > 0 {
			out.standing[p.ProjectCode] += "/" + strings.Join(p.Flags, ",")
		}
	}
	var u, w []string
	for _, c := range st.ByUnit {
		u = append(u, fmt.Sprintf("%s %d/%d/%d", c.Name, c.OnTime, c.Late, c.Missing))
	}
	for _, c := range st.ByTownship {
		w = append(w, fmt.Sprintf("%s %d/%d/%d", c.Name, c.OnTime, c.Late, c.Missing))
	}
	out.byUnit, out.byTownship = strings.Join(u, "; "), strings.Join(w, "; ")
	return out
}

// checkStatus: the period's status by unit and township, on the first of
// the next month (on time / late / missing). Units and townships sort by
// name (交 < 教 < 水; 白 < 青).
//
//	month  交通运输局 (YR-01, YR-02)   教育局   水利局 (YR-03, YR-04)  白水乡 (03, 05)  青山镇 (01, 02, 04)
//	1, 2   1/0/0 (YR-02 planned)       0/0/1    1: 2/0/0, 2: 1/1/0     1/0/1            1: 2/0/0, 2: 1/1/0
//	3, 4   2/0/0                       0/0/1    2/0/0                  1/0/1            3/0/0
//	5      1/0/1 (YR-02 missing)       0/0/1    2/0/0                  1/0/1            2/0/1
//	6      2/0/0                       0/0/1    1/1/0                  1/0/1            2/1/0
//	7, 8   2/0/0                       0/0/1    2/0/0                  1/0/1            3/0/0
//	9–11   1/0/0 (YR-02 completed)     0/0/1    2/0/0; 10: 1/1/0       10: 0/1/1        2/0/0
//	12     — (both completed)          0/0/1    2/0/0                  1/0/1            1/0/0
func (y *yearWorld) checkStatus(m time.Month) {
	jt := map[time.Month]string{1: "1/0/0", 2: "1/0/0", 3: "2/0/0", 4: "2/0/0", 5: "1/0/1", 6: "2/0/0", 7: "2/0/0", 8: "2/0/0",
		9: "1/0/0", 10: "1/0/0", 11: "1/0/0"}[m]
	sl := map[bool]string{true: "1/1/0", false: "2/0/0"}[m == time.February || m == time.June || m == time.October]
	qs := map[time.Month]string{1: "2/0/0", 2: "1/1/0", 3: "3/0/0", 4: "3/0/0", 5: "2/0/1", 6: "2/1/0", 7: "3/0/0", 8: "3/0/0",
		9: "2/0/0", 10: "2/0/0", 11: "2/0/0", 12: "1/0/0"}[m]
	wantUnit := "县交通运输局 " + jt + "; 县教育局 0/0/1; 县水利局 " + sl
	if m == time.December {
		wantUnit = "县教育局 0/0/1; 县水利局 " + sl
	}
	bs := map[bool]string{true: "0/1/1", false: "1/0/1"}[m == time.October]
	wantTown := "白水乡 " + bs + "; 青山镇 " + qs
	st := y.status(m)
	if st.byUnit != wantUnit {
		y.t.Errorf("%s by unit: %s\n want %s", period(m), st.byUnit, wantUnit)
	}
	if st.byTownship != wantTown {
		y.t.Errorf("%s by township: %s\n want %s", period(m), st.byTownship, wantTown)
	}
	// Each project's state/standing(/figure flags) on some months.
	for code, w := range map[time.Month]map[string]string{
		time.January:   {"YR-05": "missing/missing"},
		time.February:  {"YR-04": "accepted/late", "YR-05": "missing/missing"},
		time.March:     {"YR-03": "accepted/on_time"}, // returned and resubmitted, its jump corrected
		time.April:     {"YR-04": "accepted/on_time/decreased"},
		time.May:       {"YR-02": "missing/missing", "YR-01": "accepted/on_time"},
		time.September: {"YR-04": "accepted/on_time"},
		time.October:   {"YR-03": "accepted/late"},
		time.December:  {"YR-05": "missing/missing", "YR-03": "accepted/on_time"},
	}[m] {
		if got := st.standing[code]; got != w {
			y.t.Errorf("%s %s: %s, want %s", period(m), code, got, w)
		}
	}
}

// want is a project's schedule status and gap at the end of a month.
type want struct {
	status string
	gap    float64
}

// schedules at the end of the months the circular is checked, worked from
// the tables above (gap = reported − planned, 2 decimals; reported shares
// round down to 2 decimals):
//
// February (end: 60 days of 366 = 16.39 %; YR-02 not begun, planned):
//
//	YR-01  2/12 = 16.66 − 16.39 = +0.27 on_schedule
//	YR-03  km 4/20 = 20 − 16.39 = +3.61; 户 80/400 = 20 − 60 × 60/182 (19.78) = +0.22: on_schedule +0.22 (worst)
//	YR-04  150/800 = 18.75 − 16.39 = +2.36 on_schedule
//	YR-05  0 − 16.39 = −16.39 behind (half the schedule not yet due: not stalled)
//
// March (end: 91/366 = 24.86 %; YR-02 31 of 184 days = 16.85 %; 户 60 × 91/182 = 30 %):
//
//	YR-01  3/12 = 25 − 24.86 = +0.14 on_schedule
//	YR-02  15 − 16.85 = −1.85 behind
//	YR-03  km 6/20 = 30 − 24.86 = +5.14; 户 120/400 = 30 − 30 = 0: on_schedule 0
//	YR-04  320/800 = 40 − 24.86 = +15.14: ahead (10 points or more)
//	YR-05  0 − 24.86 = −24.86 behind
//
// June (end: 182/366 = 49.73 %; YR-02 122 of 184 days = 66.30 %; 户 plan 60 %):
//
//	YR-01  6.5/12 = 54.16 − 49.73 = +4.43 on_schedule
//	YR-02  55 − 66.30 = −11.30 behind
//	YR-03  km 10/20 = 50 − 49.73 = +0.27; 户 220/400 = 55 − 60 = −5: behind −5
//	YR-04  420/800 = 52.5 − 49.73 = +2.77 on_schedule
//	YR-05  0 − 49.73 = −49.73 behind (49.73 < 50: still not stalled)
//
// July (end: 213/366 = 58.20 %; YR-02 153/184 = 83.15 %; 户 60 + 40 × 31/123 = 70.08 %):
//
//	YR-01  7.5/12 = 62.5 − 58.20 = +4.30 on_schedule
//	YR-02  80 − 83.15 = −3.15 behind
//	YR-03  km 12/20 = 60 − 58.20 = +1.80; 户 290/400 = 72.5 − 70.08 = +2.42: on_schedule +1.80
//	YR-04  500/800 = 62.5 − 58.20 = +4.30 on_schedule
//	YR-05  nothing with 58.20 % due, past half: stalled −58.20
//
// November (end: 335/366 = 91.53 %):
//
//	YR-01  completed (12 of 12 km; completed on 30 Nov)
//	YR-02  completed (since 31 August)
//	YR-03  km 18/20 = 90 − 91.53 = −1.53; 户 400/400 completed: behind −1.53
//	YR-04  760/800 = 95 − 91.53 = +3.47 on_schedule
//	YR-05  stalled −91.53
//
// December (end: 100 %): YR-01…04 completed (YR-03 20 km and 400 户,
// YR-04 800 户); YR-05 stalled −100.
var yearSchedules = map[time.Month]map[string]want{
	time.February: {"YR-01": {"on_schedule", 0.27}, "YR-03": {"on_schedule", 0.22}, "YR-04": {"on_schedule", 2.36},
		"YR-05": {"behind", -16.39}},
	time.March: {"YR-01": {"on_schedule", 0.14}, "YR-02": {"behind", -1.85}, "YR-03": {"on_schedule", 0},
		"YR-04": {"ahead", 15.14}, "YR-05": {"behind", -24.86}},
	time.June: {"YR-01": {"on_schedule", 4.43}, "YR-02": {"behind", -11.30}, "YR-03": {"behind", -5},
		"YR-04": {"on_schedule", 2.77}, "YR-05": {"behind", -49.73}},
	time.July: {"YR-01": {"on_schedule", 4.30}, "YR-02": {"behind", -3.15}, "YR-03": {"on_schedule", 1.80},
		"YR-04": {"on_schedule", 4.30}, "YR-05": {"stalled", -58.20}},
	time.November: {"YR-01": {"completed", 0}, "YR-02": {"completed", 0}, "YR-03": {"behind", -1.53},
		"YR-04": {"on_schedule", 3.47}, "YR-05": {"stalled", -91.53}},
	time.December: {"YR-01": {"completed", 0}, "YR-02": {"completed", 0}, "YR-03": {"completed", 0},
		"YR-04": {"completed", 0}, "YR-05": {"stalled", -100}},
}

// The circulars' headline figures, from the schedules above and the
// period status (reports due = the projects the status lists):
//
//	        projects on  behind stalled done | due on_time late missing | orders opened closed overdue
//	Feb     4        3   1      0       0    | 4   2       1    1       | 0 0 0
//	Mar     5        2   2      0       0    | 5   4       0    1       | 0 0 0   (ahead 1: YR-04)
//	Jun     5        2   3      0       0    | 5   3       1    1       | 1 0 1 (YR-02's, deadline 20 June)
//	Jul     5        3   1      1       0    | 5   4       0    1       | 0 0 1
//	Nov     5        1   1      1       2    | 4   3       0    1       | 0 0 0 (cancelled in August)
//	Dec     5        0   0      1       4    | 3   2       0    1       | 0 0 0
var yearCircularFigures = map[time.Month]map[string]int{
	time.February: {"projects": 4, "on_schedule": 3, "behind": 1, "stalled": 0, "completed": 0, "ahead": 0, "not_started": 0,
		"reports_due": 4, "reports_on_time": 2, "reports_late": 1, "reports_missing": 1, "orders_opened": 0, "orders_closed": 0, "orders_overdue": 0},
	time.March: {"projects": 5, "on_schedule": 2, "behind": 2, "stalled": 0, "completed": 0, "ahead": 1, "not_started": 0,
		"reports_due": 5, "reports_on_time": 4, "reports_late": 0, "reports_missing": 1, "orders_opened": 0, "orders_closed": 0, "orders_overdue": 0},
	time.June: {"projects": 5, "on_schedule": 2, "behind": 3, "stalled": 0, "completed": 0, "ahead": 0, "not_started": 0,
		"reports_due": 5, "reports_on_time": 3, "reports_late": 1, "reports_missing": 1, "orders_opened": 1, "orders_closed": 0, "orders_overdue": 1},
	time.July: {"projects": 5, "on_schedule": 3, "behind": 1, "stalled": 1, "completed": 0, "ahead": 0, "not_started": 0,
		"reports_due": 5, "reports_on_time": 4, "reports_late": 0, "reports_missing": 1, "orders_opened": 0, "orders_closed": 0, "orders_overdue": 1},
	time.November: {"projects": 5, "on_schedule": 1, "behind": 1, "stalled": 1, "completed": 2, "ahead": 0, "not_started": 0,
		"reports_due": 4, "reports_on_time": 3, "reports_late": 0, "reports_missing": 1, "orders_opened": 0, "orders_closed": 0, "orders_overdue": 0},
	time.December: {"projects": 5, "on_schedule": 0, "behind": 0, "stalled": 1, "completed": 4, "ahead": 0, "not_started": 0,
		"reports_due": 3, "reports_on_time": 2, "reports_late": 0, "reports_missing": 1, "orders_opened": 0, "orders_closed": 0, "orders_overdue": 0},
}

// The unit tables, one line per unit by name: leader, projects, behind
// (code status gap, worst first), missing, late, overdue orders (count);
// then the units ahead (or done) on every project.
var yearCircularUnits = map[time.Month]string{
	time.February: "县交通运输局 王强 1 [] [] [] 0; 县教育局 张伟 1 [YR-05 behind -16.39] [YR-05] [] 0; 县水利局 李梅 2 [] [] [YR-04] 0 | ahead:",
	// March: 县水利局 is not praised: YR-04 is ahead, YR-03 only on schedule.
	time.March: "县交通运输局 王强 2 [YR-02 behind -1.85] [] [] 0; 县教育局 张伟 1 [YR-05 behind -24.86] [YR-05] [] 0; " +
		"县水利局 李梅 2 [] [] [] 0 | ahead:",
	time.June: "县交通运输局 王强 2 [YR-02 behind -11.30] [] [] 1; 县教育局 张伟 1 [YR-05 behind -49.73] [YR-05] [] 0; " +
		"县水利局 李梅 2 [YR-03 behind -5.00] [] [YR-04] 0 | ahead:",
	time.July: "县交通运输局 王强 2 [YR-02 behind -3.15] [] [] 1; 县教育局 张伟 1 [YR-05 stalled -58.20] [YR-05] [] 0; " +
		"县水利局 李梅 2 [] [] [] 0 | ahead:",
	time.November: "县交通运输局 王强 2 [] [] [] 0; 县教育局 张伟 1 [YR-05 stalled -91.53] [YR-05] [] 0; " +
		"县水利局 李梅 2 [YR-03 behind -1.53] [] [] 0 | ahead: 县交通运输局 王强 2",
	time.December: "县交通运输局 王强 2 [] [] [] 0; 县教育局 张伟 1 [YR-05 stalled -100.00] [YR-05] [] 0; " +
		"县水利局 李梅 2 [] [] [] 0 | ahead: 县交通运输局 王强 2; 县水利局 李梅 2",
}

func (y *yearWorld) checkCircular(m time.Month) {
	t := y.t
	sched, ok := yearSchedules[m]
	if !ok {
		return
	}
	// Each project's schedule status at the month's last day.
	lastDay := time.Date(2008, m+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	for code, w := range sched {
		s := y.do(http.MethodGet, "/api/v1/projects/"+y.ids[code]+"/schedule?date="+lastDay, y.office, nil, http.StatusOK)
		if s["status"] != w.status || math.Abs(s["gap_points"].(float64)-w.gap) > 0.005 && w.status != "completed" {
			t.Errorf("%s %s schedule: %v %v, want %s %.2f", code, lastDay, s["status"], s["gap_points"], w.status, w.gap)
		}
	}
	base := "/api/v1/periods/" + period(m) + "/circular"
	r := y.e.Get(base, y.office)
	apitest.Expect(t, r, http.StatusOK)
	type proj struct {
		Code, Status string
		GapPoints    float64 `json:"gap_points"`
	}
	var doc struct {
		County  string         `json:"county"`
		AsOf    string         `json:"as_of"`
		Figures map[string]int `json:"figures"`
		Units   []struct {
			Unit, Leader   string
			Projects       int
			Behind         []proj
			MissingReports []proj                    `json:"missing_reports"`
			LateReports    []proj                    `json:"late_reports"`
			OverdueOrders  []struct{ Number string } `json:"overdue_orders"`
		}
		Ahead []struct {
			Unit, Leader string
			Projects     int
		}
	}
	r.JSON(t, &doc)
	if doc.County != "青山县" || doc.AsOf != lastDay {
		t.Errorf("%s circular head: county %q, as of %s", period(m), doc.County, doc.AsOf)
	}
	var keys []string
	for k := range yearCircularFigures[m] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got, want := doc.Figures[k], yearCircularFigures[m][k]; got != want {
			t.Errorf("%s circular %s = %d, want %d", period(m), k, got, want)
		}
	}
	var units []string
	for _, u := range doc.Units {
		list := func(ps []proj, withStatus bool) string {
			var out []string
			for _, p := range ps {
				if withStatus {
					out = append(out, fmt.Sprintf("%s %s %.2f", p.Code, p.Status, p.GapPoints))
				} else {
					out = append(out, p.Code)
				}
			}
			return "[" + strings.Join(out, ", ") + "]"
		}
		units = append(units, fmt.Sprintf("%s %s %d %s %s %s %d", u.Unit, u.Leader, u.Projects, list(u.Behind, true),
			list(u.MissingReports, false), list(u.LateReports, false), len(u.OverdueOrders)))
		if len(u.OverdueOrders) == 1 && u.OverdueOrders[0].Number != y.orders[0] {
			t.Errorf("%s overdue order %s, want %s", period(m), u.OverdueOrders[0].Number, y.orders[0])
		}
	}
	var ahead []string
	for _, a := range doc.Ahead {
		ahead = append(ahead, fmt.Sprintf(" %s %s %d", a.Unit, a.Leader, a.Projects))
	}
	if got := strings.Join(units, "; ") + " | ahead:" + strings.Join(ahead, ";"); got != yearCircularUnits[m] {
		t.Errorf("%s circular units:\n got %s\nwant %s", period(m), got, yearCircularUnits[m])
	}

	// CSV: a header, the 16 figures, then one row per behind, missing,
	// late and overdue line and per unit ahead.
	r = y.e.Get(base+"?format=csv", y.office)
	apitest.Expect(t, r, http.StatusOK)
	rows := 1 + 16
	for _, u := range doc.Units {
		rows += len(u.Behind) + len(u.MissingReports) + len(u.LateReports) + len(u.OverdueOrders)
	}
	rows += len(doc.Ahead)
	wantRows := map[time.Month]int{time.February: 17 + 1 + 1 + 1, time.March: 17 + 2 + 1, time.June: 17 + 3 + 1 + 1 + 1, time.July: 17 + 2 + 1 + 1,
		time.November: 17 + 2 + 1 + 1, time.December: 17 + 1 + 1 + 2}[m]
	if n := bytes.Count(r.Body, []byte("\r\n")); n != wantRows || rows != wantRows {
		t.Errorf("%s csv: %d lines (the JSON's tables make %d), want %d", period(m), n, rows, wantRows)
	}

	if m != time.June && m != time.December {
		return
	}
	// The PDF: the county, the units with their leaders, the key figures.
	r = y.e.Get(base+"?format=pdf", y.office)
	apitest.Expect(t, r, http.StatusOK)
	text := strings.Join(strings.Fields(pdfText(t, r.Body)), " ")
	wantText := []string{"青山县重点民生实事项目督查通报", "县交通运输局（负责人：王强）", "县教育局（负责人：张伟）",
		"县水利局（负责人：李梅）", "未报月报（1） · YR-05 白水乡中心幼儿园（白水乡）"}
	if m == time.June {
		wantText = append(wantText, "2008年6月", "项目总数 5 按序时推进 2 慢序时 3 停滞（过半未动工） 0 已完工 0",
			"应报月报 5 按时报送 3 逾期报送 1 未报 1", "本月下达整改通知 1 本月整改销号 0 逾期未整改 1",
			"YR-02 青山镇邮政所（青山镇，慢序时）落后序时 11.3 个百分点", "YR-05 白水乡中心幼儿园（白水乡，慢序时）落后序时 49.7 个百分点",
			"YR-03 白水乡集中供水工程（白水乡，慢序时）落后序时 5.0 个百分点", "逾期报送月报（1） · YR-04 青山镇饮水巩固提升（青山镇）",
			y.orders[0]+" YR-02 青山镇邮政所，整改期限 2008-06-20")
	} else {
		wantText = append(wantText, "2008年12月", "项目总数 5 按序时推进 0 慢序时 0 停滞（过半未动工） 1 已完工 4",
			"应报月报 3 按时报送 2 逾期报送 0 未报 1", "YR-05 白水乡中心幼儿园（白水乡，停滞）落后序时 100.0 个百分点",
			"县交通运输局（负责人：王强），2 个项目均超序时或已完工", "县水利局（负责人：李梅），2 个项目均超序时或已完工")
	}
	for _, s := range wantText {
		if !strings.Contains(text, s) {
			t.Errorf("%s PDF lacks %q:\n%s", period(m), s, text)
		}
	}
}

// checkNotices: each unit's contractor was told once per period and kind —
// a reminder before the due day and an overdue notice after it — for the
// months their unit had a report outstanding (see month).
func (y *yearWorld) checkNotices() {
	// The office hears every unit's: reminders 12 (教育局) + 1 (交通运输局)
	// + 4 (水利局: Feb, Jun, Sep, Oct) = 17; overdue 12 + 1 + 1 = 14.
	r := y.e.Get("/api/v1/notifications?limit=200", y.office)
	apitest.Expect(y.t, r, http.StatusOK)
	office := map[string]int{}
	for _, it := range r.Map(y.t)["items"].([]any) {
		office[it.(map[string]any)["event"].(string)]++
	}
	if office["monthly.reminder"] != 17 || office["monthly.overdue"] != 14 {
		y.t.Errorf("the office's notices: %v, want 17 reminders and 14 overdue", office)
	}
	all := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}
	for unit, w := range map[string]struct{ reminder, overdue []string }{
		"县交通运输局": {[]string{"05"}, []string{"05"}},
		"县水利局":   {[]string{"02", "06", "09", "10"}, []string{"06"}},
		"县教育局":   {all, all},
	} {
		r := y.e.Get("/api/v1/notifications?limit=200", y.unit[unit])
		apitest.Expect(y.t, r, http.StatusOK)
		got := map[string][]string{}
		for _, it := range r.Map(y.t)["items"].([]any) {
			n := it.(map[string]any)
			if ev := n["event"].(string); strings.HasPrefix(ev, "monthly.") {
				got[ev] = append(got[ev], n["order_number"].(string))
				// The notice names what is outstanding.
				want := map[string]string{"县交通运输局": "青山镇邮政所", "县水利局": "青山镇饮水巩固提升",
					"县教育局": "白水乡中心幼儿园"}[unit]
				if unit == "县水利局" && n["order_number"] == "2008-10" {
					want = "白水乡集中供水工程"
				}
				if !strings.Contains(n["message"].(string), want) {
					y.t.Errorf("%s %s %s: %q does not name %s", unit, ev, n["order_number"], n["message"], want)
				}
			}
		}
		for ev, months := range map[string][]string{"monthly.reminder": w.reminder, "monthly.overdue": w.overdue} {
			var want []string
			for _, mm := range months {
				want = append(want, "2008-"+mm)
			}
			sort.Strings(got[ev])
			if strings.Join(got[ev], " ") != strings.Join(want, " ") {
				y.t.Errorf("%s %s notices for %v, want %v", unit, ev, got[ev], want)
			}
		}
	}
}
