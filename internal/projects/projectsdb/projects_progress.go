package projectsdb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
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
func (s *Store) InsertProgress(ctx context.Context, r projects.ProgressReport) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := progressRow{ID: r.ID, ProjectID: r.ProjectID, ReportDate: *dateUTC(&r.Date), Quantity: r.Quantity,
		Percent: r.Percent, Note: r.Note, ReportedBy: r.ReportedBy, CreatedAt: r.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entProgressReport, "insert progress_report")
}

// progressOrder is newest first: by report date, then by when it was filed
// (a correction filed later for the same day wins), then by id (UUIDv7,
// time-ordered) for a total order.
const progressOrder = "report_date DESC, created_at DESC, id DESC"

// LatestProgress returns the newest report.
func (s *Store) LatestProgress(ctx context.Context, projectID string) (projects.ProgressReport, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r progressRow
	err := s.db.Conn(ctx).Where("project_id = ?", projectID).Order(progressOrder).Take(&r).Error
	if err != nil {
		return projects.ProgressReport{}, store.Translate(err, entProgressReport, "load progress_report")
	}
	return r.toDomain(), nil
}

// ListProgress returns reports newest first.
func (s *Store) ListProgress(ctx context.Context, projectID string, limit int) ([]projects.ProgressReport, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []progressRow
	err := s.db.Conn(ctx).Where("project_id = ?", projectID).Order(progressOrder).Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProgressReport, "list progress_reports")
	}
	out := make([]projects.ProgressReport, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}
