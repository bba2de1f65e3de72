package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// photoRules is the access table of the photo routes. Photos follow their
// check: who sees the check sees its photos; its author and the office
// attach them.
func photoRules() map[string]rule {
	attachers := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleVolunteer}
	return map[string]rule{
		"POST /api/v1/checks/:id/photos": {roles: attachers, scoped: true, req: func(f *fixture, projectID string) apitest.Request {
			c := f.fileCheck(projectID)
			b, ct := photoForm(f, uuid.NewString())
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + c.ID + "/photos", Body: b, Content: ct}
		}},
		"PUT /api/v1/checks/:id/photos/:photo_id": {roles: attachers, scoped: true, req: func(f *fixture, projectID string) apitest.Request {
			c := f.fileCheck(projectID)
			return apitest.Request{Method: http.MethodPut, Path: "/api/v1/checks/" + c.ID + "/photos/" + uuid.NewString(),
				Body: testPhoto(f), Content: "image/jpeg"}
		}},
		"GET /api/v1/checks/:id/photos":   {roles: all, scoped: true, req: onCheck(http.MethodGet, "/api/v1/checks/:id/photos")},
		"GET /api/v1/photos/:id":          {roles: all, scoped: true, req: onPhoto("/api/v1/photos/:id")},
		"GET /api/v1/photos/:id/:variant": {roles: all, scoped: true, req: onPhoto("/api/v1/photos/:id/original")},
		"POST /api/v1/photos/:id/flag-decision": {roles: officeOnly, scoped: true, req: func(f *fixture, projectID string) apitest.Request {
			r := onPhoto("/api/v1/photos/:id/flag-decision")(f, projectID)
			r.Method, r.Body = http.MethodPost, map[string]any{"decision": "rejected", "reason": "taken elsewhere"}
			return r
		}},
	}
}

// testPhoto is a small real phone photo.
func testPhoto(f *fixture) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "gps", "DSCN0010.jpg"))
	if err != nil {
		f.e.T.Fatal(err)
	}
	return b
}

func photoForm(f *fixture, photoID string) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("photo_id", photoID)
	fw, _ := w.CreateFormFile("file", "x.jpg")
	_, _ = fw.Write(testPhoto(f))
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// onPhoto builds a request on a fresh photo of a fresh check of the project.
func onPhoto(path string) func(*fixture, string) apitest.Request {
	return func(f *fixture, projectID string) apitest.Request {
		c := f.fileCheck(projectID)
		author := f.users[auth.RoleOffice]
		if c.AuthorRole == auth.RoleVolunteer {
			author = f.users[auth.RoleVolunteer]
		}
		ph, _, err := f.e.Server.Photos.Upload(context.Background(), author.Principal(),
			photos.UploadInput{ParentID: c.ID, PhotoID: uuid.NewString(), Body: bytes.NewReader(testPhoto(f))})
		if err != nil {
			f.e.T.Fatal(err)
		}
		return apitest.Request{Method: http.MethodGet, Path: strings.ReplaceAll(path, ":id", ph.ID)}
	}
}
