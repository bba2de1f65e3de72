package projectsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

var (
	entIndicator      = store.NewEntity("indicator")
	entIndicatorValue = store.NewEntity("indicator_value")
)

type indicatorRow struct {
	ID           string `gorm:"primaryKey"`
	ProjectID    string
	Position     int
	Name         string
	Unit         string
	Target       float64
	Plan         string
	Value        float64
	ValueDate    *time.Time
	OnTrackUntil *time.Time
	CreatedBy    string
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

func (indicatorRow) TableName() string { return "project_indicators" }

func toIndicatorRow(ind projects.Indicator) (indicatorRow, error) {
	plan := ind.Plan
	if plan == nil {
		plan = []projects.PlanPoint{}
	}
	b, err := json.Marshal(plan)
	if err != nil {
		return indicatorRow{}, fmt.Errorf("encode plan of indicator %s: %w", ind.ID, err)
	}
	return indicatorRow{ID: ind.ID, ProjectID: ind.ProjectID, Position: ind.Position, Name: ind.Name, Unit: ind.Unit,
		Target: ind.Target, Plan: string(b), Value: ind.Value, ValueDate: dateUTC(ind.ValueDate),
		OnTrackUntil: store.TimeUTC(ind.OnTrackUntil), CreatedBy: ind.CreatedBy, CreatedAt: store.TS(ind.CreatedAt),
		UpdatedAt: store.TS(ind.UpdatedAt)}, nil
}

func (r indicatorRow) toDomain() (projects.Indicator, error) {
	var plan []projects.PlanPoint
	if err := json.Unmarshal([]byte(r.Plan), &plan); err != nil {
		return projects.Indicator{}, fmt.Errorf("decode plan of indicator %s: %w", r.ID, err)
	}
	return projects.Indicator{ID: r.ID, ProjectID: r.ProjectID, Position: r.Position, Name: r.Name, Unit: r.Unit,
		Target: r.Target, Plan: plan, Value: r.Value, ValueDate: dateUTC(r.ValueDate),
		OnTrackUntil: store.TimeUTC(r.OnTrackUntil), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// InsertIndicators inserts indicators in batches.
func (s *Store) InsertIndicators(ctx context.Context, inds []projects.Indicator) error {
	if len(inds) == 0 {
		return nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows := make([]indicatorRow, len(inds))
	for i, ind := range inds {
		r, err := toIndicatorRow(ind)
		if err != nil {
			return err
		}
		rows[i] = r
	}
	err := s.db.Conn(ctx).CreateInBatches(rows, store.InsertBatch).Error
	return store.Translate(err, entIndicator, "insert indicators")
}

// IndicatorsOf returns each project's indicators by position.
func (s *Store) IndicatorsOf(ctx context.Context, projectIDs []string) (map[string][]projects.Indicator, error) {
	out := make(map[string][]projects.Indicator, len(projectIDs))
	if len(projectIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	for _, chunk := range chunks(projectIDs) {
		var rows []indicatorRow
		err := s.db.Conn(ctx).Where("project_id IN ?", chunk).Order("project_id, position").Find(&rows).Error
		if err != nil {
			return nil, store.Translate(err, entIndicator, "list indicators")
		}
		for _, r := range rows {
			ind, err := r.toDomain()
			if err != nil {
				return nil, err
			}
			out[r.ProjectID] = append(out[r.ProjectID], ind)
		}
	}
	return out, nil
}

// UpdateIndicator writes every mutable column.
func (s *Store) UpdateIndicator(ctx context.Context, ind projects.Indicator) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row, err := toIndicatorRow(ind)
	if err != nil {
		return err
	}
	res := s.db.Conn(ctx).Model(&indicatorRow{ID: ind.ID}).
		Select("position", "name", "unit", "target", "plan", "value", "value_date", "on_track_until", "updated_at").
		Updates(&row)
	if res.Error != nil {
		return store.Translate(res.Error, entIndicator, "update indicator")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entIndicator, "update indicator")
	}
	return nil
}

type indicatorValueRow struct {
	ID          string `gorm:"primaryKey"`
	IndicatorID string
	ProjectID   string
	ValueDate   time.Time
	Value       float64
	Source      string
	SourceID    string
	ReportedBy  string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
}

func (indicatorValueRow) TableName() string { return "indicator_values" }

// InsertIndicatorValue records a figure once per (indicator, source, source id).
func (s *Store) InsertIndicatorValue(ctx context.Context, v projects.DatedValue) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := indicatorValueRow{ID: v.ID, IndicatorID: v.IndicatorID, ProjectID: v.ProjectID, ValueDate: *dateUTC(&v.Date),
		Value: v.Value, Source: v.Source, SourceID: v.SourceID, ReportedBy: v.ReportedBy, CreatedAt: store.TS(v.CreatedAt)}
	res := s.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "indicator_id"}, {Name: "source"}, {Name: "source_id"}},
		DoNothing: true,
	}).Create(&row)
	if res.Error != nil {
		return false, store.Translate(res.Error, entIndicatorValue, "insert indicator value")
	}
	return res.RowsAffected == 1, nil
}

// IndicatorValuesAsOf returns the latest figure of each indicator dated on
// or before day (ties: the one filed last).
func (s *Store) IndicatorValuesAsOf(ctx context.Context, projectIDs []string, day time.Time) (map[string]projects.DatedValue, error) {
	out := map[string]projects.DatedValue{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	for _, chunk := range chunks(projectIDs) {
		var rows []indicatorValueRow
		err := s.db.Conn(ctx).Where("project_id IN ? AND value_date <= ?", chunk, *dateUTC(&day)).
			Order("indicator_id, value_date, created_at, id").Find(&rows).Error
		if err != nil {
			return nil, store.Translate(err, entIndicatorValue, "list indicator values")
		}
		// Ordered oldest first, so the last row of each indicator wins.
		for _, r := range rows {
			out[r.IndicatorID] = projects.DatedValue{ID: r.ID, IndicatorID: r.IndicatorID, ProjectID: r.ProjectID,
				Date: *dateUTC(&r.ValueDate), Value: r.Value, Source: r.Source, SourceID: r.SourceID,
				ReportedBy: r.ReportedBy, CreatedAt: r.CreatedAt.UTC()}
		}
	}
	return out, nil
}

// chunks splits ids so an IN list stays well under both engines' limits
// on bound parameters.
func chunks(ids []string) [][]string {
	const n = 500
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
