package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// directRules is the access table of the direct-upload routes. Starting
// and completing one are attaching a photo, so they follow the multipart
// upload's rule; the PUT target is public because its signed URL is the
// proof.
func directRules() map[string]rule {
	attachers := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleVolunteer}
	return map[string]rule{
		"POST /api/v1/checks/:id/photos/uploads": {roles: attachers, scoped: true, req: func(f *fixture, projectID string) apitest.Request {
			c := f.fileCheck(projectID)
			return apitest.Request{Method: http.MethodPost, Path: "/api/v1/checks/" + c.ID + "/photos/uploads",
				Body: declaration(testPhoto(f), uuid.NewString())}
		}},
		// The check's author opened the session, so among the attachers
		// only the author gets past "not yours" (404 upload_not_found,
		// which the policy let through); nothing was PUT, so the author
		// gets 422 upload_missing.
		"POST /api/v1/checks/:id/photos/uploads/:upload_id/complete": {roles: attachers, scoped: true,
			req: func(f *fixture, projectID string) apitest.Request {
				c := f.fileCheck(projectID)
				author := f.users[auth.RoleOffice]
				if c.AuthorRole == auth.RoleVolunteer {
					author = f.users[auth.RoleVolunteer]
				}
				data := testPhoto(f)
				t, _, err := f.e.Server.Photos.CreateUpload(context.Background(), author.Principal(), photos.UploadRequest{
					ParentID: c.ID, PhotoID: uuid.NewString(), SizeBytes: int64(len(data)), SHA256: sha(data)})
				if err != nil {
					f.e.T.Fatal(err)
				}
				return apitest.Request{Method: http.MethodPost,
					Path: "/api/v1/checks/" + c.ID + "/photos/uploads/" + t.Upload.ID + "/complete"}
			}},
		"PUT /api/v1/uploads/:token": {public: true, req: func(*fixture, string) apitest.Request {
			return apitest.Request{Method: http.MethodPut, Path: "/api/v1/uploads/not-a-token", Body: []byte("x"),
				Content: "application/octet-stream"}
		}},
	}
}

// declaration is the create-upload body for data.
func declaration(data []byte, photoID string) map[string]any {
	return map[string]any{"photo_id": photoID, "size_bytes": len(data), "sha256": sha(data), "content_type": "image/jpeg"}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
