package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call sends one request until the server accepts it, as a phone does
// (the same body and Idempotency-Key each time, backing off on 5xx, 429
// and network errors), recording every attempt under op.
func (f *fieldday) call(ctx context.Context, a *api, op, method, path string, body any, key string) (result, error) {
	var b []byte
	ctype := ""
	if body != nil {
		b, ctype = mustJSON(body), "application/json"
	}
	return f.send(ctx, a, op, method, path, ctype, b, key)
}

func (f *fieldday) send(ctx context.Context, a *api, op, method, path, ctype string, b []byte, key string) (result, error) {
	upload, rate := strings.Contains(op, "upload"), 0
	if upload {
		rate = f.o.rate
	}
	r, err := untilAccepted(ctx, func(attempt int) result {
		r := a.doKey(ctx, method, path, ctype, b, rate, key)
		f.stats.add(op, r, len(b))
		f.mu.Lock()
		f.st.record(upload, attempt, r)
		f.mu.Unlock()
		return r
	})
	if err != nil && !errorsIs(err, errGaveUp) {
		err = fmt.Errorf("%s %s: %w", method, path, err)
	}
	return r, err
}

// fieldPhone plays one phone's day: log in, sync, then round after round
// file a check with three photos (and maybe follow an order to closure)
// and sync again.
func (f *fieldday) fieldPhone(ctx context.Context, ph *fieldPhone) {
	ph.a = &api{base: f.o.base, c: f.c}
	r, err := f.call(ctx, ph.a, "login", http.MethodPost, "/api/v1/auth/login", map[string]string{"username": ph.user, "password": ph.pass}, "")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err == nil {
		err = json.Unmarshal(r.body, &tok)
	}
	if err == nil {
		ph.a.token = tok.AccessToken
		err = f.sync(ctx, ph)
	}
	for round := range f.o.rounds {
		p := &Phone{CheckID: uuid4(), AckStatus: make([]int, 3), AckSHA: make([]string, 3)}
		for range 3 {
			p.PhotoIDs = append(p.PhotoIDs, uuid4())
		}
		f.mu.Lock()
		f.st.Phones = append(f.st.Phones, p)
		f.mu.Unlock()
		if err != nil {
			p.Err = "login or first sync: " + err.Error()
			continue
		}
		f.checkRound(ctx, ph, p, ph.n*f.o.rounds+round)
	}
}

// checkRound files one check with its three photos, takes every
// orderEvery-th to an order's closure, and syncs.
func (f *fieldday) checkRound(ctx context.Context, ph *fieldPhone, p *Phone, n int) {
	withOrder := f.o.orderEvery > 0 && n%f.o.orderEvery == 0
	proj, typ, answers := f.projects[n%len(f.projects)], "progress", map[string]any{"percent_complete": n % 101}
	if withOrder {
		proj, typ = f.orderProj, "safety"
		answers = map[string]any{"fenced": false, "warning_signs": true, "protective_gear": false, "safe_storage": true, "night_lighting": true}
	}
	r, err := f.call(ctx, ph.a, "check", http.MethodPost, "/api/v1/checks", checkBody(p.CheckID, proj, typ, answers, p.PhotoIDs, time.Now().Add(-time.Minute)), "")
	if err != nil {
		p.Err = "check: " + err.Error()
		return
	}
	p.CheckStatus = r.status
	p.Direct = ph.direct
	for i, id := range p.PhotoIDs {
		data := f.photo(n, i, id)
		sum := sha256.Sum256(data)
		p.SentSHA = append(p.SentSHA, hex.EncodeToString(sum[:]))
		status, ack, err := f.checkPhoto(ctx, ph, p.CheckID, id, data)
		if err != nil {
			p.Err = fmt.Sprintf("photo %d: %v", i, err)
			return
		}
		p.AckStatus[i], p.AckSHA[i] = status, ack
	}
	p.Done = true
	if withOrder {
		f.orderCycle(ctx, ph, proj, p.CheckID, n)
	}
	if err := f.sync(ctx, ph); err != nil {
		p.Err = "sync: " + err.Error()
		p.Done = false
	}
}

func checkBody(id string, proj project, typ string, answers map[string]any, photoIDs []string, at time.Time) map[string]any {
	b := map[string]any{"id": id, "project_id": proj.ID, "type": typ, "template_version": 1, "answers": answers,
		"notes": "field day", "location": map[string]any{"lat": proj.Location.Lat, "lon": proj.Location.Lon, "accuracy_m": 6},
		"captured_at": at.Format(time.RFC3339)}
	if photoIDs != nil {
		b["photo_ids"] = photoIDs
	}
	return b
}

// photo: the first of a phone's photos is a real test photo with EXIF, the
// other two generated 12-megapixel JPEGs; each carries its UUID in a JPEG
// comment, so no two photos share bytes.
func (f *fieldday) photo(n, i int, id string) []byte {
	if i == 0 {
		return tagJPEG(f.real[n%len(f.real)], id)
	}
	return tagJPEG(f.big[(2*n+i)%len(f.big)], id)
}

// upload sends one photo (multipart, as a phone does) until it is stored;
// it answers the status and the acknowledged SHA-256.
func (f *fieldday) upload(ctx context.Context, a *api, path, id string, data []byte) (int, string, error) {
	return f.uploadAs(ctx, "upload", a, path, id, data)
}

func (f *fieldday) uploadAs(ctx context.Context, op string, a *api, path, id string, data []byte) (int, string, error) {
	form, ctype := multipartBody(id, data)
	r, err := f.send(ctx, a, op, http.MethodPost, path, ctype, form, "")
	if err != nil {
		return 0, "", err
	}
	return f.acked(r, len(data), false)
}

// acked counts an upload's bytes (and whether it went by presigned PUT)
// and answers its status and the SHA-256 the server acknowledged.
func (f *fieldday) acked(r result, size int, direct bool) (int, string, error) {
	var ack struct {
		SHA256 string `json:"sha256"`
	}
	_ = json.Unmarshal(r.body, &ack)
	f.mu.Lock()
	f.uploadB += int64(size)
	if direct {
		f.st.Direct++
	}
	f.mu.Unlock()
	return r.status, ack.SHA256, nil
}

// checkPhoto uploads one photo of a check the way this phone does:
// multipart through the API, or by presigned PUT (directUpload).
func (f *fieldday) checkPhoto(ctx context.Context, ph *fieldPhone, checkID, id string, data []byte) (int, string, error) {
	if !ph.direct {
		return f.upload(ctx, ph.a, "/api/v1/checks/"+checkID+"/photos", id, data)
	}
	r, err := directUpload(ctx, ph.a, checkID, id, data, f.o.rate, func(op string, attempt int, r result, sent int) {
		f.stats.add(op, r, sent)
		f.mu.Lock()
		if op == opDirectComplete {
			f.st.recordComplete(attempt, r)
		} else {
			f.st.record(false, attempt, r)
		}
		f.mu.Unlock()
	})
	if err != nil {
		return 0, "", err
	}
	return f.acked(r, len(data), true)
}

// extraPhoto records a photo outside a phone's check (an order's) for verify.
func (f *fieldday) extraPhoto(id string, data []byte, status int, ack string) {
	sum := sha256.Sum256(data)
	f.mu.Lock()
	f.st.Extra.Photos = append(f.st.Extra.Photos, ExtraPhoto{ID: id, SentSHA: hex.EncodeToString(sum[:]), AckStatus: status, AckSHA: ack})
	f.mu.Unlock()
}

// orderCycle: the phone's inspector issues an order from the failed check,
// the unit's contractor acknowledges it and answers with a photo of the
// fix, and the inspector verifies on site with a verification check and
// its photo, which closes the order.
func (f *fieldday) orderCycle(ctx context.Context, ph *fieldPhone, proj project, checkID string, n int) {
	out := orderOutcome{Status: "not issued"}
	defer func() {
		f.mu.Lock()
		f.orders = append(f.orders, out)
		f.mu.Unlock()
	}()
	var od struct {
		ID        string `json:"id"`
		Status    string `json:"status"`
		Responses []struct {
			ID string `json:"id"`
		} `json:"responses"`
	}
	step := func(r result, err error) bool {
		if err == nil {
			err = json.Unmarshal(r.body, &od)
		}
		if err != nil {
			out.Status = "error: " + err.Error()
			return false
		}
		out.ID = od.ID
		return true
	}
	if !step(f.call(ctx, ph.a, "order.issue", http.MethodPost, "/api/v1/orders", map[string]any{"check_id": checkID,
		"defect": "site not fenced; workers without helmets", "severity": "major", "required_action": "fence the site, issue helmets"}, uuid4())) {
		return
	}
	id := od.ID
	f.mu.Lock()
	f.st.Extra.Orders = append(f.st.Extra.Orders, id)
	f.mu.Unlock()
	if !step(f.transition(ctx, f.contractor, "order.acknowledge", id, "acknowledge", map[string]any{}, "acknowledged")) {
		return
	}
	loc := map[string]any{"lat": proj.Location.Lat, "lon": proj.Location.Lon, "accuracy_m": 6}
	rp := uuid4()
	if !step(f.call(ctx, f.contractor, "order.respond", http.MethodPost, "/api/v1/orders/"+id+"/responses", map[string]any{
		"text": "fence up, helmets issued", "photo_ids": []string{rp}, "location": loc, "captured_at": time.Now().Format(time.RFC3339)}, uuid4())) {
		return
	}
	if len(od.Responses) == 0 {
		out.Status = "error: the order lists no response"
		return
	}
	f.mu.Lock()
	f.st.Extra.Responses++
	f.mu.Unlock()
	rid := od.Responses[len(od.Responses)-1].ID
	data := f.photo(n+1, 0, rp)
	status, ack, err := f.upload(ctx, f.contractor, "/api/v1/orders/"+id+"/responses/"+rid+"/photos", rp, data)
	if err != nil {
		out.Status = "error: response photo: " + err.Error()
		return
	}
	f.extraPhoto(rp, data, status, ack)

	// captured after the response was submitted (RFC 3339 has whole seconds)
	vc, vp := uuid4(), uuid4()
	if _, err := f.call(ctx, ph.a, "check", http.MethodPost, "/api/v1/checks", checkBody(vc, proj, "verification",
		map[string]any{"defect_fixed": true, "fixed_photo": []string{vp}}, nil, time.Now().Add(time.Second)), ""); err != nil {
		out.Status = "error: verification check: " + err.Error()
		return
	}
	f.mu.Lock()
	f.st.Extra.Checks = append(f.st.Extra.Checks, vc)
	f.mu.Unlock()
	data = f.photo(n+2, 0, vp)
	status, ack, err = f.checkPhoto(ctx, ph, vc, vp, data)
	if err != nil {
		out.Status = "error: verification photo: " + err.Error()
		return
	}
	f.extraPhoto(vp, data, status, ack)
	if step(f.transition(ctx, ph.a, "order.verify", id, "verify", map[string]any{"check_id": vc}, "closed")) {
		out.Status = od.Status
	}
}

// transition takes an order through one step. A step whose answer was
// lost (the database went away after the commit) is refused when the
// phone retries it: 409 transition_not_allowed, with the order's status
// in the problem. A phone that finds the order already where the step
// leads reads it back and goes on, as the app does; the drill counts
// these (docs/RELIABILITY.md, fieldday-crash).
func (f *fieldday) transition(ctx context.Context, a *api, op, id, action string, body any, to string) (result, error) {
	r, err := f.call(ctx, a, op, http.MethodPost, "/api/v1/orders/"+id+"/"+action, body, "")
	if err == nil || r.status != http.StatusConflict {
		return r, err
	}
	var pr struct {
		Code        string `json:"code"`
		OrderStatus string `json:"order_status"`
	}
	if json.Unmarshal(r.body, &pr) != nil || pr.Code != "transition_not_allowed" || pr.OrderStatus != to {
		return r, err
	}
	f.mu.Lock()
	f.st.DoneBefore++
	f.mu.Unlock()
	return f.call(ctx, a, op+" (read back)", http.MethodGet, "/api/v1/orders/"+id, nil, "")
}

// sync pulls what changed since the phone's cursor, page by page.
func (f *fieldday) sync(ctx context.Context, ph *fieldPhone) error {
	for range 100 {
		path := "/api/v1/sync?limit=500"
		if ph.cursor != "" {
			path += "&cursor=" + url.QueryEscape(ph.cursor)
		}
		r, err := f.call(ctx, ph.a, "sync", http.MethodGet, path, nil, "")
		if err != nil {
			return err
		}
		var page struct {
			Cursor string `json:"cursor"`
			More   bool   `json:"more"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			return err
		}
		ph.cursor = page.Cursor
		if !page.More {
			return nil
		}
	}
	return fmt.Errorf("sync: still more after 100 pages")
}

// pollOffice is the office at its desk: the two dashboards and the review
// queue, every second, until the phones are done.
func (f *fieldday) pollOffice(ctx context.Context) {
	for ctx.Err() == nil {
		for _, q := range []struct{ op, path string }{{"office: dashboard/projects", "/api/v1/dashboard/projects"},
			{"office: dashboard/orders", "/api/v1/dashboard/orders"}, {"office: review-queue", "/api/v1/review-queue?limit=50"}} {
			f.stats.add(q.op, f.office.do(ctx, http.MethodGet, q.path, "", nil, 0), 0)
		}
		sleep(ctx, time.Second)
	}
}
