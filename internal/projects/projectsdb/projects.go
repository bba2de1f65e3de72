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

// The records this store keeps, as client error codes name them.
var (
	entAssignment     = store.NewEntity("assignment")
	entProgressReport = store.NewEntity("progress_report")
	entProject        = store.NewEntity("project")
	entUser           = store.NewEntity("user")
)

// Store implements projects.Store.
type Store struct {
	db    *store.DB
	basis *basisCache
}

var _ projects.Store = (*Store)(nil)

// New returns the projects, progress and assignments store.
func New(db *store.DB) *Store { return &Store{db: db, basis: newBasisCache()} }

// projectRow is the projects table. Timestamps are set by the service's
// clock, never by GORM's, so tests with a fixed clock see what they set.
type projectRow struct {
	ID                string `gorm:"primaryKey"`
	Code              string
	Name              string
	Category          string
	TownshipID        string
	UnitID            string
	ResponsibleLeader string
	ContractorName    string
	ContractorContact string
	BudgetCents       *int64
	FundingSource     string
	PlannedStart      *time.Time
	PlannedEnd        *time.Time
	Status            string
	TargetQuantity    *float64
	TargetUnit        string
	Lat               *float64
	Lon               *float64
	Route             *string
	GeofenceM         int `gorm:"column:geofence_m"`
	ProgressPercent   float64
	ProgressQuantity  *float64
	ProgressDate      *time.Time
	OnTrackUntil      *time.Time
	ScheduleBasis     *string
	CreatedBy         string
	CreatedAt         time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`

	// Read through joins, never written.
	TownshipName string `gorm:"->;-:migration"`
	UnitName     string `gorm:"->;-:migration"`
	HasRoute     bool   `gorm:"->;-:migration"`
}

func (projectRow) TableName() string { return "projects" }

var readOnlyProjectFields = []string{"TownshipName", "UnitName", "HasRoute"}

// routeJSON is how a route is kept in the route column: GeoJSON text, so
// it can be read by any tool that looks at the database.
type routeJSON struct {
	Type        string       `json:"type"`
	Coordinates [][2]float64 `json:"coordinates"`
}

func dateUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	y, m, d := t.UTC().Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &u
}

func toProjectRow(p projects.Project) (projectRow, error) {
	r := projectRow{ID: p.ID, Code: p.Code, Name: p.Name, Category: string(p.Category), TownshipID: p.TownshipID,
		UnitID: p.UnitID, ResponsibleLeader: p.ResponsibleLeader, ContractorName: p.Contractor.Name,
		ContractorContact: p.Contractor.Contact, BudgetCents: p.BudgetCents, FundingSource: p.FundingSource,
		PlannedStart: dateUTC(p.PlannedStart), PlannedEnd: dateUTC(p.PlannedEnd), Status: string(p.Status),
		TargetQuantity: p.TargetQuantity, TargetUnit: p.TargetUnit, GeofenceM: p.GeofenceM,
		ProgressPercent: p.Progress.Percent, ProgressQuantity: p.Progress.Quantity,
		ProgressDate: dateUTC(p.Progress.Date), OnTrackUntil: store.TimeUTC(p.OnTrackUntil), CreatedBy: p.CreatedBy,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
	if p.Location != nil {
		lat, lon := p.Location.Lat, p.Location.Lon
		r.Lat, r.Lon = &lat, &lon
	}
	if p.ScheduleBasis != nil {
		b, err := encodeBasis(p.ScheduleBasis)
		if err != nil {
			return projectRow{}, fmt.Errorf("encode schedule basis of project %s: %w", p.ID, err)
		}
		r.ScheduleBasis = &b
	}
	if len(p.Route) > 0 {
		b, err := json.Marshal(routeJSON{Type: "LineString", Coordinates: p.Route})
		if err != nil {
			return projectRow{}, fmt.Errorf("encode route: %w", err)
		}
		s := string(b)
		r.Route = &s
	}
	return r, nil
}

func (r projectRow) toDomain() (projects.Project, error) {
	p := projects.Project{ID: r.ID, Code: r.Code, Name: r.Name, Category: projects.Category(r.Category),
		TownshipID: r.TownshipID, Township: r.TownshipName, UnitID: r.UnitID, Unit: r.UnitName,
		ResponsibleLeader: r.ResponsibleLeader,
		Contractor:        projects.Contractor{Name: r.ContractorName, Contact: r.ContractorContact},
		BudgetCents:       r.BudgetCents, FundingSource: r.FundingSource, PlannedStart: dateUTC(r.PlannedStart),
		PlannedEnd: dateUTC(r.PlannedEnd), Status: projects.Status(r.Status), TargetQuantity: r.TargetQuantity,
		TargetUnit: r.TargetUnit, HasRoute: r.HasRoute || r.Route != nil, GeofenceM: r.GeofenceM,
		Progress: projects.Progress{Percent: r.ProgressPercent, Quantity: r.ProgressQuantity,
			Date: dateUTC(r.ProgressDate)},
		OnTrackUntil: store.TimeUTC(r.OnTrackUntil), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC()}
	if r.Lat != nil && r.Lon != nil {
		p.Location = &projects.Point{Lat: *r.Lat, Lon: *r.Lon}
	}
	if r.ScheduleBasis != nil {
		basis, err := decodeBasis(r.ID, *r.ScheduleBasis)
		if err != nil {
			return projects.Project{}, err
		}
		p.ScheduleBasis = basis
	}
	if r.Route != nil {
		var rj routeJSON
		if err := json.Unmarshal([]byte(*r.Route), &rj); err != nil {
			return projects.Project{}, fmt.Errorf("decode route of project %s: %w", r.ID, err)
		}
		p.Route = rj.Coordinates
	}
	return p, nil
}

// projectColumns are what every project read selects; the route, which may
// be large, only single reads add.
const projectColumns = "projects.id, projects.code, projects.name, projects.category, projects.township_id, " +
	"projects.unit_id, projects.responsible_leader, projects.contractor_name, projects.contractor_contact, " +
	"projects.budget_cents, projects.funding_source, projects.planned_start, projects.planned_end, " +
	"projects.status, projects.target_quantity, projects.target_unit, projects.lat, projects.lon, " +
	"projects.geofence_m, projects.progress_percent, projects.progress_quantity, projects.progress_date, " +
	"projects.on_track_until, projects.schedule_basis, projects.created_by, projects.created_at, projects.updated_at, " +
	"townships.name AS township_name, units.name AS unit_name, (projects.route IS NOT NULL) AS has_route"

func (s *Store) projectQuery(ctx context.Context, columns string) *gorm.DB {
	return s.db.Conn(ctx).Table("projects").Select(columns).
		Joins("JOIN townships ON townships.id = projects.township_id").
		Joins("JOIN units ON units.id = projects.unit_id")
}

// InTx runs fn in a transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// InsertProjects inserts projects in batches.
func (s *Store) InsertProjects(ctx context.Context, ps []projects.Project) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows := make([]projectRow, len(ps))
	for i, p := range ps {
		r, err := toProjectRow(p)
		if err != nil {
			return err
		}
		rows[i] = r
	}
	err := s.db.Conn(ctx).Omit(readOnlyProjectFields...).CreateInBatches(rows, store.InsertBatch).Error
	return store.Translate(err, entProject, "insert project")
}

// ProjectByID loads a project with its route.
func (s *Store) ProjectByID(ctx context.Context, id string) (projects.Project, error) {
	return s.loadProject(ctx, id, false)
}

// LockProject loads a project and locks its row (SELECT … FOR UPDATE OF
// projects on PostgreSQL; SQLite's write transactions already exclude each
// other, and the dialect drops the clause).
func (s *Store) LockProject(ctx context.Context, id string) (projects.Project, error) {
	return s.loadProject(ctx, id, true)
}

func (s *Store) loadProject(ctx context.Context, id string, lock bool) (projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.projectQuery(ctx, projectColumns+", projects.route").Where("projects.id = ?", id)
	if lock {
		// OF projects: locking the joined township and unit rows would
		// serialise every change to every project of a township.
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "projects"}})
	}
	var r projectRow
	if err := q.Take(&r).Error; err != nil {
		return projects.Project{}, store.Translate(err, entProject, "load project")
	}
	return r.toDomain()
}

// projectUpdateColumns are the columns UpdateProject writes.
var projectUpdateColumns = []string{"name", "category", "township_id", "unit_id", "responsible_leader",
	"contractor_name", "contractor_contact", "budget_cents", "funding_source", "planned_start", "planned_end",
	"status", "target_quantity", "target_unit", "lat", "lon", "route", "geofence_m", "progress_percent",
	"progress_quantity", "progress_date", "on_track_until", "schedule_basis", "updated_at"}

// UpdateProject writes every mutable column.
func (s *Store) UpdateProject(ctx context.Context, p projects.Project) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row, err := toProjectRow(p)
	if err != nil {
		return err
	}
	res := s.db.Conn(ctx).Model(&projectRow{ID: p.ID}).Select(projectUpdateColumns).Updates(&row)
	if res.Error != nil {
		return store.Translate(res.Error, entProject, "update project")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entProject, "update project")
	}
	return nil
}

// ExistingCodes returns which codes are taken.
func (s *Store) ExistingCodes(ctx context.Context, codes []string) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var taken []string
	for start := 0; start < len(codes); start += store.InsertBatch {
		end := min(start+store.InsertBatch, len(codes))
		var got []string
		err := s.db.Conn(ctx).Model(&projectRow{}).Where("code IN ?", codes[start:end]).Pluck("code", &got).Error
		if err != nil {
			return nil, store.Translate(err, entProject, "check project codes")
		}
		taken = append(taken, got...)
	}
	return taken, nil
}

// optText and textOf map "" to NULL and back (kept apart from the users
// store's helpers so the two files can change independently).
func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func textOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
