package server_test

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/testenv"
)

// pdfText is a PDF's text as a reader's tool extracts it (pdftotext from
// poppler-utils): what a person searching or copying the report gets,
// whatever the PDF's internal encoding.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testenv.Tool(t, "pdftotext")
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}

// pdfHas reports whether s is written in the PDF's uncompressed content,
// either as plain bytes (the core Courier of hashes) or as the UTF-16BE
// string fpdf writes for its UTF-8 fonts, with PDF string escapes. It
// needs no tool, so the ID checks of every report test always run.
func pdfHas(pdf []byte, s string) bool {
	if bytes.Contains(pdf, []byte(s)) {
		return true
	}
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '(' || c == ')' || c == '\\' {
				b = append(b, '\\')
			} else if c == '\r' {
				b, c = append(b, '\\'), 'r'
			}
			b = append(b, c)
		}
	}
	return bytes.Contains(pdf, b)
}

// A project's and an order's reports speak Chinese with no configuration:
// the embedded font shows the project's Chinese name, township and unit,
// labels come from the catalog, times are the county's (+08:00); English
// is given on request, and the embedded font is subset, so a report stays
// small.
func TestReportsSpeakChineseByDefault(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		const name, township, unit, contractor = "上坝村通村公路", "青山乡", "县交通运输局", "恒达路桥有限公司"
		w := newCheckWorld(t, e)
		admin := w.users[auth.RoleAdmin].Principal()
		proj, err := e.Server.Projects.Create(context.Background(), admin, projects.NewProject{
			Code: "2026-RD-101", Name: name, Category: projects.CatRoad, Township: township, Unit: unit,
			Contractor: projects.Contractor{Name: contractor},
			Route:      &projects.GeoLine{Type: "LineString", Coordinates: roadRoute}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Server.Projects.Assign(context.Background(), admin, proj.ID,
			projects.NewAssignment{UserID: w.users[auth.RoleInspector].ID}); err != nil {
			t.Fatal(err)
		}
		insp := w.tok[auth.RoleInspector]
		b := w.check(proj.ID)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", insp, b), http.StatusCreated)
		r := uploadPhoto(t, e, insp, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0010.jpg"))
		apitest.Expect(t, r, http.StatusCreated)
		sha := r.Map(t)["sha256"].(string)
		renderPending(t, e)
		office := w.tok[auth.RoleOffice]

		rep := e.Get("/api/v1/projects/"+proj.ID+"/report.pdf", office)
		apitest.Expect(t, rep, http.StatusOK)
		if rep.Header.Get("Content-Language") != "zh-CN" {
			t.Errorf("Content-Language %q", rep.Header.Get("Content-Language"))
		}
		t.Logf("project report with one photo: %d bytes", len(rep.Body))
		// The embedded font is 4 MB; a report carrying it whole would be
		// larger still. Subset, it is tens of kilobytes.
		if len(rep.Body) > 300<<10 {
			t.Errorf("report is %d bytes: the font is not subset", len(rep.Body))
		}
		// Checked without a tool first, so this much runs wherever the test does.
		if !pdfHas(rep.Body, sha) || !pdfHas(rep.Body, name) || !pdfHas(rep.Body, photoID) {
			t.Error("the report's raw content lacks the hash, the name or the photo id")
		}
		txt := pdfText(t, rep.Body)
		for _, want := range []string{name, township, unit, contractor, "证据报告", "类别", "农村公路", "责任单位",
			"Asia/Shanghai", "+08:00", "2026-RD-101", photoID, b["id"].(string)} {
			if !strings.Contains(txt, want) {
				t.Errorf("Chinese project report lacks %q:\n%s", want, txt)
			}
		}
		for _, english := range []string{"Evidence report", "Category", "Printed"} {
			if strings.Contains(txt, english) {
				t.Errorf("Chinese project report has the English label %q", english)
			}
		}

		// English on request: ?lang=en, or Accept-Language; names stay as entered.
		en := e.Get("/api/v1/projects/"+proj.ID+"/report.pdf?lang=en", office)
		apitest.Expect(t, en, http.StatusOK)
		al := e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/projects/" + proj.ID + "/report.pdf", Token: office,
			Header: map[string]string{"Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.5"}})
		apitest.Expect(t, al, http.StatusOK)
		for _, rr := range []apitest.Response{en, al} {
			if rr.Header.Get("Content-Language") != "en" {
				t.Errorf("Content-Language %q", rr.Header.Get("Content-Language"))
			}
			txt := pdfText(t, rr.Body)
			for _, want := range []string{"Evidence report: 2026-RD-101 " + name, "Category", "road", township, unit, "Asia/Shanghai"} {
				if !strings.Contains(txt, want) {
					t.Errorf("English project report lacks %q:\n%s", want, txt)
				}
			}
		}

		// A language the catalog lacks is the default, not an error.
		fr := e.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/projects/" + proj.ID + "/report.pdf?lang=fr", Token: office,
			Header: map[string]string{"Accept-Language": "fr-FR, zh-TW;q=0.5"}})
		apitest.Expect(t, fr, http.StatusOK)
		if fr.Header.Get("Content-Language") != "zh-CN" {
			t.Errorf("?lang=fr: Content-Language %q", fr.Header.Get("Content-Language"))
		}

		// The order report names the project, its township and its unit.
		o := e.Post("/api/v1/orders", office, map[string]any{"project_id": proj.ID, "defect": "K0+200 处路面接缝未切割",
			"severity": "major", "required_action": "按板厚四分之一切缝"})
		apitest.Expect(t, o, http.StatusCreated)
		om := o.Map(t)
		orep := e.Get("/api/v1/orders/"+om["id"].(string)+"/report.pdf", office)
		apitest.Expect(t, orep, http.StatusOK)
		otxt := pdfText(t, orep.Body)
		for _, want := range []string{"整改通知 " + om["number"].(string), name, township, unit, "路面接缝未切割", "较重",
			"整改前：问题", "+08:00"} {
			if !strings.Contains(otxt, want) {
				t.Errorf("Chinese order report lacks %q:\n%s", want, otxt)
			}
		}
		oen := pdfText(t, e.Get("/api/v1/orders/"+om["id"].(string)+"/report.pdf?lang=en", office).Body)
		for _, want := range []string{"Rectification order " + om["number"].(string), name, township, unit, "major", "Before: the defect"} {
			if !strings.Contains(oen, want) {
				t.Errorf("English order report lacks %q:\n%s", want, oen)
			}
		}
	})
}

// Report times follow FIELDPROOF_TZ: the check filed at 09:00 China time
// prints as 07:00 in Urumqi's zone (+06:00), and so does every other time.
func TestReportTimesInTheCountyZone(t *testing.T) {
	urumqi, err := time.LoadLocation("Asia/Urumqi")
	if err != nil {
		t.Fatal(err)
	}
	apitest.EachBackend(t, func(c *config.Config) { c.Zone = urumqi }, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		b := w.check(w.road)
		at := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
		b["captured_at"] = at.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)
		apitest.Expect(t, e.Post("/api/v1/checks", w.tok[auth.RoleVolunteer], b), http.StatusCreated)
		rep := e.Get("/api/v1/projects/"+w.road+"/report.pdf", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		txt := pdfText(t, rep.Body)
		for _, want := range []string{"Asia/Urumqi", "UTC+06:00", at.In(urumqi).Format("2006-01-02 15:04 -07:00")} {
			if !strings.Contains(txt, want) {
				t.Errorf("report lacks %q:\n%s", want, txt)
			}
		}
		if strings.Contains(txt, "+08:00") || strings.Contains(txt, "Asia/Shanghai") {
			t.Errorf("report still in China time:\n%s", txt)
		}
	})
}
