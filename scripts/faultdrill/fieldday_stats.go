package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// opStats collects every request of the field day by operation: its
// latency (client side, whole request) and its answer.
type opStats struct {
	mu    sync.Mutex
	ops   map[string]*opSeries
	order []string
}

type opSeries struct {
	lat      []time.Duration
	statuses map[string]int
	bytes    int64
}

func newOpStats() *opStats { return &opStats{ops: map[string]*opSeries{}} }

func (s *opStats) add(op string, r result, sent int) {
	if r.err != nil && errorsIsCtx(r.err) {
		return // the driver gave up, not the server's answer
	}
	key := strconv.Itoa(r.status)
	if r.err != nil {
		key = "neterr"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ops[op]
	if o == nil {
		o = &opSeries{statuses: map[string]int{}}
		s.ops[op] = o
		s.order = append(s.order, op)
	}
	o.lat = append(o.lat, r.total)
	o.statuses[key]++
	if r.err == nil && r.status < 300 {
		o.bytes += int64(sent)
	}
}

// errors counts answers that are not 2xx (nor the 3xx of a redirect).
func (s *opStats) errors() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, o := range s.ops {
		for k, n := range o.statuses {
			if !strings.HasPrefix(k, "2") && !strings.HasPrefix(k, "3") {
				out[k] += n
			}
		}
	}
	return out
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// table prints one row per operation: count, rate over the phase's wall
// time, latency percentiles and answers by status.
func (s *opStats) table(w io.Writer, wall time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(w, "| operation | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | answers |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	total := 0
	for _, op := range s.order {
		o := s.ops[op]
		lat := slices.Clone(o.lat)
		slices.Sort(lat)
		total += len(lat)
		fmt.Fprintf(w, "| %s | %d | %.1f | %s | %s | %s | %s | %s |\n", op, len(lat), float64(len(lat))/wall.Seconds(),
			ms(pct(lat, .50)), ms(pct(lat, .95)), ms(pct(lat, .99)), ms(lat[len(lat)-1]), statusList(o.statuses))
	}
	fmt.Fprintf(w, "| **all** | %d | **%.1f** | | | | | |\n", total, float64(total)/wall.Seconds())
}

func statusList(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// serverWatch samples the server under test: its resident memory from
// /proc (the process must be on this machine) and its goroutines from
// /metrics, keeping the peaks.
type serverWatch struct {
	pid, base  string
	c          *http.Client
	mu         sync.Mutex
	peakRSS    int64 // bytes
	peakGorout int
	startRSS   int64
	startGor   int
}

func newServerWatch(pid int, base string) *serverWatch {
	w := &serverWatch{pid: strconv.Itoa(pid), base: base, c: newClient(5 * time.Second)}
	w.startRSS, w.startGor = w.rss(), w.goroutines(context.Background())
	w.peakRSS, w.peakGorout = w.startRSS, w.startGor
	return w
}

// run samples every 200 ms until ctx ends.
func (w *serverWatch) run(ctx context.Context) {
	for ctx.Err() == nil {
		r, g := w.rss(), w.goroutines(ctx)
		w.mu.Lock()
		w.peakRSS, w.peakGorout = max(w.peakRSS, r), max(w.peakGorout, g)
		w.mu.Unlock()
		sleep(ctx, 200*time.Millisecond)
	}
}

func (w *serverWatch) peaks() (rss int64, goroutines int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peakRSS, w.peakGorout
}

// rss reads VmRSS (kB) of the server; 0 when the pid is not known.
func (w *serverWatch) rss() int64 {
	if w.pid == "0" {
		return 0
	}
	b, err := os.ReadFile("/proc/" + w.pid + "/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (w *serverWatch) goroutines(ctx context.Context) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/metrics", nil)
	if err != nil {
		return 0
	}
	resp, err := w.c.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return int(n)
		}
	}
	return 0
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
