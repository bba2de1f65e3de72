package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Phone is one phone's check and its three photos, as the drill recorded
// them: what it sent and what the server acknowledged.
type Phone struct {
	CheckID     string   `json:"check_id"`
	PhotoIDs    []string `json:"photo_ids"`
	SentSHA     []string `json:"sent_sha256"`
	CheckStatus int      `json:"check_status"` // 201 or 200 once acknowledged
	AckStatus   []int    `json:"ack_status"`   // per photo: 201 or 200 once acknowledged
	AckSHA      []string `json:"ack_sha256"`   // per photo: the sha256 in the acknowledgement
	Done        bool     `json:"done"`
	Direct      bool     `json:"direct,omitempty"` // its photos went by presigned PUT (direct.go)
	Err         string   `json:"err,omitempty"`
}

// Load is the state file written by `faultdrill load`.
type Load struct {
	Phones  []*Phone `json:"phones"`
	Uploads int      `json:"upload_attempts"`
	Acked   int      `json:"uploads_acknowledged"`
	Direct  int      `json:"direct_photos"` // photos acknowledged after a presigned PUT
	// DoneBefore: order steps refused on retry because the attempt whose
	// answer was lost had gone through (fieldday_phone.go transition).
	DoneBefore  int            `json:"steps_done_before_retry"`
	Retried     int            `json:"uploads_retried"` // attempts that were retries of an earlier attempt
	CheckTries  int            `json:"check_attempts"`
	Statuses    map[string]int `json:"statuses"` // every answer by status ("neterr" for no answer)
	MaxUploadMs float64        `json:"max_upload_server_ms"`
	MaxOtherMs  float64        `json:"max_other_server_ms"`
	// MaxCompleteMs: the slowest direct-upload completion, reported apart
	// from MaxUploadMs (see recordComplete).
	MaxCompleteMs float64   `json:"max_complete_server_ms"`
	Slowest       string    `json:"slowest"`
	Started       time.Time `json:"started"`
	Stopped       time.Time `json:"stopped"`
	Extra         Extra     `json:"extra"`
}

// Extra is what a run filed besides its phones' checks (the field day's
// order cycles): checks with other photo counts, and photos of orders.
type Extra struct {
	Checks []string     `json:"checks,omitempty"`
	Photos []ExtraPhoto `json:"photos,omitempty"`
	// Orders the server acknowledged issuing, and responses it
	// acknowledged, for "one order per Idempotency-Key".
	Orders    []string `json:"orders,omitempty"`
	Responses int      `json:"responses,omitempty"`
}

// ExtraPhoto is one such photo as sent and acknowledged.
type ExtraPhoto struct {
	ID        string `json:"id"`
	SentSHA   string `json:"sent_sha256"`
	AckStatus int    `json:"ack_status"`
	AckSHA    string `json:"ack_sha256"`
}

type loadOpts struct {
	base, user, password, photos, state, progress string
	conc, maxPhones, rate, directEvery            int
	think, maxRun, drain                          time.Duration
}

func loadCmd(args []string) error {
	var o loadOpts
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	fs.StringVar(&o.base, "base", "http://127.0.0.1:18390", "server base URL (loopback only)")
	fs.StringVar(&o.user, "user", "inspector", "the phones' user")
	fs.StringVar(&o.password, "password", "demo-inspector-pass", "that user's password")
	fs.StringVar(&o.photos, "photos", "testdata/photos", "directory with the gps/, orientation/ and mobile/ test photos")
	fs.StringVar(&o.state, "state", "load.json", "where to write what was sent and acknowledged")
	fs.StringVar(&o.progress, "progress", "", "file rewritten every 200 ms with 'acknowledged in-flight'")
	fs.IntVar(&o.conc, "c", 50, "concurrent phones")
	fs.IntVar(&o.maxPhones, "n", 2000, "start at most this many phones in all")
	fs.IntVar(&o.rate, "rate", 128<<10, "each phone's upload rate, bytes/s (0 = unthrottled)")
	fs.IntVar(&o.directEvery, "direct-every", 0, "every k-th phone uploads by presigned PUT (start, PUT, complete); 0: none")
	fs.DurationVar(&o.think, "think", 50*time.Millisecond, "pause between a phone's requests")
	fs.DurationVar(&o.maxRun, "d", 5*time.Minute, "start no new phone after this long (SIGTERM/SIGINT stops earlier)")
	fs.DurationVar(&o.drain, "drain", 90*time.Second, "after the stop, phones in progress keep retrying at most this long")
	_ = fs.Parse(args)
	return runLoad(o)
}

type loader struct {
	o         loadOpts
	a         *api
	proj      project
	files     [][]byte
	generated [][]byte
	mu        sync.Mutex
	st        Load
	acked     atomic.Int64
	flight    atomic.Int64
}

type project struct {
	ID       string `json:"id"`
	Location *struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	} `json:"location"`
}

func runLoad(o loadOpts) error {
	ctx := context.Background()
	a, err := login(ctx, o.base, o.user, o.password)
	if err != nil {
		return err
	}
	l := &loader{o: o, a: a, st: Load{Statuses: map[string]int{}}}
	var page struct {
		Items []project `json:"items"`
	}
	if _, err := a.getJSON(ctx, "/api/v1/projects?limit=50", &page); err != nil {
		return err
	}
	for _, p := range page.Items {
		if p.Location != nil {
			l.proj = p
			break
		}
	}
	if l.proj.ID == "" {
		return fmt.Errorf("no project with a location (start the server with --demo)")
	}
	for _, name := range []string{"gps/DSCN0010.jpg", "gps/DSCN0021.jpg", "gps/DSCN0029.jpg", "orientation/landscape_1.jpg",
		"orientation/landscape_6.jpg", "mobile/HMD_Nokia_8.3_5G.jpg"} {
		b, err := os.ReadFile(filepath.Join(o.photos, name))
		if err != nil {
			return err
		}
		l.files = append(l.files, b)
	}
	for i := 0; i < 16; i++ { // made before the load, so the phones spend no CPU on it
		l.generated = append(l.generated, generateJPEG(uint64(i)))
	}

	// stop: no new phones. drainCtx: the end of all retrying.
	stop, stopNow := context.WithTimeout(ctx, o.maxRun)
	defer stopNow()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case <-sig:
		case <-stop.Done():
		}
		stopNow()
	}()
	drainCtx, cancelDrain := context.WithCancel(ctx)
	defer cancelDrain()
	go func() {
		<-stop.Done()
		select {
		case <-time.After(o.drain):
			cancelDrain()
		case <-drainCtx.Done():
		}
	}()
	if o.progress != "" {
		go l.writeProgress(drainCtx)
	}
	l.st.Started = time.Now()
	var started atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < o.conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Phones start spread over a second, not all in the same instant.
			sleep(stop, time.Duration(w)*time.Second/time.Duration(o.conc))
			for stop.Err() == nil {
				n := started.Add(1)
				if n > int64(o.maxPhones) {
					return
				}
				p := l.newPhone(int(n))
				l.mu.Lock()
				l.st.Phones = append(l.st.Phones, p)
				l.mu.Unlock()
				l.runPhone(drainCtx, p, int(n))
			}
		}()
	}
	wg.Wait()
	cancelDrain()
	l.st.Stopped = time.Now()
	b, err := json.MarshalIndent(&l.st, "", " ")
	if err != nil {
		return err
	}
	done := 0
	for _, p := range l.st.Phones {
		if p.Done {
			done++
		}
	}
	fmt.Fprintf(os.Stderr, "load: %d phones (%d done), %d uploads, %d acknowledged, %d retried, statuses %v, max upload server time %.0f ms\n",
		len(l.st.Phones), done, l.st.Uploads, l.st.Acked, l.st.Retried, l.st.Statuses, l.st.MaxUploadMs)
	return os.WriteFile(o.state, b, 0o644)
}

func (l *loader) writeProgress(ctx context.Context) {
	for ctx.Err() == nil {
		_ = os.WriteFile(l.o.progress+".tmp", fmt.Appendf(nil, "%d %d\n", l.acked.Load(), l.flight.Load()), 0o644)
		_ = os.Rename(l.o.progress+".tmp", l.o.progress)
		sleep(ctx, 200*time.Millisecond)
	}
}

// newPhone gives a phone a check UUID and three photo UUIDs.
func (l *loader) newPhone(int) *Phone {
	p := &Phone{CheckID: uuid4(), AckStatus: make([]int, 3), AckSHA: make([]string, 3)}
	for i := 0; i < 3; i++ {
		p.PhotoIDs = append(p.PhotoIDs, uuid4())
	}
	return p
}

// photoBytes: the first photo is a real test photo with EXIF (every eighth
// phone the 9-megapixel one, which keeps the rendition queue busy), the
// other two generated ones; each gets a JPEG comment naming its UUID, so no
// two photos of the drill share bytes or a SHA-256.
func (l *loader) photoBytes(n, i int, photoID string) []byte {
	var base []byte
	switch {
	case i == 0 && n%8 == 0:
		base = l.files[len(l.files)-1]
	case i == 0:
		base = l.files[n%(len(l.files)-1)]
	default:
		base = l.generated[(n*2+i)%len(l.generated)]
	}
	return tagJPEG(base, photoID)
}

// tagJPEG inserts a JPEG comment naming the photo after the SOI marker.
func tagJPEG(base []byte, photoID string) []byte {
	com := []byte("faultdrill photo " + photoID)
	out := make([]byte, 0, len(base)+len(com)+4)
	out = append(out, base[:2]...) // SOI
	out = append(out, 0xFF, 0xFE, byte((len(com)+2)>>8), byte(len(com)+2))
	out = append(out, com...)
	return append(out, base[2:]...)
}

func (l *loader) runPhone(ctx context.Context, p *Phone, n int) {
	lat, lon := l.proj.Location.Lat, l.proj.Location.Lon
	body := mustJSON(map[string]any{"id": p.CheckID, "project_id": l.proj.ID, "type": "progress", "template_version": 1,
		"answers": map[string]any{"percent_complete": n % 101}, "notes": "faultdrill",
		"location":    map[string]any{"lat": lat, "lon": lon, "accuracy_m": 8},
		"captured_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "photo_ids": p.PhotoIDs})
	r, err := l.retry(ctx, false, func() result {
		return l.a.do(ctx, http.MethodPost, "/api/v1/checks", "application/json", body, 0)
	})
	if err != nil {
		p.Err = "check: " + err.Error()
		return
	}
	p.CheckStatus = r.status
	p.Direct = l.o.directEvery > 0 && n%l.o.directEvery == 0
	for i, id := range p.PhotoIDs {
		sleep(ctx, l.o.think)
		data := l.photoBytes(n, i, id)
		sum := sha256.Sum256(data)
		p.SentSHA = append(p.SentSHA, hex.EncodeToString(sum[:]))
		var r result
		var err error
		if p.Direct {
			r, err = l.direct(ctx, p.CheckID, id, data)
		} else {
			// Every other photo goes as a raw PUT, which streams into MinIO
			// while it arrives, so the faults also catch streamed puts
			// half-way.
			method, path, ctype, form := http.MethodPut, "/api/v1/checks/"+p.CheckID+"/photos/"+id, "image/jpeg", data
			if i%2 == 0 {
				method, path = http.MethodPost, "/api/v1/checks/"+p.CheckID+"/photos"
				form, ctype = multipartBody(id, data)
			}
			r, err = l.retry(ctx, true, func() result {
				return l.a.do(ctx, method, path, ctype, form, l.o.rate)
			})
		}
		if err != nil {
			p.Err = fmt.Sprintf("photo %d: %v", i, err)
			return
		}
		var ack struct {
			SHA256 string `json:"sha256"`
		}
		_ = json.Unmarshal(r.body, &ack)
		p.AckStatus[i], p.AckSHA[i] = r.status, ack.SHA256
		l.acked.Add(1)
	}
	p.Done = true
}

// direct uploads one photo by presigned PUT (directUpload), counting the
// PUT and the completion as the upload in flight; the completion is what
// the Load counts as the upload attempt.
func (l *loader) direct(ctx context.Context, checkID, id string, data []byte) (result, error) {
	l.flight.Add(1)
	defer l.flight.Add(-1)
	r, err := directUpload(ctx, l.a, checkID, id, data, l.o.rate, func(op string, attempt int, r result, _ int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if op == opDirectComplete {
			l.st.recordComplete(attempt, r)
		} else {
			l.st.record(false, attempt, r)
		}
	})
	if err == nil {
		l.mu.Lock()
		l.st.Direct++
		l.mu.Unlock()
	}
	return r, err
}

// retry sends one request until the server accepts it (see untilAccepted),
// counting the uploads in flight and recording every answer.
func (l *loader) retry(ctx context.Context, upload bool, send func() result) (result, error) {
	return untilAccepted(ctx, func(attempt int) result {
		if upload {
			l.flight.Add(1)
			defer l.flight.Add(-1)
		}
		r := send()
		l.record(upload, attempt, r)
		return r
	})
}

// untilAccepted sends one request until the server accepts it (2xx), as a
// phone does: the same UUIDs and bytes on every attempt, backing off on
// 5xx, 429 and network errors (Retry-After honoured up to the 2 s cap, so
// the drill stays short). Any other answer is returned with an error.
func untilAccepted(ctx context.Context, send func(attempt int) result) (result, error) {
	backoff := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return result{}, errGaveUp
		}
		r := send(attempt)
		if r.err == nil && r.status >= 200 && r.status < 300 {
			return r, nil
		}
		// A 409 with Retry-After is an Idempotency-Key still held by a
		// request that may have died: its lease tells when to try again.
		busy := r.status == http.StatusConflict && r.retryAfter > 0
		if r.err == nil && r.status < 500 && r.status != http.StatusTooManyRequests && !busy {
			return r, fmt.Errorf("%d %s", r.status, trim(r.body))
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		if r.retryAfter > 0 {
			wait = min(r.retryAfter, 2*time.Second)
		}
		sleep(ctx, wait)
		backoff = min(backoff*2, 2*time.Second)
	}
}

func (l *loader) record(upload bool, attempt int, r result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.st.record(upload, attempt, r)
}

// record counts one attempt's answer; the caller holds the lock that
// guards st.
func (st *Load) record(upload bool, attempt int, r result) {
	if r.err != nil && errorsIsCtx(r.err) {
		return // the drill itself gave up; not the server's answer
	}
	key := fmt.Sprint(r.status)
	if r.err != nil {
		key = "neterr"
	}
	st.Statuses[key]++
	ms := float64(r.server.Microseconds()) / 1000
	if upload {
		st.Uploads++
		if attempt > 0 {
			st.Retried++
		}
		if r.err == nil && r.status < 300 {
			st.Acked++
		}
		if ms > st.MaxUploadMs {
			st.MaxUploadMs = ms
			st.Slowest = fmt.Sprintf("upload %s after %.0f ms", key, ms)
		}
	} else {
		st.CheckTries++
		st.MaxOtherMs = max(st.MaxOtherMs, ms)
	}
}

// recordComplete counts a direct upload's completion as an upload attempt,
// but keeps its server time out of the upload bound (the storage deadline
// + 1 s): a completion makes two storage calls one after the other, a
// stat and read-back of the staged object and the put of the original,
// each under its own deadline, so its bound is not one upload's.
func (st *Load) recordComplete(attempt int, r result) {
	upMs, slowest := st.MaxUploadMs, st.Slowest
	st.record(true, attempt, r)
	st.MaxUploadMs, st.Slowest = upMs, slowest
	if r.err == nil || !errorsIsCtx(r.err) {
		st.MaxCompleteMs = max(st.MaxCompleteMs, float64(r.server.Microseconds())/1000)
	}
}

func errorsIsCtx(err error) bool {
	return err != nil && (errorsIs(err, context.Canceled) || errorsIs(err, context.DeadlineExceeded))
}

func multipartBody(photoID string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("photo_id", photoID)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="photo.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// generateJPEG makes an 800×600 JPEG that compresses like a photo
// (gradients, rings, texture), different for every seed.
func generateJPEG(seed uint64) []byte { return generateJPEGSize(seed, 800, 600) }

// generateJPEGSize makes a w×h one (4000×3000 is a 12-megapixel phone photo).
func generateJPEGSize(seed uint64, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	cx, cy, f := rng.Float64()*float64(w), rng.Float64()*float64(h), 20+rng.Float64()*60
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			img.SetRGBA(x, y, color.RGBA{uint8(128 + 100*math.Sin(d/f)), uint8((x*255/w + rng.IntN(24)) % 256),
				uint8((y*255/h + (x/40+y/40)%2*40) % 256), 255})
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes()
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
