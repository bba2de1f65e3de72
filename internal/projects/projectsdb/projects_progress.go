package store

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
)

type progressRow struct {
	ID         string `gorm:"primaryKey"`
	ProjectID  string
	ReportDate time.Time
	Quantity   *float64
	Percent    float64
	Note       string
	ReportedBy string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (progressRow) TableName() string { return "progress_reports" }

func (r progressRow) toDomain() projects.ProgressReport {
	return projects.ProgressReport{ID: r.ID, ProjectID: r.ProjectID, Date: *dateUTC(&r.ReportDate),
		Quantity: r.Quantity, Percent: r.Percent, Note: r.Note, ReportedBy: r.ReportedBy, CreatedAt: r.CreatedAt.UTC()}
}

// InsertProgress stores a report.
func (s *Projects) InsertProgress(ctx context.Context, r projects.ProgressReport) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := progressRow{ID: r.ID, ProjectID: r.ProjectID, ReportDate: *dateUTC(&r.Date), Quantity: r.Quantity,
		Percent: r.Percent, Note: r.Note, ReportedBy: r.ReportedBy, CreatedAt: r.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Create(&row).Error, entProgressReport, "insert progress_report")
}

// progressOrder is newest first: by report date, then by when it was filed
// (a correction filed later for the same day wins), then by id (UUIDv7,
// time-ordered) for a total order.
const progressOrder = "report_date DESC, created_at DESC, id DESC"

// LatestProgress returns the newest report.
func (s *Projects) LatestProgress(ctx context.Context, projectID string) (projects.ProgressReport, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var r progressRow
	err := s.db.conn(ctx).Where("project_id = ?", projectID).Order(progressOrder).Take(&r).Error
	if err != nil {
		return projects.ProgressReport{}, translate(err, entProgressReport, "load progress_report")
	}
	return r.toDomain(), nil
}

// ListProgress returns reports newest first.
func (s *Projects) ListProgress(ctx context.Context, projectID string, limit int) ([]projects.ProgressReport, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var rows []progressRow
	err := s.db.conn(ctx).Where("project_id = ?", projectID).Order(progressOrder).Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err, entProgressReport, "list progress_reports")
	}
	out := make([]projects.ProgressReport, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}
