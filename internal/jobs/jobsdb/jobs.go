package jobsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/store"
	"gorm.io/gorm"
)

// The records this store keeps, as client error codes name them.
var (
	entJob = store.NewEntity("job")
)

// Store is the durable queue's table.
type Store struct{ db *store.DB }

// New returns the job store.
func New(db *store.DB) *Store { return &Store{db: db} }

var _ jobs.Store = (*Store)(nil)

type jobRow struct {
	ID          string
	Kind        string
	Payload     string
	Status      string
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	LockedUntil *time.Time
	LockedBy    string
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (jobRow) TableName() string { return "jobs" }

func (r jobRow) job() jobs.Job {
	return jobs.Job{ID: r.ID, Kind: r.Kind, Payload: json.RawMessage(r.Payload),
		Attempts: r.Attempts, MaxAttempts: r.MaxAttempts, RunAt: r.RunAt}
}

// Enqueue inserts a queued job, inside the caller's transaction if any.
func (s *Store) Enqueue(ctx context.Context, j jobs.Job, now time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 5
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	r := jobRow{ID: j.ID, Kind: j.Kind, Payload: payload, Status: jobs.StatusQueued,
		MaxAttempts: j.MaxAttempts, RunAt: store.TS(j.RunAt), CreatedAt: store.TS(now), UpdatedAt: store.TS(now)}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entJob, "insert job")
}

// Claim leases due jobs. On PostgreSQL the inner SELECT skips rows another
// replica has locked, so concurrent claimers never take the same job; on
// SQLite the single UPDATE runs under the one write lock, which gives the
// same guarantee.
func (s *Store) Claim(ctx context.Context, worker string, kinds []string, n int, lease time.Duration, now time.Time) ([]jobs.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	lock := ""
	if s.db.Dialect() == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	now = store.TS(now)
	q := `UPDATE jobs SET status = ?, attempts = attempts + 1, locked_by = ?, locked_until = ?, updated_at = ?
WHERE id IN (SELECT id FROM jobs
  WHERE kind IN ? AND ((status = ? AND run_at <= ?) OR (status = ? AND locked_until < ?))
  ORDER BY run_at LIMIT ?` + lock + `)
RETURNING id, kind, payload, status, attempts, max_attempts, run_at`
	var rows []jobRow
	err := s.db.Conn(ctx).Raw(q, jobs.StatusRunning, worker, now.Add(lease), now,
		kinds, jobs.StatusQueued, now, jobs.StatusRunning, now, n).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entJob, "claim jobs")
	}
	out := make([]jobs.Job, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, nil
}

// Release implements jobs.Store. The attempt the lost claim counted is
// given back: the job never ran.
func (s *Store) Release(ctx context.Context, worker string, held []string, now time.Time) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&jobRow{}).Where("status = ? AND locked_by = ?", jobs.StatusRunning, worker)
	if len(held) > 0 {
		q = q.Where("id NOT IN ?", held)
	}
	res := q.Updates(map[string]any{"status": jobs.StatusQueued, "locked_by": "", "locked_until": nil,
		"attempts": gorm.Expr("CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"), "updated_at": store.TS(now)})
	if res.Error != nil {
		return 0, store.Translate(res.Error, entJob, "release jobs")
	}
	return int(res.RowsAffected), nil
}

// finish updates a job only while worker still holds its lease.
func (s *Store) finish(ctx context.Context, id, worker string, set map[string]any) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&jobRow{}).
		Where("id = ? AND status = ? AND locked_by = ?", id, jobs.StatusRunning, worker).Updates(set)
	if res.Error != nil {
		return store.Translate(res.Error, entJob, "update job")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("job %s: lease lost", id)
	}
	return nil
}

// Complete marks a job done.
func (s *Store) Complete(ctx context.Context, id, worker string, now time.Time) error {
	return s.finish(ctx, id, worker, map[string]any{"status": jobs.StatusDone,
		"locked_until": nil, "updated_at": store.TS(now)})
}

// Retry queues a job again at runAt.
func (s *Store) Retry(ctx context.Context, id, worker, lastErr string, runAt, now time.Time) error {
	return s.finish(ctx, id, worker, map[string]any{"status": jobs.StatusQueued, "run_at": store.TS(runAt),
		"locked_until": nil, "locked_by": "", "last_error": lastErr, "updated_at": store.TS(now)})
}

// Fail ends a job as failed, keeping its last error visible.
func (s *Store) Fail(ctx context.Context, id, worker, lastErr string, now time.Time) error {
	return s.finish(ctx, id, worker, map[string]any{"status": jobs.StatusFailed,
		"locked_until": nil, "last_error": lastErr, "updated_at": store.TS(now)})
}

// Inspect reads one job.
func (s *Store) Inspect(ctx context.Context, id string) (jobs.State, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r jobRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return jobs.State{}, store.Translate(err, entJob, "load job")
	}
	return jobs.State{Job: r.job(), Status: r.Status, LastError: r.LastError}, nil
}
