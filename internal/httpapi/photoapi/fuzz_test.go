package photoapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// FuzzUploadMultipart throws arbitrary bodies at the multipart upload
// handler under a fixed boundary: every answer is a 2xx or a 4xx, never a
// 5xx or a panic, and nothing is read past the limit.
func FuzzUploadMultipart(f *testing.F) {
	const boundary = "fuzzboundary"
	photo, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "photos", "gps", "DSCN0010.jpg"))
	if err != nil {
		f.Fatal(err)
	}
	form := func(fields [][2]string, file []byte) []byte {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.SetBoundary(boundary)
		for _, kv := range fields {
			_ = w.WriteField(kv[0], kv[1])
		}
		if file != nil {
			fw, _ := w.CreateFormFile("file", "x.jpg")
			_, _ = fw.Write(file)
		}
		_ = w.Close()
		return b.Bytes()
	}
	f.Add(form([][2]string{{"photo_id", "0b6b2f3e-6f0a-4a7e-9a39-5b9f1c1f2d11"}, {"lat", "28.2"}, {"lon", "112.9"},
		{"taken_at", "2026-05-01T09:30:00+08:00"}}, photo[:4096]))
	f.Add(form([][2]string{{"photo_id", "not-a-uuid"}, {"lat", "NaN"}}, []byte("<html>")))
	f.Add(form(nil, nil))
	f.Add([]byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\xff\xd8\xff"))
	r := router(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/checks/check-1/photos", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		req.Header.Set("X-Test-User", "alice")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
