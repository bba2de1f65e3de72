package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

type tpRow struct {
	name string
	wall time.Duration
}

func (r tpRow) mbps(b int64) float64 { return float64(b) / (1 << 20) / r.wall.Seconds() }

type tpResult struct {
	photos int
	bytes  int64
	rows   []tpRow // bare, API, bare
}

// ratio is the API's throughput over the bare puts' (their mean, one run
// before and one after, so that a machine warming up or tiring favours
// neither side).
func (t tpResult) ratio() float64 {
	bare := (t.rows[0].wall.Seconds() + t.rows[2].wall.Seconds()) / 2
	return bare / t.rows[1].wall.Seconds()
}

type tpClient struct {
	ph     *fieldPhone
	checks []*Phone
	data   [][][]byte // per check, its three photos
}

// throughput: each phone files checks (not timed), then all of them at
// once upload the checks' photos back to back through the API; the same
// bytes, by the same number of clients at once, are put straight into a
// scratch bucket of the same MinIO with minio-go (given the size, as the
// server's store does), once before and once after, each with no
// rendition running (drain waits for the queue to empty).
func (f *fieldday) throughput(ctx context.Context, phones []*fieldPhone, drain func() error) (tpResult, error) {
	var res tpResult
	mc, err := minio.New(f.o.s3, &minio.Options{Creds: credentials.NewStaticV4(f.o.s3Access, f.o.s3Secret, "")})
	if err != nil {
		return res, err
	}
	bucket := "fieldday-bare-" + f.run
	if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return res, fmt.Errorf("bare bucket: %w", err)
	}
	defer dropBucket(mc, bucket)

	perClient := max(1, (f.o.minTP+3*len(phones)-1)/(3*len(phones)))
	var clients []*tpClient
	for _, ph := range phones {
		if ph.a == nil || ph.a.token == "" {
			continue
		}
		c := &tpClient{ph: ph}
		for k := range perClient {
			p := &Phone{CheckID: uuid4(), AckStatus: make([]int, 3), AckSHA: make([]string, 3)}
			var data [][]byte
			n := (ph.n+k)*7 + 5
			for i := range 3 {
				id := uuid4()
				p.PhotoIDs = append(p.PhotoIDs, id)
				d := f.photo(n, i, id)
				sum := sha256.Sum256(d)
				p.SentSHA = append(p.SentSHA, hex.EncodeToString(sum[:]))
				data = append(data, d)
				res.photos++
				res.bytes += int64(len(d))
			}
			r, err := f.call(ctx, ph.a, "throughput: check", http.MethodPost, "/api/v1/checks",
				checkBody(p.CheckID, f.projects[n%len(f.projects)], "progress", map[string]any{"percent_complete": 50}, p.PhotoIDs,
					time.Now().Add(-time.Minute)), "")
			if err != nil {
				return res, err
			}
			p.CheckStatus = r.status
			f.mu.Lock()
			f.st.Phones = append(f.st.Phones, p)
			f.mu.Unlock()
			c.checks, c.data = append(c.checks, p), append(c.data, data)
		}
		clients = append(clients, c)
	}

	bare := func(round string) (tpRow, error) {
		var mu sync.Mutex
		var firstErr error
		wall := together(clients, func(c *tpClient) {
			for k, p := range c.checks {
				for i, d := range c.data[k] {
					_, err := mc.PutObject(ctx, bucket, "bare/"+round+"/"+p.PhotoIDs[i], bytes.NewReader(d), int64(len(d)),
						minio.PutObjectOptions{ContentType: "image/jpeg"})
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
				}
			}
		})
		return tpRow{"bare minio-go PutObject (" + round + ")", wall}, firstErr
	}
	before, err := bare("before")
	if err != nil {
		return res, err
	}
	apiWall := together(clients, func(c *tpClient) {
		for k, p := range c.checks {
			for i, d := range c.data[k] {
				status, ack, err := f.uploadAs(ctx, "throughput: upload", c.ph.a, "/api/v1/checks/"+p.CheckID+"/photos", p.PhotoIDs[i], d)
				if err != nil {
					p.Err = err.Error()
					return
				}
				p.AckStatus[i], p.AckSHA[i] = status, ack
			}
			p.Done = true
		}
	})
	// The API's uploads queued renditions; let them finish first, or they
	// would slow the bare puts down and flatter the ratio.
	if err := drain(); err != nil {
		return res, err
	}
	after, err := bare("after")
	if err != nil {
		return res, err
	}
	res.rows = []tpRow{before, {"API: POST /checks/{id}/photos (multipart)", apiWall}, after}
	return res, nil
}

// together runs fn for every client at once and answers the wall time.
func together(clients []*tpClient, fn func(*tpClient)) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); fn(c) }()
	}
	wg.Wait()
	return time.Since(start)
}

// dropBucket removes the scratch bucket with everything in it.
func dropBucket(mc *minio.Client, bucket string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	objs := mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
	for e := range mc.RemoveObjects(ctx, bucket, objs, minio.RemoveObjectsOptions{}) {
		_ = e
	}
	_ = mc.RemoveBucket(ctx, bucket)
}

// waitRenditions waits until no job is queued or running (at most 10 min)
// and answers how long that took.
func waitRenditions(ctx context.Context, dbURL string) (time.Duration, error) {
	if u, err := url.Parse(dbURL); err != nil || loopback.Check("tcp://"+u.Host) != nil {
		return 0, fmt.Errorf("-db must be a postgres:// URL on loopback")
	}
	db, err := pgx.Connect(ctx, dbURL+sep(dbURL)+"default_transaction_read_only=on")
	if err != nil {
		return 0, err
	}
	defer db.Close(ctx)
	start := time.Now()
	for time.Since(start) < 10*time.Minute {
		var open int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')`).Scan(&open); err != nil {
			return 0, err
		}
		if open == 0 {
			return time.Since(start), nil
		}
		sleep(ctx, 250*time.Millisecond)
	}
	return 0, fmt.Errorf("rendition queue not drained after 10 minutes")
}
