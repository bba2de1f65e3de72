package photoapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func put(r http.Handler, path string, body io.Reader, ctype string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPut, path, body)
	req.Header.Set("X-Test-User", "alice")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func problemCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var p struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("not a problem+json: %s %s", rec.Header().Get("Content-Type"), rec.Body)
	}
	return p.Code
}

func TestRawPut(t *testing.T) {
	r := router(t)
	data, err := os.ReadFile("../../../testdata/photos/gps/DSCN0010.jpg")
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile("../../../testdata/photos/gps/DSCN0021.jpg")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	path := "/api/v1/checks/check-1/photos/" + id
	rec := put(r, path+"?lat=43.4674&lon=11.8851&taken_at=2008-10-22T16:30:00%2B02:00", bytes.NewReader(data), "image/jpeg")
	if rec.Code != http.StatusCreated {
		t.Fatalf("put201: %d %s", rec.Code, rec.Body)
	}
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if got["id"] != id || got["size_bytes"] != float64(len(data)) || got["phone"].(map[string]any)["lat"] != 43.4674 {
		t.Errorf("body %v", got)
	}
	if rec := put(r, path, bytes.NewReader(data), "image/jpeg"); rec.Code != http.StatusOK {
		t.Errorf("replay200: %d %s", rec.Code, rec.Body)
	}
	// The multipart route answers a replay of the same photo the same way.
	body, ct := multipartBody(t, id, data)
	if rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", body, ct); rec.Code != http.StatusOK {
		t.Errorf("multipart replay200: %d %s", rec.Code, rec.Body)
	}
	if rec := put(r, path, bytes.NewReader(other), "image/jpeg"); rec.Code != http.StatusConflict || problemCode(t, rec) != "photo_exists" {
		t.Errorf("conflict409: %d %s", rec.Code, rec.Body)
	}
	rec = do(r, "GET", "/api/v1/photos/"+id+"/original", "alice", nil, "")
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), data) {
		t.Errorf("original: %d, %d bytes", rec.Code, rec.Body.Len())
	}

	fresh := func() string { return "/api/v1/checks/check-1/photos/" + uuid.NewString() }
	// A body of unknown length (chunked): httptest keeps ContentLength -1
	// for a reader it cannot measure.
	if rec := put(r, fresh(), io.MultiReader(bytes.NewReader(data)), "image/jpeg"); rec.Code != http.StatusLengthRequired ||
		problemCode(t, rec) != "length_required" {
		t.Errorf("chunked411: %d %s", rec.Code, rec.Body)
	}
	if rec := put(r, fresh(), bytes.NewReader(data), "text/plain"); rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text415: %d %s", rec.Code, rec.Body)
	}
	if rec := put(r, fresh(), strings.NewReader("<html><body>not a photo</body></html>"), "image/jpeg"); rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("html415: %d %s", rec.Code, rec.Body)
	}
	big := append(append([]byte{}, data...), make([]byte, 2<<20)...)
	counted := &countingBody{r: bytes.NewReader(big)}
	req := httptest.NewRequest(http.MethodPut, fresh(), counted)
	req.ContentLength = int64(len(big))
	req.Header.Set("X-Test-User", "alice")
	req.Header.Set("Content-Type", "image/jpeg")
	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || counted.n != 0 {
		t.Errorf("big413: %d, %d bytes read: %s", rec.Code, counted.n, rec.Body)
	}
	if rec := put(r, fresh()+"?lat=95", bytes.NewReader(data), "image/jpeg"); rec.Code != http.StatusBadRequest {
		t.Errorf("lat400: %d %s", rec.Code, rec.Body)
	}
	if rec := put(r, "/api/v1/checks/check-1/photos/not-a-uuid", bytes.NewReader(data), "image/jpeg"); rec.Code != http.StatusBadRequest {
		t.Errorf("id400: %d %s", rec.Code, rec.Body)
	}
	if rec := put(r, fresh(), bytes.NewReader(data[:len(data)/2]), "image/jpeg"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("truncated422: %d %s", rec.Code, rec.Body)
	}
}

type countingBody struct {
	r io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func sizedMultipart(t *testing.T, id, size string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("photo_id", id)
	_ = w.WriteField("size", size)
	fw, _ := w.CreateFormFile("file", "x.jpg")
	_, _ = fw.Write(file)
	_ = w.Close()
	return &b, w.FormDataContentType()
}

// The multipart size field streams the file; a wrong one is refused.
func TestMultipartSizeField(t *testing.T) {
	r := router(t)
	data, err := os.ReadFile("../../../testdata/photos/gps/DSCN0010.jpg")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		size string
		want int
		code string
	}{
		{strconv.Itoa(len(data)), http.StatusCreated, ""},
		{strconv.Itoa(len(data) - 1), http.StatusUnprocessableEntity, "size_mismatch"},
		{strconv.Itoa(len(data) + 1), http.StatusUnprocessableEntity, "size_mismatch"},
		{strconv.Itoa(2 << 20), http.StatusRequestEntityTooLarge, "file_too_large"},
		{"-4", http.StatusBadRequest, "validation_failed"},
	}
	for _, c := range cases {
		body, ct := sizedMultipart(t, uuid.NewString(), c.size, data)
		rec := do(r, "POST", "/api/v1/checks/check-1/photos", "alice", body, ct)
		if rec.Code != c.want {
			t.Errorf("size %s: %d %s, want %d", c.size, rec.Code, rec.Body, c.want)
			continue
		}
		if c.code != "" {
			if got := problemCode(t, rec); got != c.code {
				t.Errorf("size %s: code %s, want %s", c.size, got, c.code)
			}
		}
	}
}
