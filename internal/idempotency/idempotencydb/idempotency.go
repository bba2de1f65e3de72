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
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// Insert claims a key; an existing (user, key) is a conflict.
func (s *Idempotency) Insert(ctx context.Context, r idempotency.Record) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := idempotencyRow{UserID: r.UserID, Key: r.Key, Method: r.Method, Path: r.Path, RequestHash: r.RequestHash,
		Status: r.Status, ContentType: r.ContentType, Body: string(r.Body), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	return translate(s.db.conn(ctx).Create(&row).Error, entIdempotencyKey, "insert idempotency key")
}

// Get loads one key.
func (s *Idempotency) Get(ctx context.Context, userID, key string) (idempotency.Record, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var row idempotencyRow
	if err := s.db.conn(ctx).Where("user_id = ? AND key = ?", userID, key).Take(&row).Error; err != nil {
		return idempotency.Record{}, translate(err, entIdempotencyKey, "load idempotency key")
	}
	return idempotency.Record{UserID: row.UserID, Key: row.Key, Method: row.Method, Path: row.Path,
		RequestHash: row.RequestHash, Status: row.Status, ContentType: row.ContentType, Body: []byte(row.Body),
		CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt}, nil
}

// Complete stores the answer of the request that claimed the key.
func (s *Idempotency) Complete(ctx context.Context, userID, key string, status int, contentType string, body []byte) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	err := s.db.conn(ctx).Model(&idempotencyRow{}).Where("user_id = ? AND key = ?", userID, key).
		Updates(map[string]any{"status": status, "content_type": contentType, "body": string(body)}).Error
	return translate(err, entIdempotencyKey, "complete idempotency key")
}

// Delete releases a key.
func (s *Idempotency) Delete(ctx context.Context, userID, key string) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	return translate(s.db.conn(ctx).Where("user_id = ? AND key = ?", userID, key).Delete(&idempotencyRow{}).Error,
		entIdempotencyKey, "delete idempotency key")
}

// DeleteExpired removes keys past their expiry.
func (s *Idempotency) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Where("expires_at <= ?", now).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error, entIdempotencyKey, "sweep idempotency keys")
}
