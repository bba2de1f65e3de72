package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/org"
)

// Org implements org.Store.
type Org struct{ db *DB }

var _ org.Store = (*Org)(nil)

// NewOrg returns the townships and units store.
func NewOrg(db *DB) *Org { return &Org{db: db} }

type townshipRow struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
}

func (townshipRow) TableName() string { return "townships" }

func (r townshipRow) toDomain() org.Township {
	return org.Township{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
}

type unitRow struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	Kind      string
	CreatedAt time.Time
}

func (unitRow) TableName() string { return "units" }

func (r unitRow) toDomain() org.Unit {
	return org.Unit{ID: r.ID, Name: r.Name, Kind: org.UnitKind(r.Kind), CreatedAt: r.CreatedAt.UTC()}
}

// onNameConflict makes an INSERT a no-op when the name is taken (both
// engines speak ON CONFLICT … DO NOTHING).
var onNameConflict = clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}

// ListTownships lists townships by name.
func (s *Org) ListTownships(ctx context.Context, limit int) ([]org.Township, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var rows []townshipRow
	if err := s.db.conn(ctx).Order("name").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, entTownship, "list townships")
	}
	out := make([]org.Township, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// TownshipByName finds a township by its exact name.
func (s *Org) TownshipByName(ctx context.Context, name string) (org.Township, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var r townshipRow
	err := s.db.conn(ctx).Where("name = ?", name).Take(&r).Error
	return r.toDomain(), translate(err, entTownship, "load township")
}

// InsertTownship inserts a township.
func (s *Org) InsertTownship(ctx context.Context, t org.Township) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := townshipRow{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Create(&row).Error, entTownship, "insert township")
}

// InsertTownshipIfAbsent inserts t unless the name exists.
func (s *Org) InsertTownshipIfAbsent(ctx context.Context, t org.Township) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := townshipRow{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Clauses(onNameConflict).Create(&row).Error, entTownship, "insert township")
}

// ListUnits lists units by name.
func (s *Org) ListUnits(ctx context.Context, limit int) ([]org.Unit, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var rows []unitRow
	if err := s.db.conn(ctx).Order("name").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, entUnit, "list units")
	}
	out := make([]org.Unit, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UnitByName finds a unit by its exact name.
func (s *Org) UnitByName(ctx context.Context, name string) (org.Unit, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var r unitRow
	err := s.db.conn(ctx).Where("name = ?", name).Take(&r).Error
	return r.toDomain(), translate(err, entUnit, "load unit")
}

// InsertUnit inserts a unit.
func (s *Org) InsertUnit(ctx context.Context, u org.Unit) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := unitRow{ID: u.ID, Name: u.Name, Kind: string(u.Kind), CreatedAt: u.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Create(&row).Error, entUnit, "insert unit")
}

// InsertUnitIfAbsent inserts u unless the name exists.
func (s *Org) InsertUnitIfAbsent(ctx context.Context, u org.Unit) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := unitRow{ID: u.ID, Name: u.Name, Kind: string(u.Kind), CreatedAt: u.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Clauses(onNameConflict).Create(&row).Error, entUnit, "insert unit")
}
