package idempotencydb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entIdempotencyKey = store.NewEntity("idempotency_key")
)

// Store implements idempotency.Store.
type Store struct{ db *store.DB }

var _ idempotency.Store = (*Store)(nil)

// New returns the Store-Key store.
func New(db *store.DB) *Store { return &Store{db: db} }

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
func (s *Store) Insert(ctx context.Context, r idempotency.Record) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := idempotencyRow{UserID: r.UserID, Key: r.Key, Method: r.Method, Path: r.Path, RequestHash: r.RequestHash,
		Status: r.Status, ContentType: r.ContentType, Body: string(r.Body), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entIdempotencyKey, "insert idempotency key")
}

// Get loads one key.
func (s *Store) Get(ctx context.Context, userID, key string) (idempotency.Record, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row idempotencyRow
	if err := s.db.Conn(ctx).Where("user_id = ? AND key = ?", userID, key).Take(&row).Error; err != nil {
		return idempotency.Record{}, store.Translate(err, entIdempotencyKey, "load idempotency key")
	}
	return idempotency.Record{UserID: row.UserID, Key: row.Key, Method: row.Method, Path: row.Path,
		RequestHash: row.RequestHash, Status: row.Status, ContentType: row.ContentType, Body: []byte(row.Body),
		CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt}, nil
}

// Complete stores the answer of the request that claimed the key.
func (s *Store) Complete(ctx context.Context, userID, key string, status int, contentType string, body []byte) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := s.db.Conn(ctx).Model(&idempotencyRow{}).Where("user_id = ? AND key = ?", userID, key).
		Updates(map[string]any{"status": status, "content_type": contentType, "body": string(body)}).Error
	return store.Translate(err, entIdempotencyKey, "complete idempotency key")
}

// Delete releases a key.
func (s *Store) Delete(ctx context.Context, userID, key string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Where("user_id = ? AND key = ?", userID, key).Delete(&idempotencyRow{}).Error,
		entIdempotencyKey, "delete idempotency key")
}

// DeleteExpired removes keys past their expiry.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("expires_at <= ?", now).Delete(&idempotencyRow{})
	return res.RowsAffected, store.Translate(res.Error, entIdempotencyKey, "sweep idempotency keys")
}
