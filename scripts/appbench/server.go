package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// arrived asks the server, as the office, how many of the checks with
// notes marker it holds and how many photos they carry.
func arrived(o opts, marker string) (checks, photos int, err error) {
	c := &http.Client{Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"username": o.office, "password": o.officePass})
	resp, err := c.Post(o.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return 0, 0, fmt.Errorf("office sign in: %d %v", resp.StatusCode, err)
	}
	cursor := ""
	for {
		req, _ := http.NewRequest(http.MethodGet, o.base+"/api/v1/checks?limit=100"+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := c.Do(req)
		if err != nil {
			return 0, 0, err
		}
		var page struct {
			Items []struct {
				Notes    string   `json:"notes"`
				PhotoIDs []string `json:"photo_ids"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("list checks: %d %v", resp.StatusCode, err)
		}
		for _, it := range page.Items {
			if it.Notes == marker {
				checks++
				photos += len(it.PhotoIDs)
			}
		}
		if page.NextCursor == "" || checks >= o.checks {
			return checks, photos, nil
		}
		cursor = "&cursor=" + page.NextCursor
	}
}
