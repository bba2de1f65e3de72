package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// Readyz is what `faultdrill readyz` found, measured against the events
// faults.sh wrote (lines "fault <unix ms>", "recover <unix ms>").
type Readyz struct {
	Samples  int     `json:"samples"`
	DownMs   float64 `json:"down_after_ms"`  // first 503 after the fault; -1 if none seen
	UpMs     float64 `json:"up_after_ms"`    // first 200 after the recovery; -1 if none seen
	Flaps    int     `json:"flaps"`          // 200s between the first 503 and the recovery
	NetErrs  int     `json:"network_errors"` // polls with no answer (expected only while fieldproof itself is down)
	SlowMs   float64 `json:"slowest_ms"`
	Note     string  `json:"note,omitempty"`
	HaveBoth bool    `json:"have_events"`
	InFlight string  `json:"uploads_in_flight_at_fault"`
	// Changes lists every change of answer: "+ms status" relative to the fault.
	Changes []string `json:"changes"`
}

type sample struct {
	at     time.Time
	status int // -1: no answer
	took   time.Duration
}

func readyzCmd(args []string) error {
	fs := flag.NewFlagSet("readyz", flag.ExitOnError)
	base := fs.String("base", "http://127.0.0.1:18390", "server base URL (loopback only)")
	out := fs.String("out", "readyz.json", "result file")
	events := fs.String("events", "events", "the fault/recover times faults.sh wrote")
	every := fs.Duration("every", 200*time.Millisecond, "poll interval")
	maxRun := fs.Duration("d", 10*time.Minute, "stop after this long at most (SIGTERM stops earlier)")
	_ = fs.Parse(args)
	if err := loopback.Check(*base); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *maxRun)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	c := &http.Client{Timeout: 10 * time.Second}
	var samples []sample
	for ctx.Err() == nil {
		start := time.Now()
		s := sample{at: start, status: -1}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, *base+"/readyz", nil)
		if resp, err := c.Do(req); err == nil {
			s.status = resp.StatusCode
			resp.Body.Close()
		} else if ctx.Err() != nil {
			break
		}
		s.took = time.Since(start)
		samples = append(samples, s)
		sleep(ctx, *every-s.took)
	}
	ev, extra := readEvents(*events)
	r := analyse(samples, ev)
	r.InFlight = extra["fault"]
	b, _ := json.MarshalIndent(r, "", " ")
	return os.WriteFile(*out, b, 0o644)
}

func readEvents(path string) (map[string]time.Time, map[string]string) {
	ev, extra := map[string]time.Time{}, map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return ev, extra
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) < 2 {
			continue
		}
		if ms, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			if _, seen := ev[parts[0]]; !seen {
				ev[parts[0]] = time.UnixMilli(ms)
				if len(parts) > 2 {
					extra[parts[0]] = parts[2]
				}
			}
		}
	}
	return ev, extra
}

func analyse(samples []sample, ev map[string]time.Time) Readyz {
	r := Readyz{Samples: len(samples), DownMs: -1, UpMs: -1}
	fault, okF := ev["fault"]
	rec, okR := ev["recover"]
	r.HaveBoth = okF && okR
	// A dependency that is restarted may answer before faults.sh sees it
	// ready and marks "recover": 200s after the restart began are not flaps.
	back, okB := ev["restart"]
	if !okB {
		back = rec
	}
	var firstDown time.Time
	last := 0
	for _, s := range samples {
		// A poll is judged by when it was answered: one sent while the
		// dependency was down may be answered after it came back.
		s.at = s.at.Add(s.took)
		if s.status != last && okF {
			r.Changes = append(r.Changes, fmt.Sprintf("%+.1fs %d", s.at.Sub(fault).Seconds(), s.status))
			last = s.status
		}
		r.SlowMs = max(r.SlowMs, float64(s.took.Microseconds())/1000)
		if s.status == -1 {
			r.NetErrs++
		}
		if !okF || s.at.Before(fault) {
			continue
		}
		if s.status == http.StatusServiceUnavailable && firstDown.IsZero() && (!okR || s.at.Before(rec)) {
			firstDown = s.at
			// A poll started just before the fault may answer after it:
			// count from the fault, never below zero.
			r.DownMs = float64(s.at.Sub(fault).Microseconds()) / 1000
		}
		if s.status == http.StatusOK && !firstDown.IsZero() && okR && s.at.Before(back) {
			r.Flaps++
		}
		if s.status == http.StatusOK && okR && !s.at.Before(back) && r.UpMs < 0 {
			r.UpMs = max(0, float64(s.at.Sub(rec).Microseconds())/1000)
		}
	}
	if !r.HaveBoth {
		r.Note = fmt.Sprintf("events missing (have %d)", len(ev))
	}
	return r
}
