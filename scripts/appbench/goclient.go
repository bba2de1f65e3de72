package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// goDrain is photobench -mode drain's loop run against base (here the
// app's proxy), so the proxy hop's share of the app's figure shows: n
// checks, each then its photo, one request at a time.
func goDrain(base string, o opts, n int) (time.Duration, error) {
	data, err := os.ReadFile(o.photo)
	if err != nil {
		return 0, err
	}
	c := &http.Client{Timeout: 5 * time.Minute}
	call := func(method, path, ctype, token string, body []byte, out any) error {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	login, _ := json.Marshal(map[string]string{"username": o.office, "password": o.officePass})
	if err := call(http.MethodPost, "/api/v1/auth/login", "application/json", "", login, &tok); err != nil {
		return 0, err
	}
	var page struct {
		Items []struct {
			ID       string `json:"id"`
			Location *struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"location"`
		} `json:"items"`
	}
	if err := call(http.MethodGet, "/api/v1/projects?limit=1", "", tok.AccessToken, nil, &page); err != nil {
		return 0, err
	}
	if len(page.Items) == 0 || page.Items[0].Location == nil {
		return 0, fmt.Errorf("no project with a location")
	}
	p := page.Items[0]
	start := time.Now()
	for i := 0; i < n; i++ {
		id := uuid4()
		body, _ := json.Marshal(map[string]any{"id": id, "project_id": p.ID, "type": "progress", "template_version": 1,
			"answers": map[string]any{"percent_complete": 40}, "notes": "appbench go client",
			"location":    map[string]any{"lat": p.Location.Lat, "lon": p.Location.Lon, "accuracy_m": 8},
			"captured_at": time.Now().Add(-time.Minute).Format(time.RFC3339)})
		if err := call(http.MethodPost, "/api/v1/checks", "application/json", tok.AccessToken, body, nil); err != nil {
			return 0, err
		}
		// The photo as a raw PUT, as the app sends it.
		if err := call(http.MethodPut, "/api/v1/checks/"+id+"/photos/"+uuid4(), "image/jpeg", tok.AccessToken, data, nil); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
