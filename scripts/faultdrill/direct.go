package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// The ops a direct upload records, one per step. Only the completion
// counts as an upload in a Load (it is what acknowledges the photo).
const (
	opDirectStart    = "direct: start"
	opDirectPut      = "direct: PUT"
	opDirectComplete = "upload (direct): complete"
)

// recorder is told of every attempt of every step: op, attempt number, the
// answer, and the bytes sent.
type recorder func(op string, attempt int, r result, sent int)

// directUpload sends one photo of a check the direct way, as a phone on a
// bad network does: declare it (startCheckPhotoUpload), PUT the bytes to
// the presigned URL, complete (completeCheckPhotoUpload). Each step is
// retried like any request (untilAccepted: 5xx, 429, no answer), with the
// same photo UUID and declaration, so a PUT that failed because the store
// was down is simply sent again and a completion is repeated until it
// answers. When the session itself cannot go on (the URL expired: 403;
// the session is gone: 404; nothing staged or too late: 422) the phone
// declares again, at most three times; those answers are recorded, so a
// drill that sees them reports them. The result is the answer that
// acknowledged the photo: the completion's 201/200, or the declaration's
// 200 when the photo was already stored.
func directUpload(ctx context.Context, a *api, checkID, photoID string, data []byte, rate int, rec recorder) (result, error) {
	sum := sha256.Sum256(data)
	decl := mustJSON(map[string]any{"photo_id": photoID, "size_bytes": len(data), "sha256": hex.EncodeToString(sum[:]),
		"content_type": "image/jpeg"})
	base := "/api/v1/checks/" + checkID + "/photos/uploads"
	step := func(op string, n int, send func() result) (result, error) {
		return untilAccepted(ctx, func(attempt int) result {
			r := send()
			rec(op, attempt, r, n)
			return r
		})
	}
	var last result
	var lastErr error
	for range 3 {
		r, err := step(opDirectStart, len(decl), func() result {
			return a.doKey(ctx, http.MethodPost, base, "application/json", decl, 0, "")
		})
		if err != nil || r.status == http.StatusOK {
			return r, err // an error, or the photo is already stored
		}
		var t struct {
			UploadID string            `json:"upload_id"`
			URL      string            `json:"url"`
			Headers  map[string]string `json:"headers"`
		}
		if err := json.Unmarshal(r.body, &t); err != nil {
			return r, fmt.Errorf("start: %w", err)
		}
		u, err := url.Parse(t.URL)
		if err != nil {
			return r, fmt.Errorf("start: url: %w", err)
		}
		if err := loopback.Check(u.Scheme + "://" + u.Host); err != nil {
			return r, err
		}
		bare := &api{c: a.c} // the URL is the credential: no bearer token
		last, lastErr = step(opDirectPut, len(data), func() result {
			h := http.Header{}
			for k, v := range t.Headers {
				h.Set(k, v)
			}
			return bare.doURL(ctx, http.MethodPut, t.URL, h, data, rate)
		})
		if lastErr != nil {
			if last.status == http.StatusForbidden || last.status == http.StatusNotFound {
				continue // expired or gone: declare again
			}
			return last, fmt.Errorf("PUT: %w", lastErr)
		}
		last, lastErr = step(opDirectComplete, 0, func() result {
			return a.doKey(ctx, http.MethodPost, base+"/"+t.UploadID+"/complete", "application/json", nil, 0, "")
		})
		if lastErr == nil {
			return last, nil
		}
		if last.status != http.StatusNotFound && last.status != http.StatusUnprocessableEntity {
			return last, fmt.Errorf("complete: %w", lastErr)
		}
	}
	return last, fmt.Errorf("direct upload: three sessions failed, the last: %w", lastErr)
}
