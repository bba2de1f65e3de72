package photosdb

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entIntent = store.NewEntity("upload_intent")
	entLease  = store.NewEntity("lease")
)

// Intents implements photos.IntentStore: upload intents and the named
// leases background work takes turns by.
type Intents struct{ db *store.DB }

var _ photos.IntentStore = (*Intents)(nil)

// NewIntents returns the upload-intent store.
func NewIntents(db *store.DB) *Intents { return &Intents{db: db} }

type intentRow struct {
	Key       string    `gorm:"primaryKey"`
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt time.Time
}

func (intentRow) TableName() string { return "object_intents" }

// RecordIntent notes that key is about to be put.
func (s *Intents) RecordIntent(ctx context.Context, key string, now, expires time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := intentRow{Key: key, CreatedAt: store.TS(now), ExpiresAt: store.TS(expires)}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entIntent, "record upload intent")
}

// ConsumeIntent deletes key's intent inside the caller's transaction; a
// missing intent (the sweeper took it) is errs.ErrNotFound, which must
// abort the transaction that would reference the object.
func (s *Intents) ConsumeIntent(ctx context.Context, key string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("key = ?", key).Delete(&intentRow{})
	if res.Error != nil {
		return store.Translate(res.Error, entIntent, "consume upload intent")
	}
	if res.RowsAffected != 1 {
		return store.Translate(gorm.ErrRecordNotFound, entIntent, "consume upload intent")
	}
	return nil
}

// ReleaseIntent drops key's intent (its object is gone or never landed).
func (s *Intents) ReleaseIntent(ctx context.Context, key string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Where("key = ?", key).Delete(&intentRow{}).Error, entIntent, "release upload intent")
}

// Intents returns the expiry of each key that has an intent.
func (s *Intents) Intents(ctx context.Context, keys []string) (map[string]time.Time, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []intentRow
	if err := s.db.Conn(ctx).Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entIntent, "load upload intents")
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Key] = r.ExpiresAt.UTC()
	}
	return out, nil
}

// TakeLapsedIntent deletes key's intent if it expired before now. The
// expiry is a condition of the delete, so an intent consumed or renewed
// meanwhile is left alone.
func (s *Intents) TakeLapsedIntent(ctx context.Context, key string, now time.Time) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("key = ? AND expires_at <= ?", key, store.TS(now)).Delete(&intentRow{})
	return res.RowsAffected == 1, store.Translate(res.Error, entIntent, "take lapsed upload intent")
}

// TryLease takes or keeps the named lease (store.DB.TryLease).
func (s *Intents) TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	return s.db.TryLease(ctx, name, holder, now, until)
}
