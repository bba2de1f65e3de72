// Package circularsdb keeps the published circulars and reads, in a few
// grouped queries, the facts a circular is computed from.
package circularsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store reads and keeps, as client error codes name them.
var (
	entCircular = store.NewEntity("circular")
	entProject  = store.NewEntity("project")
	entUnit     = store.NewEntity("unit")
	entOrder    = store.NewEntity("order")
	entTask     = store.NewEntity("campaign_task")
)

// Store implements circulars.Store and circulars.Programme.
type Store struct {
	db       *store.DB
	projects *projectsdb.Store
}

var (
	_ circulars.Store     = (*Store)(nil)
	_ circulars.Programme = (*Store)(nil)
)

// New returns the circulars store.
func New(db *store.DB) *Store { return &Store{db: db, projects: projectsdb.New(db)} }

type circularRow struct {
	Seq         int64 `gorm:"primaryKey;autoIncrement"`
	ID          string
	Period      string
	Version     int
	County      string
	AsOf        time.Time
	Figures     string
	SHA256      string `gorm:"column:sha256"`
	Files       string
	PublishedBy string
	PublishedAt time.Time
}

func (circularRow) TableName() string { return "circulars" }

// fileJSON is one stored file as the files column keeps it.
type fileJSON struct {
	Format      string `json:"format"`
	Key         string `json:"key"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func toRow(c circulars.Published) (circularRow, error) {
	fig, err := json.Marshal(c.Figures)
	if err != nil {
		return circularRow{}, fmt.Errorf("encode figures: %w", err)
	}
	files := make([]fileJSON, len(c.Files))
	for i, f := range c.Files {
		files[i] = fileJSON{Format: string(f.Format), Key: f.Key, SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType}
	}
	fb, err := json.Marshal(files)
	if err != nil {
		return circularRow{}, fmt.Errorf("encode files: %w", err)
	}
	return circularRow{ID: c.ID, Period: c.Period, Version: c.Version, County: c.County, AsOf: dateOf(c.AsOf),
		Figures: string(fig), SHA256: c.SHA256, Files: string(fb), PublishedBy: c.PublishedBy,
		PublishedAt: store.TS(c.PublishedAt)}, nil
}

func (r circularRow) toDomain() (circulars.Published, error) {
	c := circulars.Published{ID: r.ID, Seq: r.Seq, Period: r.Period, Version: r.Version, County: r.County,
		AsOf: dateOf(r.AsOf.UTC()), SHA256: r.SHA256, PublishedBy: r.PublishedBy, PublishedAt: r.PublishedAt.UTC()}
	// Figures is written by encoding/json from circulars.Figures (its
	// field names), so it reads back into the same struct.
	if err := json.Unmarshal([]byte(r.Figures), &c.Figures); err != nil {
		return c, fmt.Errorf("circular %s: figures: %w", r.ID, err)
	}
	var files []fileJSON
	if err := json.Unmarshal([]byte(r.Files), &files); err != nil {
		return c, fmt.Errorf("circular %s: files: %w", r.ID, err)
	}
	for _, f := range files {
		c.Files = append(c.Files, circulars.File{Format: circulars.Format(f.Format), Key: f.Key, SHA256: f.SHA256,
			Size: f.Size, ContentType: f.ContentType})
	}
	return c, nil
}

// InTx runs fn in a transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// LastVersion is the highest version of period (0 for none).
func (s *Store) LastVersion(ctx context.Context, period string) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var v *int
	err := s.db.Conn(ctx).Model(&circularRow{}).Select("MAX(version)").Where("period = ?", period).Scan(&v).Error
	if err != nil {
		return 0, store.Translate(err, entCircular, "last circular version")
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// Insert adds a publication; a taken (period, version) is a conflict.
func (s *Store) Insert(ctx context.Context, c circulars.Published) error {
	row, err := toRow(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entCircular, "insert circular")
}

// Get loads one publication.
func (s *Store) Get(ctx context.Context, id string) (circulars.Published, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row circularRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return circulars.Published{}, store.Translate(err, entCircular, "load circular")
	}
	return row.toDomain()
}

// List runs a keyset page, newest first.
func (s *Store) List(ctx context.Context, period string, beforeSeq int64, limit int) ([]circulars.Published, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&circularRow{})
	if period != "" {
		q = q.Where("period = ?", period)
	}
	if beforeSeq > 0 {
		q = q.Where("seq < ?", beforeSeq)
	}
	var rows []circularRow
	if err := q.Order("seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entCircular, "list circulars")
	}
	return store.Convert(rows, circularRow.toDomain)
}
