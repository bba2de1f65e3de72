package projectsdb

import (
	"context"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// IndicatorByID loads one indicator.
func (s *Store) IndicatorByID(ctx context.Context, id string) (projects.Indicator, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row indicatorRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return projects.Indicator{}, store.Translate(err, entIndicator, "load indicator")
	}
	return row.toDomain()
}

// CountIndicatorValues counts an indicator's recorded figures.
func (s *Store) CountIndicatorValues(ctx context.Context, indicatorID string) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int64
	err := s.db.Conn(ctx).Model(&indicatorValueRow{}).Where("indicator_id = ?", indicatorID).Count(&n).Error
	return n, store.Translate(err, entIndicatorValue, "count indicator values")
}

// DeleteIndicator removes an indicator; its figures must be gone (the
// foreign key refuses otherwise).
func (s *Store) DeleteIndicator(ctx context.Context, id string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&indicatorRow{})
	if res.Error != nil {
		return store.Translate(res.Error, entIndicator, "delete indicator")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entIndicator, "delete indicator")
	}
	return nil
}
