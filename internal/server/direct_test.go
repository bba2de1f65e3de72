package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

type directUpload struct {
	UploadID  string            `json:"upload_id"`
	PhotoID   string            `json:"photo_id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// sendDirect PUTs body to an upload URL with no bearer token, as a phone
// would: a presigned MinIO URL over the network, fieldproof's own URL
// through the router (where its contract is checked too).
func sendDirect(t *testing.T, e *apitest.Env, up directUpload, body []byte) int {
	t.Helper()
	u, err := url.Parse(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	// httptest requests reach the router as example.com, so that is the
	// origin fieldproof names in its own URLs.
	if u.Host == "example.com" {
		return e.Do(apitest.Request{Method: up.Method, Path: u.EscapedPath(), Body: body, Header: up.Headers}).Status
	}
	req, err := http.NewRequestWithContext(t.Context(), up.Method, up.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range up.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestDirectUploadThroughTheAPI(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
		checkID := b["id"].(string)
		uploads := "/api/v1/checks/" + checkID + "/photos/uploads"
		data := readPhoto(t, "gps/DSCN0010.jpg")

		big := declaration(data, photoID)
		big["size_bytes"] = e.Config.Photos.MaxUploadBytes + 1
		apitest.Expect(t, e.Post(uploads, tok, big), http.StatusRequestEntityTooLarge)
		// The inspector may see the check but attaches nothing to it.
		apitest.Expect(t, e.Post(uploads, w.tok[auth.RoleInspector], declaration(data, photoID)), http.StatusForbidden)

		r := e.Post(uploads, tok, declaration(data, photoID))
		apitest.Expect(t, r, http.StatusCreated)
		var up directUpload
		r.JSON(t, &up)
		if up.Method != http.MethodPut || up.PhotoID != photoID || time.Until(up.ExpiresAt) <= 0 {
			t.Errorf("upload %+v", up)
		}
		if wantLocal := e.Backend == "embedded"; wantLocal != (bytes.HasPrefix([]byte(up.URL), []byte("http://example.com/api/v1/uploads/"))) {
			t.Errorf("%s backend issued %s", e.Backend, up.URL)
		}
		if code := sendDirect(t, e, up, data); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		if st := e.Get("/api/v1/checks/"+checkID, tok).Map(t)["status"]; st != "incomplete" {
			t.Errorf("check %v before completion, want incomplete", st)
		}
		complete := uploads + "/" + up.UploadID + "/complete"
		r = e.Post(complete, tok, nil)
		apitest.Expect(t, r, http.StatusCreated)
		if got := r.Map(t); got["id"] != photoID || got["size_bytes"] != float64(len(data)) {
			t.Errorf("photo %v", got)
		}
		r = e.Post(complete, tok, nil)
		apitest.Expect(t, r, http.StatusOK)
		if got := r.Map(t)["id"]; got != photoID {
			t.Errorf("second completion answered %v", got)
		}
		if st := e.Get("/api/v1/checks/"+checkID, tok).Map(t)["status"]; st != "complete" {
			t.Errorf("check %v after completion, want complete", st)
		}
		// Declaring it again: the photo is there, nothing to upload.
		apitest.Expect(t, e.Post(uploads, tok, declaration(data, photoID)), http.StatusOK)
		// Another user may not complete the volunteer's upload.
		apitest.Expect(t, e.Post(complete, w.tok[auth.RoleOffice], nil), http.StatusNotFound)

		// Bytes that are not what was declared: refused by fieldproof's own
		// URL at once, by completion after a presigned PUT; either way 422
		// and nothing is left.
		forged := append([]byte{}, data...)
		forged[len(forged)/2] ^= 0xff
		r = e.Post(uploads, tok, declaration(data, uuid.NewString()))
		apitest.Expect(t, r, http.StatusCreated)
		r.JSON(t, &up)
		switch code := sendDirect(t, e, up, forged); code {
		case http.StatusOK, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("PUT of forged bytes: %d", code)
		}
		r = e.Post(uploads+"/"+up.UploadID+"/complete", tok, nil)
		apitest.Expect(t, r, http.StatusUnprocessableEntity)
		apitest.Expect(t, e.Get("/api/v1/photos/"+up.PhotoID, tok), http.StatusNotFound)

		// Not an image at all: 415, as for a multipart upload.
		html := []byte("<!DOCTYPE html><html><body>not a photo</body></html>")
		r = e.Post(uploads, tok, map[string]any{"photo_id": uuid.NewString(), "size_bytes": len(html), "sha256": sha(html)})
		apitest.Expect(t, r, http.StatusCreated)
		r.JSON(t, &up)
		if code := sendDirect(t, e, up, html); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		apitest.Expect(t, e.Post(uploads+"/"+up.UploadID+"/complete", tok, nil), http.StatusUnsupportedMediaType)

		// fieldproof's own URL refuses a tampered token without asking
		// who is calling.
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPut, Path: "/api/v1/uploads/" + uuid.NewString() + ".1.AAAA",
			Body: data, Content: "image/jpeg"}), http.StatusForbidden)
	})
}
