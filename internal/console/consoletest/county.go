package consoletest

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// County is a small Chinese county for console tests, made through the
// services and the API like real data: one of each role, a village road
// (with its route) of 青山乡人民政府 with its inspector and volunteer
// assigned, a project of another unit, a project whose name is a script
// (every page must print it as text), and a safety check on the road that
// failed two items, with a photo taken far from the site (so it is
// flagged for review).
type County struct {
	Env *apitest.Env
	// Tokens are API access tokens by username.
	Tokens map[string]string
	Users  map[string]auth.User
	// Road is 上坝村通村公路's id; Other the other unit's project; Hostile
	// the project named <script>alert(1)</script>.
	Road, Other, Hostile string
	// Check is the failed safety check; Photo its photo's id.
	Check, Photo string
}

// The county's usernames; every password is apitest.Password.
const (
	Office      = "office1"
	Inspector   = "inspector1"
	Volunteer   = "volunteer1"
	Contractor  = "contractor1"
	Contractor2 = "contractor2"
	Admin       = "admin1"
	RoadUnit    = "青山乡人民政府"
	OtherUnit   = "县水利局"
	HostileName = "<script>alert(1)</script>"
)

// Seed builds the county and starts the server's background workers (the
// photo renditions the pages show), stopped when the test ends.
func Seed(t testing.TB, e *apitest.Env) *County {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := e.Server.Background(ctx)
	t.Cleanup(func() { cancel(); <-done })

	c := &County{Env: e, Tokens: map[string]string{}, Users: map[string]auth.User{}}
	for _, u := range []struct {
		name        string
		role        auth.Role
		unit, badge string
	}{
		{Admin, auth.RoleAdmin, "", ""},
		{Office, auth.RoleOffice, "", ""},
		{Inspector, auth.RoleInspector, "县交通运输局", ""},
		{Volunteer, auth.RoleVolunteer, "", "JT-2026-0417"},
		{Contractor, auth.RoleContractor, RoadUnit, ""},
		{Contractor2, auth.RoleContractor, OtherUnit, ""},
	} {
		c.Users[u.name] = e.CreateUser(u.name, u.role, u.unit, u.badge)
		c.Tokens[u.name] = e.Login(u.name)
	}
	admin := c.Users[Admin].Principal()
	mk := func(code, name, township, unit string, np projects.NewProject) string {
		np.Code, np.Name, np.Township, np.Unit = code, name, township, unit
		if np.Category == "" {
			np.Category = projects.CatRoad
		}
		np.Status, np.PlannedStart, np.PlannedEnd = projects.StatusUnderConstruction, "2026-03-01", "2026-10-31"
		p, err := e.Server.Projects.Create(ctx, admin, np)
		if err != nil {
			t.Fatalf("project %s: %v", name, err)
		}
		return p.ID
	}
	c.Road = mk("2026-RD-001", "上坝村通村公路", "青山乡", RoadUnit, projects.NewProject{
		Route: &projects.GeoLine{Type: "LineString", Coordinates: [][]float64{
			{112.9684, 28.2012}, {112.9731, 28.2049}, {112.9802, 28.2061}, {112.9866, 28.2110}}}})
	c.Other = mk("2026-WS-001", "河塘镇农村饮水安全巩固提升工程", "河塘镇", OtherUnit, projects.NewProject{
		Category: projects.CatDrinkingWater, Location: &projects.Point{Lat: 28.2401, Lon: 113.0102}})
	c.Hostile = mk("2026-RD-666", HostileName, "青山乡", RoadUnit, projects.NewProject{
		Location: &projects.Point{Lat: 28.19, Lon: 112.96}})
	for _, u := range []string{Inspector, Volunteer} {
		if _, _, err := e.Server.Projects.Assign(ctx, admin, c.Road, projects.NewAssignment{UserID: c.Users[u].ID}); err != nil {
			t.Fatal(err)
		}
	}
	c.Check, c.Photo = c.FileFailedSafetyCheck(t, Inspector, c.Road)
	return c
}

// FileFailedSafetyCheck files, as user, a safety check on project that
// failed "fenced" and "protective_gear", with one photo (a real JPEG whose
// GPS is in Italy, so the check is flagged), and returns the check's and
// the photo's ids.
func (c *County) FileFailedSafetyCheck(t testing.TB, user, project string) (checkID, photoID string) {
	t.Helper()
	checkID, photoID = uuid.NewString(), uuid.NewString()
	body := map[string]any{"id": checkID, "project_id": project, "type": "safety", "template_version": 1,
		"answers": map[string]any{"fenced": false, "warning_signs": true, "protective_gear": false, "safe_storage": true,
			"night_lighting": true},
		"notes":       "基坑未设围挡，两名工人未戴安全帽。",
		"location":    map[string]any{"lat": 28.2049, "lon": 112.9731, "accuracy_m": 6},
		"captured_at": time.Now().Add(-2 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339),
		"photo_ids":   []string{photoID}}
	apitest.Expect(t, c.Env.Post("/api/v1/checks", c.Tokens[user], body), http.StatusCreated)
	r := c.UploadCheckPhoto(t, user, checkID, photoID, Photo(t, "gps/DSCN0010.jpg"))
	apitest.Expect(t, r, http.StatusCreated)
	return checkID, photoID
}

// UploadCheckPhoto uploads data as photoID of a check.
func (c *County) UploadCheckPhoto(t testing.TB, user, checkID, photoID string, data []byte) apitest.Response {
	t.Helper()
	return c.upload(t, user, "/api/v1/checks/"+checkID+"/photos", photoID, data)
}

// UploadResponsePhoto uploads data as photoID of an order's response.
func (c *County) UploadResponsePhoto(t testing.TB, user, orderID, responseID, photoID string, data []byte) apitest.Response {
	t.Helper()
	return c.upload(t, user, "/api/v1/orders/"+orderID+"/responses/"+responseID+"/photos", photoID, data)
}

func (c *County) upload(t testing.TB, user, path, photoID string, data []byte) apitest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("photo_id", photoID)
	fw, _ := mw.CreateFormFile("file", "IMG_0001.jpg")
	_, _ = fw.Write(data)
	_ = mw.Close()
	return c.Env.Do(apitest.Request{Method: http.MethodPost, Path: path, Token: c.Tokens[user], Body: b.Bytes(),
		Content: mw.FormDataContentType()})
}

// Photo reads a photo from the repository's testdata/photos.
func Photo(t testing.TB, name string) []byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// AnswerOrder is the road's contractor acknowledging an order and
// answering it with one photo, on their phone (the API); it returns the
// response photo's id.
func (c *County) AnswerOrder(t testing.TB, orderID string) string {
	t.Helper()
	tok := c.Tokens[Contractor]
	apitest.Expect(t, c.Env.Post("/api/v1/orders/"+orderID+"/acknowledge", tok, nil), http.StatusOK)
	photo := uuid.NewString()
	r := c.Env.Post("/api/v1/orders/"+orderID+"/responses", tok, map[string]any{
		"text": "已设置连续围挡，工人均已佩戴安全帽。", "photo_ids": []string{photo}, "captured_at": cst(time.Now())})
	apitest.Expect(t, r, http.StatusCreated)
	rid := r.Map(t)["responses"].([]any)[0].(map[string]any)["id"].(string)
	apitest.Expect(t, c.UploadResponsePhoto(t, Contractor, orderID, rid, photo, Photo(t, "orientation/landscape_1.jpg")),
		http.StatusCreated)
	return photo
}

// FileReinspection is the inspector's on-site verification check on the
// road, announcing one photo that is not uploaded yet (UploadCheckPhoto
// sends it); it returns the check's and the photo's ids.
func (c *County) FileReinspection(t testing.TB) (checkID, photoID string) {
	t.Helper()
	checkID, photoID = uuid.NewString(), uuid.NewString()
	apitest.Expect(t, c.Env.Post("/api/v1/checks", c.Tokens[Inspector], map[string]any{
		"id": checkID, "project_id": c.Road, "type": "verification", "template_version": 1,
		"answers":  map[string]any{"defect_fixed": true, "fixed_photo": []string{photoID}},
		"notes":    "围挡已连续设置，安全帽已佩戴。",
		"location": map[string]any{"lat": 28.2049, "lon": 112.9731, "accuracy_m": 5}, "captured_at": cst(time.Now().Add(time.Second)),
	}), http.StatusCreated)
	return checkID, photoID
}

func cst(t time.Time) string { return t.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339Nano) }
