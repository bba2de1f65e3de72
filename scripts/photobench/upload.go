package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// api is a logged-in client of a running server.
type api struct {
	base, token string
	c           *http.Client
}

func newAPI(base, user, password string) (*api, error) {
	a := &api{base: base, c: &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := a.call(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": password}, &t); err != nil {
		return nil, err
	}
	a.token = t.AccessToken
	return a, nil
}

func (a *api) call(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.c.Do(req)
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

func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newCheck files a progress check on the first project the caller sees and
// returns its id.
func (a *api) newCheck() (string, error) {
	var page struct {
		Items []struct {
			ID       string `json:"id"`
			Location *struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"location"`
		} `json:"items"`
	}
	if err := a.call(http.MethodGet, "/api/v1/projects?limit=1", nil, &page); err != nil {
		return "", err
	}
	if len(page.Items) == 0 || page.Items[0].Location == nil {
		return "", fmt.Errorf("no project with a location to file a check on (start the server with --demo)")
	}
	p := page.Items[0]
	id := uuid4()
	body := map[string]any{"id": id, "project_id": p.ID, "type": "progress", "template_version": 1,
		"answers": map[string]any{"percent_complete": 40}, "notes": "photobench",
		"location":    map[string]any{"lat": p.Location.Lat, "lon": p.Location.Lon, "accuracy_m": 8},
		"captured_at": time.Now().Add(-time.Minute).Format(time.RFC3339)}
	return id, a.call(http.MethodPost, "/api/v1/checks", body, nil)
}

// The ways a phone can send a photo through the API.
const (
	viaMultipart     = "multipart"      // the file part with no size field: the server reads it all first
	viaMultipartSize = "multipart+size" // with the size field: streamed into the store
	viaPut           = "PUT"            // raw body with Content-Length: streamed into the store
)

// upload sends one photo as the phone does, by route via, with the
// client's photo UUID.
func (a *api) upload(checkID string, data []byte, via ...string) (time.Duration, error) {
	how := viaMultipart
	if len(via) > 0 {
		how = via[0]
	}
	ct := "image/jpeg"
	if len(data) > 12 && string(data[4:8]) == "ftyp" {
		ct = "image/heic"
	}
	var req *http.Request
	var err error
	if how == viaPut {
		req, err = http.NewRequest(http.MethodPut, a.base+"/api/v1/checks/"+checkID+"/photos/"+uuid4(), bytes.NewReader(data))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", ct)
	} else {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			_ = mw.WriteField("photo_id", uuid4())
			if how == viaMultipartSize {
				_ = mw.WriteField("size", strconv.Itoa(len(data)))
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="file"; filename="photo.`+strings.TrimPrefix(ct, "image/")+`"`)
			h.Set("Content-Type", ct)
			part, err := mw.CreatePart(h)
			if err == nil {
				_, err = part.Write(data)
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, err = http.NewRequest(http.MethodPost, a.base+"/api/v1/checks/"+checkID+"/photos", pr)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	start := time.Now()
	resp, err := a.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("upload (%s): %d %s", how, resp.StatusCode, b)
	}
	return time.Since(start), nil
}

type s3cfg struct{ endpoint, access, secret, bucket string }

// barePut is the baseline: the same bytes straight to the same MinIO with
// minio-go, size given, no API in between.
func barePut(cfg s3cfg, data []byte, n int) ([]time.Duration, error) {
	c, err := minio.New(cfg.endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.access, cfg.secret, "")})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if ok, err := c.BucketExists(ctx, cfg.bucket); err != nil {
		return nil, err
	} else if !ok {
		if err := c.MakeBucket(ctx, cfg.bucket, minio.MakeBucketOptions{}); err != nil {
			return nil, err
		}
	}
	var out []time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		_, err := c.PutObject(ctx, cfg.bucket, "bare/"+uuid4(), bytes.NewReader(data), int64(len(data)),
			minio.PutObjectOptions{ContentType: "image/jpeg"})
		if err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// benchUpload: (1) one phone uploading the file through the API vs a bare
// PutObject of the same bytes, alternating rounds so drift hits both.
func benchUpload(base, user, password, file string, cfg s3cfg, n int, dbURL string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var fl *floor
	if dbURL != "" {
		if fl, err = newFloor(context.Background(), cfg, dbURL); err != nil {
			return err
		}
		defer fl.close()
	}
	a, err := newAPI(base, user, password)
	if err != nil {
		return err
	}
	check, err := a.newCheck()
	if err != nil {
		return err
	}
	vias := []string{viaMultipart, viaMultipartSize, viaPut}
	apiTimes := map[string][]time.Duration{}
	var bareTimes, floorTimes, streamTimes []time.Duration
	for round := 0; round < n; round++ {
		for _, via := range vias {
			d, err := a.upload(check, data, via)
			if err != nil {
				return err
			}
			apiTimes[via] = append(apiTimes[via], d)
		}
		b, err := barePut(cfg, data, 1)
		if err != nil {
			return err
		}
		bareTimes = append(bareTimes, b...)
		if fl != nil {
			d, err := fl.once(context.Background(), data)
			if err != nil {
				return fmt.Errorf("floor: %w", err)
			}
			floorTimes = append(floorTimes, d)
			d, err = fl.streamed(context.Background(), data)
			if err != nil {
				return fmt.Errorf("streamed floor: %w", err)
			}
			streamTimes = append(streamTimes, d)
		}
	}
	bare := median(bareTimes)
	name := file[strings.LastIndex(file, "/")+1:]
	for _, via := range vias {
		floorCells := "| - | - |"
		if len(floorTimes) > 0 {
			fl := median(floorTimes)
			if via != viaMultipart {
				fl = median(streamTimes) // the streamed routes against the streamed floor
			}
			floorCells = fmt.Sprintf("| %s | %.2f (API/floor %.2f) |", ms(fl), float64(fl)/float64(bare),
				float64(median(apiTimes[via]))/float64(fl))
		}
		fmt.Printf("| %s (%d bytes) %s | %d | %s | %s | %.2f %s\n", name, len(data), via, n,
			ms(median(apiTimes[via])), ms(bare), float64(median(apiTimes[via]))/float64(bare), floorCells)
	}
	return nil
}

// benchConcurrent: c phones each uploading k generated 12 MP photos at once,
// while the server's peak RSS (VmHWM) is read from /proc.
func benchConcurrent(base, user, password string, files []string, pid, clients, perClient int, settle time.Duration) error {
	datas := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if datas[i], err = os.ReadFile(f); err != nil {
			return err
		}
	}
	a, err := newAPI(base, user, password)
	if err != nil {
		return err
	}
	before := rss(pid, "VmRSS")
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		times []time.Duration
		fails int
		bytes int64
	)
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			check, err := a.newCheck()
			if err != nil {
				mu.Lock()
				fails++
				mu.Unlock()
				return
			}
			for k := 0; k < perClient; k++ {
				data := datas[(c+k)%len(datas)]
				d, err := a.upload(check, data)
				mu.Lock()
				if err != nil {
					fails++
				} else {
					times = append(times, d)
					bytes += int64(len(data))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(times) == 0 {
		return fmt.Errorf("no upload succeeded (%d failures)", fails)
	}
	peak := rss(pid, "VmHWM")
	if settle > 0 {
		// The rendition job decodes after the uploads have been answered:
		// give it time, then take the high-water mark again.
		time.Sleep(settle)
	}
	fmt.Printf("| %d | %d | %d | %.1f | %s | %d MB | %d MB |", clients, len(times), fails,
		float64(bytes)/1e6/elapsed.Seconds(), ms(median(times)), before/1024, peak/1024)
	if settle > 0 {
		fmt.Printf(" %d MB |", rss(pid, "VmHWM")/1024)
	}
	fmt.Println()
	return nil
}

// rss reads a VmRSS/VmHWM figure (kB) of a process.
func rss(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return -1
}
