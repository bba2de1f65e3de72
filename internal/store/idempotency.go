package store

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/idempotency"
)

// Idempotency implements idempotency.Store.
type Idempotency struct{ db *DB }

var _ idempotency.Store = (*Idempotency)(nil)

// NewIdempotency returns the Idempotency-Key store.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db} }

type idempotencyRow struct {
	UserID      string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	Method      string
	Path        string
	RequestHash string
	Status      int
	ContentType string
	Body        string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt   time.Time
	Owner       string
	LeaseUntil  *time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// Insert claims a key; an existing (user, key) is a conflict.
func (s *Idempotency) Insert(ctx context.Context, r idempotency.Record) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := idempotencyRow{UserID: r.UserID, Key: r.Key, Method: r.Method, Path: r.Path, RequestHash: r.RequestHash,
		Status: r.Status, ContentType: r.ContentType, Body: string(r.Body), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		Owner: r.Owner, LeaseUntil: tsp(&r.LeaseUntil)}
	return translate(s.db.conn(ctx).Create(&row).Error, "insert idempotency key")
}

// Get loads one key.
func (s *Idempotency) Get(ctx context.Context, userID, key string) (idempotency.Record, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var row idempotencyRow
	if err := s.db.conn(ctx).Where("user_id = ? AND key = ?", userID, key).Take(&row).Error; err != nil {
		return idempotency.Record{}, translate(err, "load idempotency key")
	}
	r := idempotency.Record{UserID: row.UserID, Key: row.Key, Method: row.Method, Path: row.Path,
		RequestHash: row.RequestHash, Status: row.Status, ContentType: row.ContentType, Body: []byte(row.Body),
		CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt, Owner: row.Owner}
	if row.LeaseUntil != nil {
		r.LeaseUntil = row.LeaseUntil.UTC()
	}
	return r, nil
}

// Complete stores the answer of the request that holds the key.
func (s *Idempotency) Complete(ctx context.Context, userID, key, owner string, status int, contentType string, body []byte) (bool, error) {
	return s.update(ctx, userID, key, owner, map[string]any{"status": status, "content_type": contentType,
		"body": string(body), "owner": "", "lease_until": nil}, "complete idempotency key")
}

// Renew extends the lease of the request that holds the key.
func (s *Idempotency) Renew(ctx context.Context, userID, key, owner string, leaseUntil time.Time) (bool, error) {
	return s.update(ctx, userID, key, owner, map[string]any{"lease_until": ts(leaseUntil)}, "renew idempotency key")
}

// update changes a running key only while owner still holds it.
func (s *Idempotency) update(ctx context.Context, userID, key, owner string, set map[string]any, what string) (bool, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Model(&idempotencyRow{}).
		Where("user_id = ? AND key = ? AND status = 0 AND owner = ?", userID, key, owner).Updates(set)
	return res.RowsAffected == 1, translate(res.Error, what)
}

// TakeOver hands a running key whose lease lapsed to a new owner. The
// old owner and the lapsed lease are both conditions, so of two retries
// racing for a dead request's key exactly one wins.
func (s *Idempotency) TakeOver(ctx context.Context, userID, key, oldOwner, owner string, now, leaseUntil time.Time) (bool, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Model(&idempotencyRow{}).
		Where("user_id = ? AND key = ? AND status = 0 AND owner = ? AND (lease_until IS NULL OR lease_until <= ?)",
			userID, key, oldOwner, ts(now)).
		Updates(map[string]any{"owner": owner, "lease_until": ts(leaseUntil)})
	return res.RowsAffected == 1, translate(res.Error, "take over idempotency key")
}

// Release drops a running key so a retry can run, if owner still holds it.
func (s *Idempotency) Release(ctx context.Context, userID, key, owner string) (bool, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Where("user_id = ? AND key = ? AND status = 0 AND owner = ?", userID, key, owner).
		Delete(&idempotencyRow{})
	return res.RowsAffected == 1, translate(res.Error, "release idempotency key")
}

// Delete releases a key.
func (s *Idempotency) Delete(ctx context.Context, userID, key string) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	return translate(s.db.conn(ctx).Where("user_id = ? AND key = ?", userID, key).Delete(&idempotencyRow{}).Error,
		"delete idempotency key")
}

// DeleteExpired removes keys past their expiry.
func (s *Idempotency) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Where("expires_at <= ?", now).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error, "sweep idempotency keys")
}
