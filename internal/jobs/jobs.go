// Package jobs is a durable job queue kept in the database: work to do is a
// row, so it survives a restart, and several replicas can share it without
// running one job twice (PostgreSQL claims with FOR UPDATE SKIP LOCKED;
// SQLite has a single writer). A claim is a lease: a replica that dies
// mid-job leaves a lease that expires, and the job is claimed again.
package jobs

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"
)

// Job is one unit of background work.
type Job struct {
	ID          string
	Kind        string
	Payload     json.RawMessage
	Attempts    int // including the current one, once claimed
	MaxAttempts int
	RunAt       time.Time
}

// State is what Inspect reports about a job.
type State struct {
	Job
	Status    string // queued, running, done, failed
	LastError string
}

// The statuses a job moves through.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Store is the persistence the queue needs; internal/store implements it.
// Enqueue joins the caller's transaction when its ctx carries one, so a row
// and the job that finishes it commit together.
type Store interface {
	Enqueue(ctx context.Context, j Job, now time.Time) error
	// Claim leases up to n due jobs of the given kinds (queued and due, or
	// running with an expired lease) to worker until now+lease.
	Claim(ctx context.Context, worker string, kinds []string, n int, lease time.Duration, now time.Time) ([]Job, error)
	// Complete and Retry/Fail only act while worker still holds the lease, so
	// a replica whose lease expired cannot overwrite the new holder's result.
	Complete(ctx context.Context, id, worker string, now time.Time) error
	Retry(ctx context.Context, id, worker, lastErr string, runAt, now time.Time) error
	Fail(ctx context.Context, id, worker, lastErr string, now time.Time) error
	// Release queues again the jobs leased to worker except those in held,
	// undoing their claim. A claim whose answer was lost (the connection
	// dropped after the database committed it) leaves jobs leased to a
	// worker that never saw them; the worker releases them rather than
	// leave them idle until the lease expires.
	Release(ctx context.Context, worker string, held []string, now time.Time) (int, error)
	Inspect(ctx context.Context, id string) (State, error)
}

// Backoff is the delay before retry number attempt (1-based): exponential
// from base, capped, with up to 50% jitter so jobs that failed together
// (say, while the object store was down) do not all come back together.
func Backoff(attempt int, base, maxDelay time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	return d/2 + rand.N(d/2+1)
}
