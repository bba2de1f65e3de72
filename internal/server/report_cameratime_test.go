package server_test

import (
	"net/http"
	"strings"
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
		rep := e.Get("/api/v1/projects/"+w.road+"/report.pdf?lang=en", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		text := strings.Join(strings.Fields(pdfText(t, rep.Body)), " ")
		if !strings.Contains(text, "2008-10-22 16:28:39 (camera clock") {
			t.Errorf("report does not give the camera's clock as such:\n%s", text)
		}
		if strings.Contains(text, "16:28:39 +00:00") {
			t.Error("report states the camera's wall clock as a UTC instant")
		}
	})
}
