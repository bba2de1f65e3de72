package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

type verifyOpts struct {
	scenario, base, user, password, state, readyz, db string
	s3, s3Access, s3Secret, bucket                    string
	latencyLimit, orphanWait, renderWait, renderGrace time.Duration
	readyzDep, header                                 bool
	orphansMade                                       string
}

func verifyCmd(args []string) error {
	var o verifyOpts
	fs := flag.NewFlagSet("verify", flag.ExitOnError)
	fs.StringVar(&o.scenario, "scenario", "?", "scenario name for the table row")
	fs.StringVar(&o.base, "base", "http://127.0.0.1:18390", "server base URL (loopback only)")
	fs.StringVar(&o.user, "user", "inspector", "the phones' user")
	fs.StringVar(&o.password, "password", "demo-inspector-pass", "that user's password")
	fs.StringVar(&o.state, "state", "load.json", "the state file of `faultdrill load`")
	fs.StringVar(&o.readyz, "readyz", "", "the result file of `faultdrill readyz` (optional)")
	fs.StringVar(&o.db, "db", "", "postgres:// URL of the drill's database, read only (direct, not through the proxy)")
	fs.StringVar(&o.s3, "s3", "127.0.0.1:9100", "the drill's MinIO")
	fs.StringVar(&o.s3Access, "s3-access", "", "MinIO access key")
	fs.StringVar(&o.s3Secret, "s3-secret", "", "MinIO secret key")
	fs.StringVar(&o.bucket, "bucket", "", "fieldproof's bucket")
	fs.DurationVar(&o.latencyLimit, "latency-limit", 0, "fail if an upload's server time exceeded this (0: report only)")
	fs.DurationVar(&o.orphanWait, "orphan-wait", 20*time.Second, "how long orphans may take to be swept")
	fs.DurationVar(&o.renderWait, "render-wait", 2*time.Minute, "how long renditions and jobs may take to finish after the load (the bound)")
	fs.DurationVar(&o.renderGrace, "render-grace", 0, "past the bound, keep waiting this long to report when they did finish")
	fs.BoolVar(&o.readyzDep, "readyz-dep", true, "a dependency went down: require /readyz 503 during and 200 within 10 s after")
	fs.BoolVar(&o.header, "header", false, "print the table header first")
	fs.StringVar(&o.orphansMade, "orphans-made", "?", "objects the server left for the sweeper (its log's count), for the report")
	_ = fs.Parse(args)
	return runVerify(o)
}

// verdict collects the invariant results of one scenario.
type verdict struct {
	cells    map[string]string
	failures []string
}

func (v *verdict) fail(format string, a ...any) {
	v.failures = append(v.failures, fmt.Sprintf(format, a...))
}

const tableHeader = "| scenario | phones (done) | uploads attempted / acknowledged / retried | in flight at fault | answers (checks + uploads) | max upload server time (limit) | readyz 503 after | readyz 200 after | SHA-256 read back | checks & photos per UUID | rows → objects | orphans (made; at end of load → swept) | jobs & renditions | result |\n" +
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

func runVerify(o verifyOpts) error {
	if o.header {
		fmt.Println(tableHeader)
	}
	for _, a := range []string{o.base, "tcp://" + o.s3} {
		if err := loopback.Check(a); err != nil {
			return err
		}
	}
	if u, err := url.Parse(o.db); err != nil || loopback.Check("tcp://"+u.Host) != nil {
		return fmt.Errorf("-db must be a postgres:// URL on loopback")
	}
	var st Load
	b, err := os.ReadFile(o.state)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.renderWait+o.renderGrace+o.orphanWait+5*time.Minute)
	defer cancel()
	v := &verdict{cells: map[string]string{}}

	// Read only: the drill inspects, it never repairs.
	dbURL := o.db + sep(o.db) + "default_transaction_read_only=on"
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer db.Close(ctx)
	mc, err := minio.New(o.s3, &minio.Options{Creds: credentials.NewStaticV4(o.s3Access, o.s3Secret, "")})
	if err != nil {
		return err
	}
	a, err := login(ctx, o.base, o.user, o.password)
	if err != nil {
		return err
	}

	// A canary orphan, as an upload whose row never committed leaves one:
	// it proves the sweeper still runs after the fault.
	canary, planted := "originals/faultdrill-canary-"+uuid4(), time.Now()
	if _, err := mc.PutObject(ctx, o.bucket, canary, strings.NewReader("canary"), 6, minio.PutObjectOptions{}); err != nil {
		return fmt.Errorf("plant canary orphan: %w", err)
	}
	orphansAtEnd, err := orphans(ctx, db, mc, o.bucket)
	if err != nil {
		return err
	}
	loadCells(v, &st, o)
	readyzCells(v, o)
	jobsAndRenditions(ctx, v, db, o.renderWait, o.renderGrace)
	phoneChecks(ctx, v, a, &st)
	rowChecks(ctx, v, db, mc, o.bucket, &st)

	// Orphans: every object under originals/ must end referenced by a row.
	start := time.Now()
	left := orphansAtEnd
	for len(left) > 0 && time.Since(start) < o.orphanWait {
		sleep(ctx, time.Second)
		if left, err = orphans(ctx, db, mc, o.bucket); err != nil {
			return err
		}
	}
	made := o.orphansMade + " made; "
	if len(left) > 0 {
		v.fail("%d unreferenced originals still in the bucket %s after waiting, e.g. %s", len(left), o.orphanWait, left[0])
		v.cells["orphans"] = made + fmt.Sprintf("canary + %d at end → %d left", len(orphansAtEnd)-1, len(left))
	} else {
		v.cells["orphans"] = made + fmt.Sprintf("canary + %d at end → 0 within %.0f s", len(orphansAtEnd)-1, time.Since(planted).Seconds())
	}

	result := "PASS"
	if len(v.failures) > 0 {
		result = fmt.Sprintf("FAIL (%d)", len(v.failures))
	}
	c := v.cells
	fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", o.scenario, c["phones"], c["uploads"],
		c["inflight"], c["answers"], c["latency"], c["down"], c["up"], c["sha"], c["checks"], c["rows"], c["orphans"], c["jobs"], result)
	for i, f := range v.failures {
		if i == 12 {
			fmt.Fprintf(os.Stderr, "  … and %d more\n", len(v.failures)-i)
			break
		}
		fmt.Fprintln(os.Stderr, "  FAIL "+o.scenario+": "+f)
	}
	if len(v.failures) > 0 {
		return fmt.Errorf("%s: %d invariant failures", o.scenario, len(v.failures))
	}
	return nil
}

func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

func loadCells(v *verdict, st *Load, o verifyOpts) {
	done := 0
	for _, p := range st.Phones {
		if p.Done {
			done++
		} else {
			v.fail("phone %s did not finish: %s", p.CheckID, p.Err)
		}
	}
	v.cells["phones"] = fmt.Sprintf("%d (%d)", len(st.Phones), done)
	v.cells["uploads"] = fmt.Sprintf("%d / %d / %d", st.Uploads, st.Acked, st.Retried)
	if st.Direct > 0 {
		v.cells["uploads"] += fmt.Sprintf(" (%d photos by presigned PUT)", st.Direct)
	}
	var parts []string
	for _, k := range sortedKeys(st.Statuses) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, st.Statuses[k]))
	}
	v.cells["answers"] = strings.Join(parts, " ")
	if st.Statuses["500"] > 0 {
		v.fail("%d answers were 500 (a dependency outage should be 503 with Retry-After)", st.Statuses["500"])
	}
	lim := "report only"
	if o.latencyLimit > 0 {
		lim = "≤ " + o.latencyLimit.String()
		if st.MaxUploadMs > float64(o.latencyLimit.Milliseconds()) {
			v.fail("an upload took %.0f ms of server time, limit %s (%s)", st.MaxUploadMs, o.latencyLimit, st.Slowest)
		}
	}
	v.cells["latency"] = fmt.Sprintf("%.0f ms (%s)", st.MaxUploadMs, lim)
	if st.Direct > 0 {
		v.cells["latency"] += fmt.Sprintf("; direct complete %.0f ms", st.MaxCompleteMs)
	}
}

func readyzCells(v *verdict, o verifyOpts) {
	v.cells["down"], v.cells["up"], v.cells["inflight"] = "-", "-", "-"
	if o.readyz == "" {
		return
	}
	var r Readyz
	b, err := os.ReadFile(o.readyz)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		v.fail("readyz result: %v", err)
		return
	}
	ms := func(x float64) string {
		if x < 0 {
			return "never"
		}
		return fmt.Sprintf("%.1f s", x/1000)
	}
	v.cells["down"], v.cells["up"], v.cells["inflight"] = ms(r.DownMs), ms(r.UpMs), r.InFlight
	if !o.readyzDep {
		v.cells["down"] = "n/a (" + fmt.Sprint(r.NetErrs) + " polls unanswered)"
		if r.UpMs < 0 {
			v.fail("/readyz never 200 after the restart")
		}
		return
	}
	if !r.HaveBoth {
		v.fail("readyz: %s", r.Note)
	}
	if r.DownMs < 0 {
		v.fail("/readyz was never 503 while the dependency was down")
	}
	if r.Flaps > 0 {
		v.fail("/readyz answered 200 %d times while the dependency was down", r.Flaps)
		v.cells["down"] += fmt.Sprintf(" (%d×200 while down)", r.Flaps)
	}
	if r.UpMs < 0 || r.UpMs > 10000 {
		v.fail("/readyz back to 200 after %s, limit 10 s", ms(r.UpMs))
	}
	if r.NetErrs > 0 {
		v.fail("/readyz went unanswered %d times (slowest %.0f ms)", r.NetErrs, r.SlowMs)
	}
}

// jobsAndRenditions waits until no photo's rendition is pending and no job
// is left queued or running, then fails on anything that failed or took
// longer than limit. Past the limit it keeps waiting up to grace, so the
// report says when the stragglers did finish.
func jobsAndRenditions(ctx context.Context, v *verdict, db *pgx.Conn, limit, grace time.Duration) {
	start := time.Now()
	var pending, failed, total, openJobs, failedJobs int
	var atLimit string
	for {
		err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE rendition_status = 'pending'),
			count(*) FILTER (WHERE rendition_status <> 'pending' AND rendition_status <> 'ready'), count(*) FROM photos`).
			Scan(&pending, &failed, &total)
		if err == nil {
			err = db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status IN ('queued', 'running')),
				count(*) FILTER (WHERE status = 'failed') FROM jobs`).Scan(&openJobs, &failedJobs)
		}
		if err != nil {
			v.fail("jobs query: %v", err)
			v.cells["jobs"] = "error"
			return
		}
		if pending == 0 && openJobs == 0 {
			break
		}
		if time.Since(start) > limit && atLimit == "" {
			atLimit = fmt.Sprintf("%d renditions pending, %d jobs queued or running", pending, openJobs)
			v.fail("after %s: %s", limit, atLimit)
		}
		if time.Since(start) > limit+grace {
			break
		}
		sleep(ctx, time.Second)
	}
	took := time.Since(start)
	v.cells["jobs"] = fmt.Sprintf("%d/%d ready in %.0f s", total-pending-failed, total, took.Seconds())
	if atLimit != "" {
		v.cells["jobs"] = fmt.Sprintf("over %s: %s; %d/%d ready after %.0f s", limit, atLimit, total-pending-failed, total, took.Seconds())
	}
	if failed > 0 || failedJobs > 0 {
		v.fail("%d photos with rendition_status failed, %d jobs failed", failed, failedJobs)
		v.cells["jobs"] += fmt.Sprintf(", %d failed", failed+failedJobs)
	}
}

// phoneChecks reads every phone's check and photos back through the API.
func phoneChecks(ctx context.Context, v *verdict, a *api, st *Load) {
	var mu sync.Mutex
	shaOK, shaN, checksOK := 0, 0, 0
	failf := func(format string, args ...any) {
		mu.Lock()
		v.fail(format, args...)
		mu.Unlock()
	}
	work := make(chan *Phone)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				good, n := checkPhone(ctx, a, p, failf)
				mu.Lock()
				shaOK += good
				shaN += n
				if good == n && n == 3 {
					checksOK++
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range st.Phones {
		if p.CheckStatus != 0 {
			work <- p
		}
	}
	close(work)
	wg.Wait()
	for _, x := range st.Extra.Photos {
		shaN++
		if readBack(ctx, a, x.ID, x.SentSHA, x.AckSHA, x.AckStatus, failf) {
			shaOK++
		}
	}
	v.cells["sha"] = fmt.Sprintf("%d/%d", shaOK, shaN)
	v.cells["checks"] = fmt.Sprintf("%d/%d", checksOK, len(st.Phones))
}

// checkPhone: the check exists, is complete and lists its 3 photos; its
// photo list has exactly those 3; each acknowledged photo's metadata and
// original bytes have the acknowledged SHA-256. It returns how many
// acknowledged photos read back right, out of how many were acknowledged.
func checkPhone(ctx context.Context, a *api, p *Phone, failf func(string, ...any)) (good, acked int) {
	var chk struct {
		ID       string   `json:"id"`
		Status   string   `json:"status"`
		PhotoIDs []string `json:"photo_ids"`
		Missing  []string `json:"missing_photo_ids"`
	}
	if _, err := a.getJSON(ctx, "/api/v1/checks/"+p.CheckID, &chk); err != nil {
		failf("check %s acknowledged %d but unreadable: %v", p.CheckID, p.CheckStatus, err)
		return 0, 0
	}
	if p.Done && (chk.Status != "complete" || len(chk.Missing) > 0) {
		failf("check %s: status %q, missing photos %v", p.CheckID, chk.Status, chk.Missing)
	}
	if !slices.Equal(sortedCopy(chk.PhotoIDs), sortedCopy(p.PhotoIDs)) {
		failf("check %s lists photos %v, the phone sent %v", p.CheckID, chk.PhotoIDs, p.PhotoIDs)
	}
	var list struct {
		Items []struct {
			ID     string `json:"id"`
			SHA256 string `json:"sha256"`
		} `json:"items"`
	}
	if _, err := a.getJSON(ctx, "/api/v1/checks/"+p.CheckID+"/photos", &list); err != nil {
		failf("photos of check %s: %v", p.CheckID, err)
		return 0, 0
	}
	var ids []string
	for _, it := range list.Items {
		ids = append(ids, it.ID)
	}
	if p.Done && !slices.Equal(sortedCopy(ids), sortedCopy(p.PhotoIDs)) {
		failf("check %s has photos %v, want exactly %v", p.CheckID, ids, p.PhotoIDs)
	}
	for i, id := range p.PhotoIDs {
		if p.AckStatus[i] == 0 {
			continue
		}
		acked++
		if readBack(ctx, a, id, p.SentSHA[i], p.AckSHA[i], p.AckStatus[i], failf) {
			good++
		}
	}
	return good, acked
}

// readBack: an acknowledged photo's acknowledgement, metadata and original
// bytes all carry the SHA-256 of what was sent.
func readBack(ctx context.Context, a *api, id, sent, acked string, status int, failf func(string, ...any)) bool {
	if acked != sent {
		failf("photo %s: acknowledged sha256 %s, the phone sent %s", id, acked, sent)
		return false
	}
	var ph struct {
		SHA256 string `json:"sha256"`
	}
	if _, err := a.getJSON(ctx, "/api/v1/photos/"+id, &ph); err != nil {
		failf("photo %s acknowledged %d but unreadable: %v", id, status, err)
		return false
	}
	if ph.SHA256 != acked {
		failf("photo %s: sha256 %s, acknowledged %s", id, ph.SHA256, acked)
		return false
	}
	data, err := a.fetchOriginal(ctx, id)
	if err != nil {
		failf("photo %s original: %v", id, err)
		return false
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != acked {
		failf("photo %s: original bytes hash to %s, acknowledged %s", id, got, acked)
		return false
	}
	return true
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

// rowChecks: one photo row per acknowledged UUID and none for UUIDs the
// drill never sent, one check row per phone, and every row's object present
// with the row's size — among the rows made since the load began.
func rowChecks(ctx context.Context, v *verdict, db *pgx.Conn, mc *minio.Client, bucket string, st *Load) {
	sent := map[string]bool{}
	acked := 0
	checks := map[string]bool{}
	for _, p := range st.Phones {
		checks[p.CheckID] = true
		for i, id := range p.PhotoIDs {
			sent[id] = true
			if p.AckStatus[i] != 0 {
				acked++
			}
		}
	}
	for _, id := range st.Extra.Checks {
		checks[id] = true
	}
	for _, x := range st.Extra.Photos {
		sent[x.ID] = true
		if x.AckStatus != 0 {
			acked++
		}
	}
	// Rows made before the load began are not the drill's: the demo county
	// the server starts with has a check with a photo of its own.
	var nChecks int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM checks WHERE created_at >= $1`, st.Started).Scan(&nChecks); err != nil {
		v.fail("checks query: %v", err)
	}
	rows, err := db.Query(ctx, `SELECT id, parent_id, object_key, size_bytes FROM photos WHERE created_at >= $1`, st.Started)
	if err != nil {
		v.fail("photos query: %v", err)
		v.cells["rows"] = "error"
		return
	}
	type row struct {
		id, parent, key string
		size            int64
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.parent, &r.key, &r.size); err != nil {
			v.fail("photos scan: %v", err)
			break
		}
		all = append(all, r)
	}
	rows.Close()
	if nChecks != len(checks) {
		v.fail("%d check rows, the drill filed %d checks", nChecks, len(checks))
	}
	if len(all) != acked {
		v.fail("%d photo rows, %d photos acknowledged", len(all), acked)
	}
	orderChecks(ctx, v, db, st)
	missing := 0
	for _, r := range all {
		if !sent[r.id] {
			v.fail("photo row %s was never sent by the drill", r.id)
		}
		info, err := mc.StatObject(ctx, bucket, r.key, minio.StatObjectOptions{})
		if err != nil {
			missing++
			v.fail("photo %s: object %s: %v", r.id, r.key, err)
		} else if info.Size != r.size {
			missing++
			v.fail("photo %s: object %s has %d bytes, row says %d", r.id, r.key, info.Size, r.size)
		}
	}
	v.cells["rows"] = fmt.Sprintf("%d rows, %d missing", len(all), missing)
	if missing == 0 {
		v.cells["rows"] = fmt.Sprintf("%d rows, 0 missing", len(all))
	}
}

// orderChecks: one order per order the drill issued (each issued with its
// own Idempotency-Key, retried with it) and one response per response it
// submitted, none the drill did not make.
func orderChecks(ctx context.Context, v *verdict, db *pgx.Conn, st *Load) {
	if len(st.Extra.Orders) == 0 {
		return
	}
	issued := map[string]bool{}
	for _, id := range st.Extra.Orders {
		issued[id] = true
	}
	rows, err := db.Query(ctx, `SELECT o.id, (SELECT count(*) FROM order_responses r WHERE r.order_id = o.id)
		FROM orders o WHERE o.created_at >= $1`, st.Started)
	if err != nil {
		v.fail("orders query: %v", err)
		return
	}
	defer rows.Close()
	n, responses := 0, 0
	for rows.Next() {
		var id string
		var r int
		if err := rows.Scan(&id, &r); err != nil {
			v.fail("orders scan: %v", err)
			return
		}
		n++
		responses += r
		if !issued[id] {
			v.fail("order row %s was never acknowledged to the drill (a retried issue made a second order?)", id)
		}
	}
	if n != len(issued) {
		v.fail("%d order rows, the drill issued %d orders", n, len(issued))
	}
	if responses != st.Extra.Responses {
		v.fail("%d order responses, the drill submitted %d", responses, st.Extra.Responses)
	}
	v.cells["checks"] += fmt.Sprintf("; %d orders, %d responses", n, responses)
}

// orphans lists originals no photo row references.
func orphans(ctx context.Context, db *pgx.Conn, mc *minio.Client, bucket string) ([]string, error) {
	used := map[string]bool{}
	rows, err := db.Query(ctx, `SELECT object_key FROM photos`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		used[k] = true
	}
	rows.Close()
	var out []string
	for o := range mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "originals/", Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("list bucket: %w", o.Err)
		}
		if !used[o.Key] {
			out = append(out, o.Key)
		}
	}
	return out, nil
}

// jobsCmd prints how many rendition jobs are queued or running.
func jobsCmd(args []string) error {
	fs := flag.NewFlagSet("jobs", flag.ExitOnError)
	dbURL := fs.String("db", "", "postgres:// URL (loopback), read only")
	_ = fs.Parse(args)
	if u, err := url.Parse(*dbURL); err != nil || loopback.Check("tcp://"+u.Host) != nil {
		return fmt.Errorf("-db must be a postgres:// URL on loopback")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := pgx.Connect(ctx, *dbURL+sep(*dbURL)+"default_transaction_read_only=on")
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	var queued, running int
	err = db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'running')
		FROM jobs WHERE kind = 'photo.renditions'`).Scan(&queued, &running)
	if err != nil {
		return err
	}
	fmt.Printf("%d queued, %d running\n", queued, running)
	return nil
}
