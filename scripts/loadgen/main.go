// Command loadgen drives a running fieldproof server with N concurrent
// clients for a bounded time and reports throughput and latency per
// operation. It talks to loopback addresses only and stops by itself.
//
//	go run ./scripts/loadgen -base http://127.0.0.1:18080 -c 32 -d 20s -op list
//
// Operations: healthz (GET /healthz, the HTTP stack's floor), list (GET
// /api/v1/projects?limit=50, authenticated), create (POST /api/v1/projects),
// get (GET -path, authenticated: dashboards, sync, exports).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server base URL (loopback only)")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "how long to run")
	maxReq := flag.Int("n", 1_000_000, "stop after this many requests in all")
	op := flag.String("op", "list", "healthz, list, create, get (API, bearer token) or page (console, session cookie)")
	path := flag.String("path", "/api/v1/projects", "the path (and query) of -op get or page")
	user := flag.String("user", "admin", "username")
	pass := flag.String("password", os.Getenv("FIELDPROOF_ADMIN_PASSWORD"), "password (default $FIELDPROOF_ADMIN_PASSWORD)")
	label := flag.String("label", "", "row label in the report")
	flag.Parse()
	if err := run(*base, *conc, *dur, *maxReq, *op, *path, *user, *pass, *label); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(base string, conc int, dur time.Duration, maxReq int, op, path, user, pass, label string) error {
	if err := loopback.Check(base); err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: 30 * time.Second}}
	token, cookie := "", ""
	switch op {
	case "healthz":
	case "page":
		var err error
		if cookie, err = consoleSignIn(base, user, pass); err != nil {
			return err
		}
	default:
		var err error
		if token, err = login(client, base, user, pass); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var (
		issued   atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		bytes    int64
		statuses = map[int]int{}
		wg       sync.WaitGroup
	)
	runID := time.Now().UnixNano()
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			var localBytes int64
			localStatus := map[int]int{}
			for ctx.Err() == nil {
				n := issued.Add(1)
				if n > int64(maxReq) {
					break
				}
				req, err := build(ctx, op, base, path, token, runID, n)
				if err != nil {
					return
				}
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						localStatus[-1]++
					}
					continue
				}
				nb, _ := io.Copy(io.Discard, resp.Body)
				localBytes += nb
				resp.Body.Close()
				local = append(local, time.Since(t0))
				localStatus[resp.StatusCode]++
			}
			mu.Lock()
			lat = append(lat, local...)
			bytes += localBytes
			for k, v := range localStatus {
				statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		i := int(p * float64(len(lat)-1))
		return fmt.Sprintf("%.2f", float64(lat[i].Microseconds())/1000)
	}
	if label == "" {
		label = op
	}
	size := ""
	if (op == "get" || op == "page") && len(lat) > 0 {
		size = fmt.Sprintf(", %d B each", bytes/int64(len(lat)))
	}
	fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %s | %v%s |\n", label, conc, len(lat), float64(len(lat))/elapsed.Seconds(),
		pct(0.50), pct(0.95), pct(0.99), statuses, size)
	return nil
}

func build(ctx context.Context, op, base, path, token string, runID, n int64) (*http.Request, error) {
	var req *http.Request
	var err error
	switch op {
	case "healthz":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	case "list":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/projects?limit=50", nil)
	case "get", "page":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	case "create":
		body, _ := json.Marshal(map[string]any{
			"code": fmt.Sprintf("L%d-%d", runID%1_000_000, n), "name": "Load test road", "category": "road",
			"township": "Qingshan", "responsible_unit": "County Transport Bureau",
			"planned_start": "2026-03-01", "planned_end": "2026-10-31", "status": "under_construction",
			"target_quantity": 4.2, "target_unit": "km", "location": map[string]float64{"lat": 28.2, "lon": 112.97},
		})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/projects", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	default:
		return nil, fmt.Errorf("unknown op %q", op)
	}
	if err == nil && token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, err
}

func login(c *http.Client, base, user, pass string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	resp, err := c.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("login: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		return "", err
	}
	return t.AccessToken, nil
}
