package server_test

import (
	"bytes"
	"net/http"
	"os/exec"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// The evidence report prints a camera time without offset as the camera's
// clock, not as "+00:00": DSCN0010 recorded 2008:10:22 16:28:39 and no
// OffsetTimeOriginal.
func TestReportCameraTimeWithoutOffset(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, vol, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0010.jpg")), http.StatusCreated)
		renderPending(t, e)
		rep := e.Get("/api/v1/projects/"+w.road+"/report.pdf", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		text := pdfText(t, rep.Body)
		if !bytes.Contains(text, []byte("2008-10-22 16:28:39 (camera clock")) {
			t.Errorf("report does not give the camera's clock as such:\n%s", text)
		}
		if bytes.Contains(text, []byte("16:28:39 +00:00")) {
			t.Error("report states the camera's wall clock as a UTC instant")
		}
	})
}

// pdfText is the PDF's text by pdftotext (poppler-utils) when installed;
// otherwise the raw bytes, in which uncompressed core-font text is plain.
func pdfText(t *testing.T, pdf []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed; searching the raw PDF")
		return pdf
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return bytes.Join(bytes.Fields(out), []byte(" "))
}
