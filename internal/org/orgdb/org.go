package orgdb

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entTownship = store.NewEntity("township")
	entUnit     = store.NewEntity("unit")
)

// Store implements org.Store.
type Store struct{ db *store.DB }

var _ org.Store = (*Store)(nil)

// New returns the townships and units store.
func New(db *store.DB) *Store { return &Store{db: db} }

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
	Leader    string
	CreatedAt time.Time
}

func (unitRow) TableName() string { return "units" }

func (r unitRow) toDomain() org.Unit {
	return org.Unit{ID: r.ID, Name: r.Name, Kind: org.UnitKind(r.Kind), Leader: r.Leader, CreatedAt: r.CreatedAt.UTC()}
}

// onNameConflict makes an INSERT a no-op when the name is taken (both
// engines speak ON CONFLICT … DO NOTHING).
var onNameConflict = clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}

// ListTownships lists townships by name.
func (s *Store) ListTownships(ctx context.Context, limit int) ([]org.Township, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []townshipRow
	if err := s.db.Conn(ctx).Order("name").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entTownship, "list townships")
	}
	out := make([]org.Township, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// TownshipByName finds a township by its exact name.
func (s *Store) TownshipByName(ctx context.Context, name string) (org.Township, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r townshipRow
	err := s.db.Conn(ctx).Where("name = ?", name).Take(&r).Error
	return r.toDomain(), store.Translate(err, entTownship, "load township")
}

// InsertTownship inserts a township.
func (s *Store) InsertTownship(ctx context.Context, t org.Township) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := townshipRow{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entTownship, "insert township")
}

// InsertTownshipIfAbsent inserts t unless the name exists.
func (s *Store) InsertTownshipIfAbsent(ctx context.Context, t org.Township) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := townshipRow{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Clauses(onNameConflict).Create(&row).Error, entTownship, "insert township")
}

// ListUnits lists units by name.
func (s *Store) ListUnits(ctx context.Context, limit int) ([]org.Unit, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []unitRow
	if err := s.db.Conn(ctx).Order("name").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entUnit, "list units")
	}
	out := make([]org.Unit, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UnitByName finds a unit by its exact name.
func (s *Store) UnitByName(ctx context.Context, name string) (org.Unit, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r unitRow
	err := s.db.Conn(ctx).Where("name = ?", name).Take(&r).Error
	return r.toDomain(), store.Translate(err, entUnit, "load unit")
}

// InsertUnit inserts a unit.
func (s *Store) InsertUnit(ctx context.Context, u org.Unit) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := unitRow{ID: u.ID, Name: u.Name, Kind: string(u.Kind), Leader: u.Leader, CreatedAt: u.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entUnit, "insert unit")
}

// InsertUnitIfAbsent inserts u unless the name exists.
func (s *Store) InsertUnitIfAbsent(ctx context.Context, u org.Unit) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := unitRow{ID: u.ID, Name: u.Name, Kind: string(u.Kind), Leader: u.Leader, CreatedAt: u.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Clauses(onNameConflict).Create(&row).Error, entUnit, "insert unit")
}

// UnitByID loads a unit by id.
func (s *Store) UnitByID(ctx context.Context, id string) (org.Unit, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r unitRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r.toDomain(), store.Translate(err, entUnit, "load unit")
}

// SetUnitLeader writes a unit's leader.
func (s *Store) SetUnitLeader(ctx context.Context, id, leader string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&unitRow{}).Where("id = ?", id).Update("leader", leader)
	if res.Error != nil {
		return store.Translate(res.Error, entUnit, "set unit leader")
	}
	if res.RowsAffected == 0 {
		return errs.NotFound("unit")
	}
	return nil
}
