package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// The field day (docs/PERFORMANCE.md, docs/RELIABILITY.md): N phones, each
// its own inspector, log in, sync, file a check and upload three photos
// (one real test photo, two generated 12-megapixel JPEGs) and sync again;
// every few phones also take an order through its whole life with the
// unit's contractor: issue, acknowledge, respond with a photo, verify on
// site with a verification check and its photo. An office user polls the
// dashboards and the review queue meanwhile. Then the same N clients upload
// photos back to back through the API and, in the same run, put the same
// bytes straight into MinIO with minio-go, for the throughput ratio.
type fielddayOpts struct {
	base, admin, adminPass, office, officePass, contractor, contractorPass string
	photos, state                                                          string
	phones, rounds, orderEvery, generated, rate, pid, minTP, directEvery   int
	db                                                                     string
	s3, s3Access, s3Secret                                                 string
	maxRun                                                                 time.Duration
	// fault: a fault is injected during the day (the two-replica kill), so
	// answers a phone retries through (network errors, 5xx, 409 in
	// progress) are reported, not failures; every phone must still finish
	// and every order close. throughput: run the API-vs-bare-put phase.
	fault, throughput bool
	// small: the day's writes without its photo bodies' weight: 320×240
	// generated JPEGs and only the small real photos, so the requests
	// measure the write path rather than hashing and decoding 12 MP.
	small bool
}

func fielddayCmd(args []string) error {
	var o fielddayOpts
	fs := flag.NewFlagSet("fieldday", flag.ExitOnError)
	fs.StringVar(&o.base, "base", "http://127.0.0.1:18390", "server base URL (loopback only)")
	fs.StringVar(&o.admin, "admin", "admin", "an admin, who creates one inspector per phone")
	fs.StringVar(&o.adminPass, "admin-password", "faultdrill-admin-pass", "the admin's password")
	fs.StringVar(&o.office, "office", "office", "the office user polling the dashboards")
	fs.StringVar(&o.officePass, "office-password", "demo-office-pass", "")
	fs.StringVar(&o.contractor, "contractor", "contractor", "the contractor answering the orders (demo)")
	fs.StringVar(&o.contractorPass, "contractor-password", "demo-contractor-pass", "")
	fs.StringVar(&o.photos, "photos", "testdata/photos", "directory with the gps/, orientation/ and mobile/ test photos")
	fs.StringVar(&o.state, "state", "fieldday.json", "where to write what was sent and acknowledged (for `faultdrill verify`)")
	fs.IntVar(&o.phones, "n", 8, "phones at once")
	fs.IntVar(&o.rounds, "rounds", 2, "checks each phone files, one after the other")
	fs.IntVar(&o.orderEvery, "order-every", 4, "every k-th check is a failed one that the phone takes from order to verified closure")
	fs.IntVar(&o.directEvery, "direct-every", 0, "every k-th phone uploads its checks' photos by presigned PUT (start, PUT, complete); 0: none")
	fs.IntVar(&o.minTP, "throughput-photos", 96, "photos in the throughput comparison at the least (more checks per client when there are few)")
	fs.StringVar(&o.db, "db", "", "postgres:// URL (loopback, read only): wait for the rendition queue to drain before the throughput comparison")
	fs.IntVar(&o.generated, "generated", 6, "distinct generated 12-megapixel JPEGs to draw from")
	fs.IntVar(&o.rate, "rate", 0, "each phone's upload rate in bytes/s during the field day (0 = as fast as loopback)")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id, for its peak RSS (0: not reported)")
	fs.StringVar(&o.s3, "s3", "127.0.0.1:9100", "the server's MinIO, for the bare PutObject baseline")
	fs.StringVar(&o.s3Access, "s3-access", "", "MinIO access key")
	fs.StringVar(&o.s3Secret, "s3-secret", "", "MinIO secret key")
	fs.DurationVar(&o.maxRun, "d", 10*time.Minute, "give up after this long in all")
	fs.BoolVar(&o.fault, "fault", false, "a fault is injected: retried answers (network errors, 5xx, 409 in progress) are reported, not failures")
	fs.BoolVar(&o.small, "small", false, "small photos (320×240 generated, the real ones under 1 MB): the write path without the bytes' weight")
	fs.BoolVar(&o.throughput, "throughput", true, "after the day, compare upload throughput through the API with bare puts")
	_ = fs.Parse(args)
	for _, a := range []string{o.base, "tcp://" + o.s3} {
		if err := loopback.Check(a); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.maxRun)
	defer cancel()
	return runFieldday(ctx, o)
}

// fieldday is one run's shared state.
type fieldday struct {
	o          fielddayOpts
	c          *http.Client
	run        string // names this run's users, so runs can share a database
	projects   []project
	orderProj  project
	contractor *api
	office     *api
	real, big  [][]byte

	stats   *opStats
	mu      sync.Mutex
	st      Load
	orders  []orderOutcome
	uploadB int64
}

type orderOutcome struct {
	ID, Status string
}

func runFieldday(ctx context.Context, o fielddayOpts) error {
	f := &fieldday{o: o, c: newClient(60 * time.Second), run: uuid4()[:6], stats: newOpStats(),
		st: Load{Statuses: map[string]int{}, Started: time.Now()}}
	if err := f.setup(ctx); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	size := "12 MP"
	if o.small {
		size = "320×240"
	}
	fmt.Printf("%d phones × %d checks with 3 photos each (every %d-th check failed and taken from order to verified closure); %d real test photos and %d generated %s JPEGs; run %s\n\n",
		o.phones, o.rounds, o.orderEvery, len(f.real), len(f.big), size, f.run)

	phones, err := f.createPhones(ctx)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}

	// Phase 1: the field day.
	if o.fault {
		fmt.Println("fault: the phones are at work") // faults.sh injects its fault after this line
	}
	watch := newServerWatch(o.pid, o.base)
	wctx, stopWatch := context.WithCancel(ctx)
	go watch.run(wctx)
	start := time.Now()
	officeCtx, stopOffice := context.WithCancel(ctx)
	officeDone := make(chan struct{})
	go func() { defer close(officeDone); f.pollOffice(officeCtx) }()
	var wg sync.WaitGroup
	for i, ph := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sleep(ctx, time.Duration(i)*time.Second/time.Duration(len(phones)))
			f.fieldPhone(ctx, ph)
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	stopOffice()
	<-officeDone
	stopWatch()
	rss, gor := watch.peaks()

	fmt.Printf("**Field day** — %d phones, %.1f s wall:\n\n", o.phones, wall.Seconds())
	f.stats.table(os.Stdout, wall)
	fmt.Printf("\nphotos uploaded: %.1f MB in %.1f s = **%.1f MB/s**; server RSS %s before → peak %s; goroutines %d before → peak %d\n",
		float64(f.uploadB)/(1<<20), wall.Seconds(), float64(f.uploadB)/(1<<20)/wall.Seconds(), mb(watch.startRSS), mb(rss), watch.startGor, gor)

	// Phase 2: upload throughput through the API vs bare puts, once the
	// field day's renditions are done, so that they do not eat the CPU of
	// one side only.
	drain := func() error {
		if o.db == "" {
			return nil
		}
		_, err := waitRenditions(ctx, o.db)
		return err
	}
	if o.db != "" {
		took, err := waitRenditions(ctx, o.db)
		if err != nil {
			return err
		}
		fmt.Printf("\nrendition queue drained %.1f s after the last phone finished\n", took.Seconds())
	}
	if !o.throughput {
		return f.finish()
	}
	tp, err := f.throughput(ctx, phones, drain)
	if err != nil {
		return fmt.Errorf("throughput: %w", err)
	}
	fmt.Printf("\n**Upload throughput, %d clients at once** (%d photos, %.1f MB, the same bytes both ways):\n\n", o.phones, tp.photos, float64(tp.bytes)/(1<<20))
	fmt.Println("| path | wall s | MB/s | photos/s |")
	fmt.Println("|---|---|---|---|")
	for _, r := range tp.rows {
		fmt.Printf("| %s | %.2f | %.1f | %.1f |\n", r.name, r.wall.Seconds(), r.mbps(tp.bytes), float64(tp.photos)/r.wall.Seconds())
	}
	fmt.Printf("| **API ÷ bare PutObject** | | **%.2f** | |\n", tp.ratio())

	return f.finish()
}

// finish writes the state for `faultdrill verify` and fails on anything a
// field day must not see: an answer that is not 2xx, a phone that did not
// finish, an order not closed.
func (f *fieldday) finish() error {
	f.st.Stopped = time.Now()
	b, err := json.MarshalIndent(&f.st, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(f.o.state, b, 0o644); err != nil {
		return err
	}
	var problems []string
	if e := f.stats.errors(); len(e) > 0 && !f.o.fault {
		problems = append(problems, "answers that were not 2xx: "+statusList(e))
	} else if len(e) > 0 {
		fmt.Printf("\nanswers retried through during the fault: %s\n", statusList(e))
		for k := range e {
			if k != "neterr" && k != "409" && !strings.HasPrefix(k, "5") {
				problems = append(problems, "answers that were not 2xx and not retryable: "+statusList(e))
				break
			}
		}
	}
	done := 0
	for _, p := range f.st.Phones {
		if p.Done {
			done++
		} else {
			problems = append(problems, fmt.Sprintf("phone %s did not finish: %s", p.CheckID, p.Err))
		}
	}
	closed := 0
	for _, o := range f.orders {
		if o.Status == "closed" {
			closed++
		} else {
			problems = append(problems, fmt.Sprintf("order %s ended %q, not closed", o.ID, o.Status))
		}
	}
	fmt.Printf("\nchecks complete with 3 photos: %d/%d; orders taken to verified closure: %d/%d; photos uploaded by presigned PUT: %d; order steps found done on retry (409): %d\n",
		done, len(f.st.Phones), closed, len(f.orders), f.st.Direct, f.st.DoneBefore)
	if len(problems) > 0 {
		for i, p := range problems {
			if i == 12 {
				break
			}
			fmt.Fprintln(os.Stderr, "  FAIL fieldday: "+p)
		}
		return fmt.Errorf("%d problems", len(problems))
	}
	return nil
}

// setup logs in the office and the contractor, picks the projects, and
// reads the photos.
func (f *fieldday) setup(ctx context.Context) error {
	var err error
	if f.office, err = login(ctx, f.o.base, f.o.office, f.o.officePass); err != nil {
		return err
	}
	if f.contractor, err = login(ctx, f.o.base, f.o.contractor, f.o.contractorPass); err != nil {
		return err
	}
	var me struct {
		Unit string `json:"unit"`
	}
	if _, err := f.contractor.getJSON(ctx, "/api/v1/me", &me); err != nil {
		return err
	}
	var page struct {
		Items []struct {
			project
			Unit string `json:"responsible_unit"`
		} `json:"items"`
	}
	if _, err := f.office.getJSON(ctx, "/api/v1/projects?limit=100", &page); err != nil {
		return err
	}
	for _, p := range page.Items {
		if p.Location == nil {
			continue
		}
		f.projects = append(f.projects, p.project)
		if p.Unit == me.Unit && f.orderProj.ID == "" {
			f.orderProj = p.project
		}
	}
	if len(f.projects) == 0 || f.orderProj.ID == "" {
		return fmt.Errorf("need projects with a location, one of them the contractor's unit's (start the server with --demo)")
	}
	for _, name := range []string{"gps/DSCN0010.jpg", "gps/DSCN0021.jpg", "gps/DSCN0029.jpg", "orientation/landscape_1.jpg",
		"orientation/landscape_6.jpg", "mobile/HMD_Nokia_8.3_5G.jpg"} {
		b, err := os.ReadFile(filepath.Join(f.o.photos, name))
		if err != nil {
			return err
		}
		if f.o.small && len(b) > 1<<20 {
			continue
		}
		f.real = append(f.real, b)
	}
	w, h := 4000, 3000
	if f.o.small {
		w, h = 320, 240
	}
	f.big = make([][]byte, f.o.generated)
	var wg sync.WaitGroup
	for i := range f.big {
		wg.Add(1)
		go func() { defer wg.Done(); f.big[i] = generateJPEGSize(uint64(1000+i), w, h) }()
	}
	wg.Wait()
	return nil
}

// fieldPhone is one phone and its own inspector account.
type fieldPhone struct {
	n          int
	user, pass string
	a          *api
	cursor     string
	direct     bool // uploads its checks' photos by presigned PUT
}

// createPhones makes one inspector per phone, as the admin would.
func (f *fieldday) createPhones(ctx context.Context) ([]*fieldPhone, error) {
	admin, err := login(ctx, f.o.base, f.o.admin, f.o.adminPass)
	if err != nil {
		return nil, err
	}
	phones := make([]*fieldPhone, f.o.phones)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for i := range phones {
		ph := &fieldPhone{n: i, user: fmt.Sprintf("fd-%s-%03d", f.run, i), pass: "fieldday-pass-" + f.run,
			direct: f.o.directEvery > 0 && i%f.o.directEvery == f.o.directEvery-1}
		phones[i] = ph
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := admin.do(ctx, http.MethodPost, "/api/v1/users", "application/json", mustJSON(map[string]any{
				"username": ph.user, "display_name": "Field-day inspector " + fmt.Sprint(i), "role": "inspector", "password": ph.pass}), 0)
			if r.err != nil || r.status != http.StatusCreated {
				mu.Lock()
				firstErr = fmt.Errorf("create %s: %d %v %s", ph.user, r.status, r.err, trim(r.body))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return phones, firstErr
}
