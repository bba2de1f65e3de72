package reviewdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/review"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entCheck      = store.NewEntity("check")
	entOrder      = store.NewEntity("order")
	entProject    = store.NewEntity("project")
	entRateWindow = store.NewEntity("rate_window")
)

// Store implements review.Store: the read-only queries of the dashboard,
// the exports and the public list. Project rows are read with the project
// store's columns and joins, so a project reads the same everywhere.
type Store struct {
	db       *store.DB
	projects *projectsdb.Store
}

var _ review.Store = (*Store)(nil)

// New returns the review store.
func New(db *store.DB) *Store { return &Store{db: db, projects: projectsdb.New(db)} }

// inspectorRoles are the authors whose check counts as an inspection: the
// county's inspectors and the office (admins act as the office).
var inspectorRoles = []string{string(auth.RoleInspector), string(auth.RoleOffice), string(auth.RoleAdmin)}

// activeWhere: projects that should be underway at the as-of moment.
const activeWhere = "(projects.status = ? OR (projects.status = ? AND projects.planned_start IS NOT NULL AND projects.planned_start < ?))"

// ProjectBatch reads one keyset batch of projects ordered by code.
func (s *Store) ProjectBatch(ctx context.Context, afterCode string, limit int, withRoute bool) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	cols := projectsdb.Columns
	if withRoute {
		cols += ", projects.route"
	}
	q := s.projects.Query(ctx, cols)
	if afterCode != "" {
		q = q.Where("projects.code > ?", afterCode)
	}
	var rows []projectsdb.Row
	if err := q.Order("projects.code").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entProject, "read project batch")
	}
	return store.Convert(rows, projectsdb.Row.ToDomain)
}

// ProjectLabels reads code and name of the projects named.
func (s *Store) ProjectLabels(ctx context.Context, ids []string) (map[string]review.ProjectLabel, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		ID, Code, Name, Township, Unit string
		Lat, Lon                       *float64
	}
	err := s.db.Conn(ctx).Table("projects").
		Select("projects.id, projects.code, projects.name, townships.name AS township, units.name AS unit, projects.lat, projects.lon").
		Joins("JOIN townships ON townships.id = projects.township_id").Joins("JOIN units ON units.id = projects.unit_id").
		Where("projects.id IN ?", ids).Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProject, "read project labels")
	}
	out := make(map[string]review.ProjectLabel, len(rows))
	for _, r := range rows {
		l := review.ProjectLabel{Code: r.Code, Name: r.Name, Township: r.Township, Unit: r.Unit}
		if r.Lat != nil && r.Lon != nil {
			l.Location = &projects.Point{Lat: *r.Lat, Lon: *r.Lon}
		}
		out[r.ID] = l
	}
	return out, nil
}

// BehindProjects is projects.Behind at asOf, in SQL as the project list
// runs it.
func (s *Store) BehindProjects(ctx context.Context, asOf time.Time) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []projectsdb.Row
	err := s.projects.Query(ctx, projectsdb.Columns).
		Where("projects.on_track_until IS NOT NULL AND projects.on_track_until < ?", asOf.UTC()).
		Order("projects.code").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProject, "list projects behind schedule")
	}
	return store.Convert(rows, projectsdb.Row.ToDomain)
}

// ZeroProgressCandidates: expected to move, scheduled, started, nothing done.
func (s *Store) ZeroProgressCandidates(ctx context.Context, asOf time.Time) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []projectsdb.Row
	err := s.projects.Query(ctx, projectsdb.Columns).
		Where("projects.status IN ?", []string{string(projects.StatusPlanned), string(projects.StatusUnderConstruction)}).
		Where("projects.progress_percent <= 0").
		Where("projects.planned_start IS NOT NULL AND projects.planned_end IS NOT NULL AND projects.planned_start < ?", asOf.UTC()).
		Order("projects.code").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProject, "list projects without progress")
	}
	return store.Convert(rows, projectsdb.Row.ToDomain)
}

// The aggregate rows embed the project's columns by tag: GORM ignores an
// anonymous field of an unexported type.
type failedRow struct {
	Project      projectsdb.Row `gorm:"embedded"`
	FailedChecks int
	LastFailedAt dbTime
}

// FailedChecks aggregates failed checks per project in one grouped
// subquery joined to the projects. 'fail' (checklists.Fail) is a literal,
// so a partial index WHERE result = 'fail' can serve it. With
// q.ExcludeOrdered, a check is left out once an order cites it
// (orders.source_check_id, whatever the order's state) or the office
// dismissed it in triage: either way the office has acted on it.
func (s *Store) FailedChecks(ctx context.Context, q review.FailedQuery) ([]review.FailedProject, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	sub := "SELECT c.project_id, COUNT(*) AS failed_checks, MAX(c.captured_at) AS last_failed_at FROM checks c " +
		"WHERE c.result = 'fail' AND c.superseded_by = '' AND c.captured_at < ?"
	if q.ExcludeOrdered {
		sub += " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.source_check_id = c.id)" +
			" AND NOT EXISTS (SELECT 1 FROM order_triage t WHERE t.check_id = c.id AND t.decision = 'dismissed')"
	}
	sub += " GROUP BY c.project_id"
	var rows []failedRow
	err := s.projects.Query(ctx, projectsdb.Columns+", f.failed_checks, f.last_failed_at").
		Joins("JOIN ("+sub+") f ON f.project_id = projects.id", q.AsOf.UTC()).
		Order("projects.code").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entCheck, "count failed checks")
	}
	out := make([]review.FailedProject, len(rows))
	for i, r := range rows {
		p, err := r.Project.ToDomain()
		if err != nil {
			return nil, err
		}
		out[i] = review.FailedProject{Project: p, FailedChecks: r.FailedChecks, LastFailedAt: r.LastFailedAt.Time}
	}
	return out, nil
}

type uninspectedRow struct {
	Project         projectsdb.Row `gorm:"embedded"`
	LastInspectedAt dbTime
}

// NotInspected: the NOT EXISTS and the last-inspection subquery both walk
// one project's checks by (project_id, captured_at) (migration 00008), so
// the cost follows the projects, not the county's million checks.
func (s *Store) NotInspected(ctx context.Context, q review.InspectionQuery) ([]review.UninspectedProject, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	asOf, since := q.AsOf.UTC(), q.Since.UTC()
	var rows []uninspectedRow
	err := s.projectSelect(ctx, projectsdb.Columns+", (SELECT MAX(c.captured_at) FROM checks c "+
		"WHERE c.project_id = projects.id AND c.author_role IN ? AND c.captured_at < ?) AS last_inspected_at",
		inspectorRoles, asOf).
		Where(activeWhere, string(projects.StatusUnderConstruction), string(projects.StatusPlanned), asOf).
		Where("NOT EXISTS (SELECT 1 FROM checks c WHERE c.project_id = projects.id AND c.author_role IN ? "+
			"AND c.captured_at >= ? AND c.captured_at < ?)", inspectorRoles, since, asOf).
		Order("projects.code").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProject, "list projects not inspected")
	}
	out := make([]review.UninspectedProject, len(rows))
	for i, r := range rows {
		p, err := r.Project.ToDomain()
		if err != nil {
			return nil, err
		}
		out[i] = review.UninspectedProject{Project: p}
		if r.LastInspectedAt.Valid {
			t := r.LastInspectedAt.Time
			out[i].LastInspectedAt = &t
		}
	}
	return out, nil
}

// projectSelect is Projects.projectQuery with arguments in the select list
// (a correlated subquery's parameters).
func (s *Store) projectSelect(ctx context.Context, columns string, args ...any) *gorm.DB {
	return s.db.Conn(ctx).Table("projects").Select(columns, args...).
		Joins("JOIN townships ON townships.id = projects.township_id").
		Joins("JOIN units ON units.id = projects.unit_id")
}

// dbTime reads a computed timestamp (MAX(captured_at)): PostgreSQL gives
// a time, SQLite the text it stored, since an aggregate has no declared
// column type for its driver to parse.
type dbTime struct {
	Time  time.Time
	Valid bool
}

// sqliteTimeLayouts are the forms the SQLite driver writes times in.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	*t = dbTime{}
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		t.Time, t.Valid = x.UTC(), true
		return nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("read time: unexpected %T", v)
	}
	for _, layout := range sqliteTimeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time, t.Valid = p.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("read time: cannot parse %q", s)
}

// Value implements driver.Valuer (dbTime is only read, but GORM asks).
func (t dbTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.Time, nil
}
