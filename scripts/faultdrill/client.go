package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// api is a logged-in client of the server under test. Requests are given a
// generous client timeout so that a server that hangs past its own deadline
// is seen (and measured) rather than hidden by the client giving up first.
type api struct {
	base, token string
	c           *http.Client
}

func newClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: 128, IdleConnTimeout: 30 * time.Second},
		// The original's presigned redirect is followed by hand, without
		// the bearer token (see fetchOriginal).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func login(ctx context.Context, base, user, password string) (*api, error) {
	if err := loopback.Check(base); err != nil {
		return nil, err
	}
	a := &api{base: base, c: newClient(60 * time.Second)}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	r := a.do(ctx, http.MethodPost, "/api/v1/auth/login", "application/json",
		mustJSON(map[string]string{"username": user, "password": password}), 0)
	if r.err != nil {
		return nil, r.err
	}
	if r.status != http.StatusOK {
		return nil, fmt.Errorf("login %s: %d %s", user, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &t); err != nil {
		return nil, err
	}
	a.token = t.AccessToken
	return a, nil
}

// result is one answered (or failed) request. server is the time from the
// last byte of the request to the first byte of the answer: the time the
// server took, without the phone's own (throttled) sending.
type result struct {
	status     int
	body       []byte
	header     http.Header
	err        error
	server     time.Duration
	total      time.Duration
	retryAfter time.Duration
}

func (a *api) do(ctx context.Context, method, path, ctype string, body []byte, rate int) result {
	return a.doKey(ctx, method, path, ctype, body, rate, "")
}

// doKey sends the request with an Idempotency-Key (when not empty), so
// that a retried create is answered, not repeated.
func (a *api) doKey(ctx context.Context, method, path, ctype string, body []byte, rate int, key string) result {
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", ctype)
	}
	if a.token != "" {
		h.Set("Authorization", "Bearer "+a.token)
	}
	if key != "" {
		h.Set("Idempotency-Key", key)
	}
	return a.doURL(ctx, method, a.base+path, h, body, rate)
}

// doURL sends one request to an absolute URL with exactly the headers
// given (a presigned PUT carries no bearer token), timing the server.
func (a *api) doURL(ctx context.Context, method, target string, h http.Header, body []byte, rate int) result {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if rate > 0 {
			rd = &throttled{r: rd, rate: rate, ctx: ctx}
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return result{err: err}
	}
	req.Header = h
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	var wrote, first time.Time
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { wrote = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	}))
	start := time.Now()
	resp, err := a.c.Do(req)
	res := result{total: time.Since(start)}
	if err != nil {
		res.err = err
		if !wrote.IsZero() {
			res.server = time.Since(wrote)
		}
		return res
	}
	defer resp.Body.Close()
	res.body, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	res.status, res.header = resp.StatusCode, resp.Header
	if !wrote.IsZero() && !first.IsZero() {
		res.server = first.Sub(wrote)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		res.retryAfter = time.Duration(s) * time.Second
	}
	return res
}

func (a *api) getJSON(ctx context.Context, path string, out any) (int, error) {
	r := a.do(ctx, http.MethodGet, path, "", nil, 0)
	if r.err != nil {
		return 0, r.err
	}
	if r.status != http.StatusOK {
		return r.status, fmt.Errorf("GET %s: %d %s", path, r.status, trim(r.body))
	}
	return r.status, json.Unmarshal(r.body, out)
}

// fetchOriginal follows GET /photos/{id}/original to its bytes: either the
// server streams them or it redirects to a presigned object-store URL,
// which is fetched without the bearer token (and only on loopback).
func (a *api) fetchOriginal(ctx context.Context, id string) ([]byte, error) {
	r := a.do(ctx, http.MethodGet, "/api/v1/photos/"+id+"/original", "", nil, 0)
	if r.err != nil {
		return nil, r.err
	}
	switch r.status {
	case http.StatusOK:
		return r.body, nil
	case http.StatusFound, http.StatusTemporaryRedirect:
	default:
		return nil, fmt.Errorf("original: %d %s", r.status, trim(r.body))
	}
	loc := r.header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	if err := loopback.Check(u.Scheme + "://" + u.Host); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("presigned original: %d %s", resp.StatusCode, trim(b))
	}
	return b, nil
}

// throttled sends a body at a phone's upload rate (bytes/s).
type throttled struct {
	r     io.Reader
	rate  int
	ctx   context.Context
	start time.Time
	sent  int
}

func (t *throttled) Read(p []byte) (int, error) {
	if t.start.IsZero() {
		t.start = time.Now()
	}
	if len(p) > 16<<10 {
		p = p[:16<<10]
	}
	due := t.start.Add(time.Duration(float64(t.sent) / float64(t.rate) * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		select {
		case <-time.After(d):
		case <-t.ctx.Done():
			return 0, t.ctx.Err()
		}
	}
	n, err := t.r.Read(p)
	t.sent += n
	return n, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func trim(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var errGaveUp = errors.New("drill deadline reached before the server accepted")

func errorsIs(err, target error) bool { return errors.Is(err, target) }
