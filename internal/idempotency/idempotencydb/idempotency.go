package idempotencydb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/store"
)

// Idempotency implements idempotency.Store.
type Store struct{ db *store.DB }

var _ idempotency.Store = (*Store)(nil)

// New returns the Idempotency-Key store.
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
	Owner       string
	LeaseUntil  *time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// The records this store keeps, as client error codes name them.
var entIdempotencyKey = store.NewEntity("idempotency_key")

func leaseTS(t time.Time) *time.Time {
	u := store.TS(t)
	return &u
}

// Insert claims a key; an existing (user, key) is a conflict.
func (s *Store) Insert(ctx context.Context, r idempotency.Record) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := idempotencyRow{UserID: r.UserID, Key: r.Key, Method: r.Method, Path: r.Path, RequestHash: r.RequestHash,
		Status: r.Status, ContentType: r.ContentType, Body: string(r.Body), CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		Owner: r.Owner, LeaseUntil: leaseTS(r.LeaseUntil)}
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
	r := idempotency.Record{UserID: row.UserID, Key: row.Key, Method: row.Method, Path: row.Path,
		RequestHash: row.RequestHash, Status: row.Status, ContentType: row.ContentType, Body: []byte(row.Body),
		CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt, Owner: row.Owner}
	if row.LeaseUntil != nil {
		r.LeaseUntil = row.LeaseUntil.UTC()
	}
	return r, nil
}

// Complete stores the answer of the request that holds the key.
func (s *Store) Complete(ctx context.Context, userID, key, owner string, status int, contentType string, body []byte) (bool, error) {
	return s.update(ctx, userID, key, owner, map[string]any{"status": status, "content_type": contentType,
		"body": string(body), "owner": "", "lease_until": nil}, "complete idempotency key")
}

// Renew extends the lease of the request that holds the key.
func (s *Store) Renew(ctx context.Context, userID, key, owner string, leaseUntil time.Time) (bool, error) {
	return s.update(ctx, userID, key, owner, map[string]any{"lease_until": store.TS(leaseUntil)}, "renew idempotency key")
}

// update changes a running key only while owner still holds it.
func (s *Store) update(ctx context.Context, userID, key, owner string, set map[string]any, what string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&idempotencyRow{}).
		Where("user_id = ? AND key = ? AND status = 0 AND owner = ?", userID, key, owner).Updates(set)
	return res.RowsAffected == 1, store.Translate(res.Error, entIdempotencyKey, what)
}

// TakeOver hands a running key whose lease lapsed to a new owner. The
// old owner and the lapsed lease are both conditions, so of two retries
// racing for a dead request's key exactly one wins.
func (s *Store) TakeOver(ctx context.Context, userID, key, oldOwner, owner string, now, leaseUntil time.Time) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&idempotencyRow{}).
		Where("user_id = ? AND key = ? AND status = 0 AND owner = ? AND (lease_until IS NULL OR lease_until <= ?)",
			userID, key, oldOwner, store.TS(now)).
		Updates(map[string]any{"owner": owner, "lease_until": store.TS(leaseUntil)})
	return res.RowsAffected == 1, store.Translate(res.Error, entIdempotencyKey, "take over idempotency key")
}

// Release drops a running key so a retry can run, if owner still holds it.
func (s *Store) Release(ctx context.Context, userID, key, owner string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("user_id = ? AND key = ? AND status = 0 AND owner = ?", userID, key, owner).
		Delete(&idempotencyRow{})
	return res.RowsAffected == 1, store.Translate(res.Error, entIdempotencyKey, "release idempotency key")
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
