// Package monthlydb keeps photo points, monthly reports, closed periods and
// the notices sent (GORM; PostgreSQL and SQLite).
package monthlydb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entPoint  = store.NewEntity("photo_point")
	entReport = store.NewEntity("report")
	entPeriod = store.NewEntity("period")
	entNotice = store.NewEntity("notice")
)

// Store implements monthly.Store.
type Store struct{ db *store.DB }

var _ monthly.Store = (*Store)(nil)

// New returns the store.
func New(db *store.DB) *Store { return &Store{db: db} }

// InTx runs fn in one transaction the other methods join through ctx.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

type pointRow struct {
	ID        string `gorm:"primaryKey"`
	ProjectID string
	Name      string
	Lat       float64
	Lon       float64
	Bearing   float64
	Note      string
	CreatedBy string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (pointRow) TableName() string { return "photo_points" }

func (r pointRow) toDomain() monthly.Point {
	return monthly.Point{ID: r.ID, ProjectID: r.ProjectID, Name: r.Name, Lat: r.Lat, Lon: r.Lon, Bearing: r.Bearing,
		Note: r.Note, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// InsertPoint adds a point; a name taken on the project is a conflict.
func (s *Store) InsertPoint(ctx context.Context, pt monthly.Point) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := pointRow{ID: pt.ID, ProjectID: pt.ProjectID, Name: pt.Name, Lat: pt.Lat, Lon: pt.Lon, Bearing: pt.Bearing,
		Note: pt.Note, CreatedBy: pt.CreatedBy, CreatedAt: store.TS(pt.CreatedAt)}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entPoint, "insert photo point")
}

// Point loads one point.
func (s *Store) Point(ctx context.Context, id string) (monthly.Point, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r pointRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return monthly.Point{}, store.Translate(err, entPoint, "load photo point")
	}
	return r.toDomain(), nil
}

// Points lists a project's points in the order they were made.
func (s *Store) Points(ctx context.Context, projectID string) ([]monthly.Point, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []pointRow
	if err := s.db.Conn(ctx).Where("project_id = ?", projectID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entPoint, "list photo points")
	}
	out := make([]monthly.Point, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdatePoint writes a point's mutable columns.
func (s *Store) UpdatePoint(ctx context.Context, pt monthly.Point) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&pointRow{}).Where("id = ?", pt.ID).Updates(map[string]any{"name": pt.Name,
		"lat": pt.Lat, "lon": pt.Lon, "bearing": pt.Bearing, "note": pt.Note})
	if res.Error != nil {
		return store.Translate(res.Error, entPoint, "update photo point")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entPoint, "update photo point")
	}
	return nil
}

// PointsOf lists the points of many projects.
func (s *Store) PointsOf(ctx context.Context, projectIDs []string) (map[string][]monthly.Point, error) {
	out := map[string][]monthly.Point{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []pointRow
	if err := s.db.Conn(ctx).Where("project_id IN ?", projectIDs).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entPoint, "list photo points")
	}
	for _, r := range rows {
		out[r.ProjectID] = append(out[r.ProjectID], r.toDomain())
	}
	return out, nil
}

// PhotosOfReports reads the reports' stored photos in one query: what a
// report shows of them (not the object key or the phone's own fix); the
// EXIF and the pipeline's flags are the photos' own JSON documents.
func (s *Store) PhotosOfReports(ctx context.Context, reportIDs []string) (map[string]map[string]photos.Photo, error) {
	out := map[string]map[string]photos.Photo{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		ID, ParentID, ProjectID, UploadedBy, Sha256, ContentType string
		Width, Height                                            int
		Exif, Flags, RenditionStatus                             string
		CreatedAt                                                time.Time
	}
	if err := s.db.Conn(ctx).Table("photos").
		Select("id, parent_id, project_id, uploaded_by, sha256, content_type, width, height, exif, flags, rendition_status, created_at").
		Where("parent_kind = ? AND parent_id IN ?", monthly.ParentKind, reportIDs).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entReport, "report photos")
	}
	for _, r := range rows {
		ph := photos.Photo{ID: r.ID, ParentKind: monthly.ParentKind, ParentID: r.ParentID, ProjectID: r.ProjectID,
			UploadedBy: r.UploadedBy, SHA256: r.Sha256, ContentType: r.ContentType, Width: r.Width, Height: r.Height,
			RenditionStatus: r.RenditionStatus, CreatedAt: r.CreatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Exif), &ph.EXIF); err != nil {
			return nil, fmt.Errorf("decode exif of photo %s: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(r.Flags), &ph.Flags); err != nil {
			return nil, fmt.Errorf("decode flags of photo %s: %w", r.ID, err)
		}
		if out[r.ParentID] == nil {
			out[r.ParentID] = map[string]photos.Photo{}
		}
		out[r.ParentID][r.ID] = ph
	}
	return out, nil
}

type reportRow struct {
	Seq           int64 `gorm:"primaryKey;autoIncrement"`
	ID            string
	ProjectID     string
	Period        string
	State         string
	ReportValues  string
	Photos        string
	Narrative     string
	Problems      string
	HelpRequested string
	AuthorID      string
	RequestHash   string
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt     time.Time `gorm:"autoUpdateTime:false"`
	SubmittedAt   *time.Time
	ResubmittedAt *time.Time
	ReturnedAt    *time.Time
	ReturnedBy    string
	ReturnReason  string
	AcceptedAt    *time.Time
	AcceptedBy    string
}

func (reportRow) TableName() string { return "monthly_reports" }

func toReportRow(r monthly.Report) (reportRow, error) {
	vals, err := json.Marshal(nonNil(r.Values))
	if err != nil {
		return reportRow{}, fmt.Errorf("encode values: %w", err)
	}
	phs, err := json.Marshal(nonNil(r.Photos))
	if err != nil {
		return reportRow{}, fmt.Errorf("encode photos: %w", err)
	}
	return reportRow{ID: r.ID, ProjectID: r.ProjectID, Period: string(r.Period), State: string(r.State),
		ReportValues: string(vals), Photos: string(phs), Narrative: r.Narrative, Problems: r.Problems,
		HelpRequested: r.HelpRequested, AuthorID: r.AuthorID, RequestHash: r.RequestHash,
		CreatedAt: store.TS(r.CreatedAt), UpdatedAt: store.TS(r.UpdatedAt), SubmittedAt: ts(r.SubmittedAt),
		ResubmittedAt: ts(r.ResubmittedAt), ReturnedAt: ts(r.ReturnedAt), ReturnedBy: r.ReturnedBy,
		ReturnReason: r.ReturnReason, AcceptedAt: ts(r.AcceptedAt), AcceptedBy: r.AcceptedBy}, nil
}

func (r reportRow) toDomain() (monthly.Report, error) {
	out := monthly.Report{Seq: r.Seq, ID: r.ID, ProjectID: r.ProjectID, Period: monthly.Period(r.Period),
		State: monthly.ReportState(r.State), Narrative: r.Narrative, Problems: r.Problems, HelpRequested: r.HelpRequested,
		AuthorID: r.AuthorID, RequestHash: r.RequestHash, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		SubmittedAt: store.TimeUTC(r.SubmittedAt), ResubmittedAt: store.TimeUTC(r.ResubmittedAt),
		ReturnedAt: store.TimeUTC(r.ReturnedAt), ReturnedBy: r.ReturnedBy, ReturnReason: r.ReturnReason,
		AcceptedAt: store.TimeUTC(r.AcceptedAt), AcceptedBy: r.AcceptedBy}
	if err := json.Unmarshal([]byte(r.ReportValues), &out.Values); err != nil {
		return monthly.Report{}, fmt.Errorf("decode values of report %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Photos), &out.Photos); err != nil {
		return monthly.Report{}, fmt.Errorf("decode photos of report %s: %w", r.ID, err)
	}
	return out, nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func ts(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := store.TS(*t)
	return &u
}

// InsertReport adds a report; a taken id or (project, period) conflicts.
func (s *Store) InsertReport(ctx context.Context, r monthly.Report) error {
	row, err := toReportRow(r)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entReport, "insert report")
}

// Report loads one report.
func (s *Store) Report(ctx context.Context, id string) (monthly.Report, error) {
	return s.loadReport(ctx, false, "id = ?", id)
}

// LockReport loads one report and holds its row until the transaction ends.
func (s *Store) LockReport(ctx context.Context, id string) (monthly.Report, error) {
	return s.loadReport(ctx, true, "id = ?", id)
}

// ReportFor loads the report of a project and period.
func (s *Store) ReportFor(ctx context.Context, projectID string, period monthly.Period) (monthly.Report, error) {
	return s.loadReport(ctx, false, "project_id = ? AND period = ?", projectID, string(period))
}

func (s *Store) loadReport(ctx context.Context, lock bool, cond string, args ...any) (monthly.Report, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Where(cond, args...)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var r reportRow
	if err := q.Take(&r).Error; err != nil {
		return monthly.Report{}, store.Translate(err, entReport, "load report")
	}
	return r.toDomain()
}

// reportUpdateColumns are what UpdateReport writes.
var reportUpdateColumns = []string{"state", "report_values", "photos", "narrative", "problems", "help_requested",
	"updated_at", "submitted_at", "resubmitted_at", "returned_at", "returned_by", "return_reason", "accepted_at",
	"accepted_by"}

// UpdateReport writes every mutable column.
func (s *Store) UpdateReport(ctx context.Context, r monthly.Report) error {
	row, err := toReportRow(r)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&reportRow{}).Where("id = ?", r.ID).Select(reportUpdateColumns).Updates(&row)
	if res.Error != nil {
		return store.Translate(res.Error, entReport, "update report")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entReport, "update report")
	}
	return nil
}

// IsReport reports whether id names a monthly report.
func (s *Store) IsReport(ctx context.Context, id string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int64
	if err := s.db.Conn(ctx).Model(&reportRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return false, store.Translate(err, entReport, "find report")
	}
	return n > 0, nil
}

// ListReports lists reports within the filter's scope, by project code.
func (s *Store) ListReports(ctx context.Context, f monthly.ListFilter) ([]monthly.Report, error) {
	if f.None {
		return []monthly.Report{}, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Table("monthly_reports").Select("monthly_reports.*").
		Joins("JOIN projects ON projects.id = monthly_reports.project_id")
	if f.Period != "" {
		q = q.Where("monthly_reports.period = ?", string(f.Period))
	}
	if f.ProjectID != "" {
		q = q.Where("monthly_reports.project_id = ?", f.ProjectID)
	}
	if f.State != "" {
		q = q.Where("monthly_reports.state = ?", string(f.State))
	}
	if f.UnitID != "" {
		q = q.Where("projects.unit_id = ?", f.UnitID)
	}
	if f.AssignedTo != "" {
		q = q.Where("EXISTS (SELECT 1 FROM project_assignments pa WHERE pa.project_id = projects.id AND pa.user_id = ?)", f.AssignedTo)
	}
	var rows []reportRow
	if err := q.Order("monthly_reports.period DESC, projects.code, monthly_reports.id").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entReport, "list reports")
	}
	return store.Convert(rows, reportRow.toDomain)
}

// ReportsOfProject lists a project's reports, oldest period first.
func (s *Store) ReportsOfProject(ctx context.Context, projectID string) ([]monthly.Report, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []reportRow
	if err := s.db.Conn(ctx).Where("project_id = ?", projectID).Order("period").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entReport, "list project reports")
	}
	return store.Convert(rows, reportRow.toDomain)
}

type periodRow struct {
	Period   string `gorm:"primaryKey"`
	ClosedAt time.Time
	ClosedBy string
}

func (periodRow) TableName() string { return "monthly_periods" }

// PeriodClosed reports whether the period is closed, and when.
func (s *Store) PeriodClosed(ctx context.Context, p monthly.Period) (bool, *time.Time, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []periodRow
	if err := s.db.Conn(ctx).Where("period = ?", string(p)).Limit(1).Find(&rows).Error; err != nil {
		return false, nil, store.Translate(err, entPeriod, "load period")
	}
	if len(rows) == 0 {
		return false, nil, nil
	}
	at := rows[0].ClosedAt.UTC()
	return true, &at, nil
}

// ClosePeriod closes a period; a closed one conflicts.
func (s *Store) ClosePeriod(ctx context.Context, p monthly.Period, by string, at time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := periodRow{Period: string(p), ClosedAt: store.TS(at), ClosedBy: by}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entPeriod, "close period")
}

type noticeRow struct {
	Period string `gorm:"primaryKey"`
	UnitID string `gorm:"primaryKey"`
	Kind   string `gorm:"primaryKey"`
	SentAt time.Time
}

func (noticeRow) TableName() string { return "monthly_notices" }

// ClaimNotice records (period, unit, kind) unless already recorded.
func (s *Store) ClaimNotice(ctx context.Context, p monthly.Period, unitID, kind string, at time.Time) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&noticeRow{Period: string(p), UnitID: unitID, Kind: kind, SentAt: store.TS(at)})
	if res.Error != nil {
		return false, store.Translate(res.Error, entNotice, "claim notice")
	}
	return res.RowsAffected == 1, nil
}
