package photosdb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entUpload = store.NewEntity("upload")
)

// Uploads is the table of direct-upload sessions.
type Uploads struct{ db *store.DB }

// NewUploads returns the upload-session store.
func NewUploads(db *store.DB) *Uploads { return &Uploads{db: db} }

var _ photos.UploadStore = (*Uploads)(nil)

type uploadRow struct {
	ID             string
	ParentID       string
	PhotoID        string
	StagingKey     string
	ExpectedSize   int64
	ExpectedSha256 string `gorm:"column:expected_sha256"`
	ContentType    string
	PhoneLat       *float64
	PhoneLon       *float64
	PhoneTime      *time.Time
	ExpiresAt      time.Time
	CreatedBy      string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
}

func (uploadRow) TableName() string { return "uploads" }

func toUploadRow(u photos.Upload) uploadRow {
	r := uploadRow{ID: u.ID, ParentID: u.ParentID, PhotoID: u.PhotoID, StagingKey: u.StagingKey,
		ExpectedSize: u.ExpectedSize, ExpectedSha256: u.ExpectedSHA256, ContentType: u.ContentType,
		PhoneLat: u.PhoneLat, PhoneLon: u.PhoneLon, ExpiresAt: store.TS(u.ExpiresAt), CreatedBy: u.CreatedBy,
		CreatedAt: store.TS(u.CreatedAt)}
	if u.PhoneTime != nil {
		t := store.TS(*u.PhoneTime)
		r.PhoneTime = &t
	}
	return r
}

func (r uploadRow) upload() photos.Upload {
	u := photos.Upload{ID: r.ID, ParentID: r.ParentID, PhotoID: r.PhotoID, StagingKey: r.StagingKey,
		ExpectedSize: r.ExpectedSize, ExpectedSHA256: r.ExpectedSha256, ContentType: r.ContentType,
		PhoneLat: r.PhoneLat, PhoneLon: r.PhoneLon, ExpiresAt: r.ExpiresAt.UTC(), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC()}
	if r.PhoneTime != nil {
		t := r.PhoneTime.UTC()
		u.PhoneTime = &t
	}
	return u
}

// InsertUpload adds a session.
func (s *Uploads) InsertUpload(ctx context.Context, u photos.Upload) error {
	r := toUploadRow(u)
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entUpload, "insert upload")
}

// GetUpload loads a session.
func (s *Uploads) GetUpload(ctx context.Context, id string) (photos.Upload, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r uploadRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return photos.Upload{}, store.Translate(err, entUpload, "load upload")
	}
	return r.upload(), nil
}

// LiveUpload finds the newest session for a photo that has not expired.
func (s *Uploads) LiveUpload(ctx context.Context, photoID string, now time.Time) (photos.Upload, bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []uploadRow
	err := s.db.Conn(ctx).Where("photo_id = ? AND expires_at > ?", photoID, store.TS(now)).
		Order("expires_at DESC, id").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return photos.Upload{}, false, store.Translate(err, entUpload, "find upload")
	}
	return rows[0].upload(), true, nil
}

// DeleteUpload removes a session.
func (s *Uploads) DeleteUpload(ctx context.Context, id string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Where("id = ?", id).Delete(&uploadRow{}).Error, entUpload, "delete upload")
}

// DeadUploads lists sessions that expired before cutoff, oldest first.
func (s *Uploads) DeadUploads(ctx context.Context, cutoff time.Time, limit int) ([]photos.Upload, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []uploadRow
	err := s.db.Conn(ctx).Where("expires_at < ?", store.TS(cutoff)).Order("expires_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entUpload, "list expired uploads")
	}
	out := make([]photos.Upload, len(rows))
	for i, r := range rows {
		out[i] = r.upload()
	}
	return out, nil
}

// StagingKeysInUse reports which staging keys a session names.
func (s *Uploads) StagingKeysInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var found []string
	if err := s.db.Conn(ctx).Model(&uploadRow{}).Where("staging_key IN ?", keys).Pluck("staging_key", &found).Error; err != nil {
		return nil, store.Translate(err, entUpload, "check staging keys")
	}
	out := make(map[string]bool, len(found))
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}
