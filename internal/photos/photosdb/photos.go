package photosdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entPhoto = store.NewEntity("photo")
)

// Photos is the photo table.
type Photos struct{ db *store.DB }

// NewPhotos returns the photo store.
func NewPhotos(db *store.DB) *Photos { return &Photos{db: db} }

var _ photos.Store = (*Photos)(nil)

type photoRow struct {
	ID              string
	ParentKind      string
	ParentID        string
	ProjectID       string
	UploadedBy      string
	ObjectKey       string
	Sha256          string `gorm:"column:sha256"`
	SizeBytes       int64
	ContentType     string
	Width           int
	Height          int
	Exif            string
	Lat             *float64
	Lon             *float64
	Altitude        *float64
	TakenAt         *time.Time
	TakenOffset     string
	Make            string
	Model           string
	Orientation     int
	PhoneLat        *float64
	PhoneLon        *float64
	PhoneTime       *time.Time
	Flags           string
	ChainageM       *float64
	OffsetM         *float64
	Side            string
	Phash           *int64
	RenditionStatus string
	CreatedAt       time.Time
}

func (photoRow) TableName() string { return "photos" }

func toPhotoRow(p photos.Photo) (photoRow, error) {
	ex, err := json.Marshal(p.EXIF)
	if err != nil {
		return photoRow{}, err
	}
	fl, err := json.Marshal(p.Flags)
	if err != nil {
		return photoRow{}, err
	}
	r := photoRow{ID: p.ID, ParentKind: p.ParentKind, ParentID: p.ParentID, ProjectID: p.ProjectID,
		UploadedBy: p.UploadedBy, ObjectKey: p.ObjectKey, Sha256: p.SHA256, SizeBytes: p.SizeBytes,
		ContentType: p.ContentType, Width: p.Width, Height: p.Height, Exif: string(ex),
		Lat: p.EXIF.Lat, Lon: p.EXIF.Lon, Altitude: p.EXIF.Altitude, Make: p.EXIF.Make, Model: p.EXIF.Model,
		Orientation: p.EXIF.Orientation, PhoneLat: p.PhoneLat, PhoneLon: p.PhoneLon, PhoneTime: p.PhoneTime,
		Flags: string(fl), ChainageM: p.ChainageM, OffsetM: p.OffsetM, Side: p.Side,
		RenditionStatus: p.RenditionStatus, CreatedAt: store.TS(p.CreatedAt)}
	if t := p.EXIF.TakenAt; t != nil {
		// The column holds the instant; the offset (or its absence) is kept
		// beside it and in the exif document, which is the source of truth.
		u := t.UTC()
		r.TakenAt = &u
		if p.EXIF.OffsetKnown {
			r.TakenOffset = t.Format("-07:00")
		}
	}
	if p.PHash != nil {
		v := int64(*p.PHash)
		r.Phash = &v
	}
	return r, nil
}

func (r photoRow) photo() (photos.Photo, error) {
	p := photos.Photo{ID: r.ID, ParentKind: r.ParentKind, ParentID: r.ParentID, ProjectID: r.ProjectID,
		UploadedBy: r.UploadedBy, ObjectKey: r.ObjectKey, SHA256: r.Sha256, SizeBytes: r.SizeBytes,
		ContentType: r.ContentType, Width: r.Width, Height: r.Height, PhoneLat: r.PhoneLat, PhoneLon: r.PhoneLon,
		ChainageM: r.ChainageM, OffsetM: r.OffsetM, Side: r.Side, RenditionStatus: r.RenditionStatus,
		CreatedAt: r.CreatedAt.UTC()}
	if r.PhoneTime != nil {
		t := r.PhoneTime.UTC()
		p.PhoneTime = &t
	}
	if err := json.Unmarshal([]byte(r.Exif), &p.EXIF); err != nil {
		return p, fmt.Errorf("photo %s exif: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Flags), &p.Flags); err != nil {
		return p, fmt.Errorf("photo %s flags: %w", r.ID, err)
	}
	if r.Phash != nil {
		v := uint64(*r.Phash)
		p.PHash = &v
	}
	return p, nil
}

// InTx runs fn in one transaction.
func (s *Photos) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// Insert adds a photo.
func (s *Photos) Insert(ctx context.Context, p photos.Photo) error {
	r, err := toPhotoRow(p)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entPhoto, "insert photo")
}

// Get loads a photo.
func (s *Photos) Get(ctx context.Context, id string) (photos.Photo, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r photoRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return photos.Photo{}, store.Translate(err, entPhoto, "load photo")
	}
	return r.photo()
}

func (s *Photos) list(rows []photoRow) ([]photos.Photo, error) {
	out := make([]photos.Photo, 0, len(rows))
	for _, r := range rows {
		p, err := r.photo()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ListByParent lists a parent's photos, oldest first.
func (s *Photos) ListByParent(ctx context.Context, parentID string) ([]photos.Photo, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []photoRow
	if err := s.db.Conn(ctx).Where("parent_id = ?", parentID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entPhoto, "list photos")
	}
	return s.list(rows)
}

// ListByParents is ListByParent for many parents in one query: each
// parent's photos, oldest first; parents without photos are absent.
func (s *Photos) ListByParents(ctx context.Context, parentIDs []string) (map[string][]photos.Photo, error) {
	out := map[string][]photos.Photo{}
	if len(parentIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []photoRow
	if err := s.db.Conn(ctx).Where("parent_id IN ?", parentIDs).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entPhoto, "list photos")
	}
	list, err := s.list(rows)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		out[p.ParentID] = append(out[p.ParentID], p)
	}
	return out, nil
}

// StoredPhotoIDs maps each of checkIDs that has photos to their ids, so a
// check can say which announced photos are still missing.
func (s *Photos) StoredPhotoIDs(ctx context.Context, checkIDs []string) (map[string][]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct{ ID, ParentID string }
	err := s.db.Conn(ctx).Model(&photoRow{}).Select("id, parent_id").Where("parent_id IN ?", checkIDs).
		Order("id").Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entPhoto, "list photo ids")
	}
	out := make(map[string][]string)
	for _, r := range rows {
		out[r.ParentID] = append(out[r.ParentID], r.ID)
	}
	return out, nil
}

// FirstBySHA256 finds the earliest other photo with the same bytes.
func (s *Photos) FirstBySHA256(ctx context.Context, sha, exceptID string) (photos.Photo, bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []photoRow
	err := s.db.Conn(ctx).Where("sha256 = ? AND id <> ?", sha, exceptID).Order("created_at, id").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return photos.Photo{}, false, store.Translate(err, entPhoto, "find photo by hash")
	}
	p, err := rows[0].photo()
	return p, err == nil, err
}

// PHashes lists the perceptual hashes of other parents' photos. A linear
// scan: Hamming distance has no index in either engine, and the table is
// one county's photos.
func (s *Photos) PHashes(ctx context.Context, exceptParentID string) ([]photos.HashRef, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		ID       string
		ParentID string
		Phash    int64
	}
	err := s.db.Conn(ctx).Model(&photoRow{}).Select("id, parent_id, phash").
		Where("phash IS NOT NULL AND parent_id <> ?", exceptParentID).Order("created_at, id").Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entPhoto, "list photo hashes")
	}
	out := make([]photos.HashRef, len(rows))
	for i, r := range rows {
		out[i] = photos.HashRef{PhotoID: r.ID, ParentID: r.ParentID, PHash: uint64(r.Phash)}
	}
	return out, nil
}

// SetRenditions records the rendition job's outcome.
func (s *Photos) SetRenditions(ctx context.Context, id, status string, phash *uint64, flags photos.Flags) error {
	fl, err := json.Marshal(flags)
	if err != nil {
		return err
	}
	set := map[string]any{"rendition_status": status, "flags": string(fl)}
	if phash != nil {
		set["phash"] = int64(*phash)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Model(&photoRow{}).Where("id = ?", id).Updates(set).Error, entPhoto, "update photo")
}

// ExistingKeys reports which object keys a row references.
func (s *Photos) ExistingKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var found []string
	if err := s.db.Conn(ctx).Model(&photoRow{}).Where("object_key IN ?", keys).Pluck("object_key", &found).Error; err != nil {
		return nil, store.Translate(err, entPhoto, "check photo keys")
	}
	out := make(map[string]bool, len(found))
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}

// Each visits every photo in id order, a page at a time, so reconcile
// never holds the table in memory or a query open while it hashes.
func (s *Photos) Each(ctx context.Context, fn func(photos.Photo) error) error {
	after := ""
	for {
		qctx, cancel := s.db.Ctx(ctx)
		var rows []photoRow
		err := s.db.Conn(qctx).Where("id > ?", after).Order("id").Limit(100).Find(&rows).Error
		cancel()
		if err != nil {
			return store.Translate(err, entPhoto, "list photos")
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			p, err := r.photo()
			if err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		after = rows[len(rows)-1].ID
	}
}
