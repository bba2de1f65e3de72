package monthlydb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

type statusRow struct {
	ProjectID     string
	ProjectCode   string
	ProjectName   string
	ProjectStatus string
	UnitID        string
	UnitName      string
	TownshipID    string
	Township      string
}

// StatusRows lists the projects that were under construction at some
// instant up to at (their status history says so) and those with a report
// in the period, each with that report, by unit and project code: one
// query, so a county's status costs one round trip. The service narrows
// them to the projects that owed a report.
func (s *Store) StatusRows(ctx context.Context, period monthly.Period, at time.Time) ([]monthly.StatusRow, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []statusRow
	err := s.db.Conn(ctx).Table("projects").
		Select("projects.id AS project_id, projects.code AS project_code, projects.name AS project_name, "+
			"projects.status AS project_status, units.id AS unit_id, units.name AS unit_name, "+
			"townships.id AS township_id, townships.name AS township").
		Joins("JOIN units ON units.id = projects.unit_id").
		Joins("JOIN townships ON townships.id = projects.township_id").
		Joins("LEFT JOIN monthly_reports ON monthly_reports.project_id = projects.id AND monthly_reports.period = ?", string(period)).
		Where("monthly_reports.id IS NOT NULL OR EXISTS (?)", s.db.Conn(ctx).Table("project_status_history h").Select("1").
			Where("h.project_id = projects.id AND h.status = ? AND h.from_at <= ?",
				string(projects.StatusUnderConstruction), store.TS(at))).
		Order("units.name, projects.code").Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entReport, "period status")
	}
	// The period's reports, in a second query: their columns would collide
	// with the projects' in one row.
	var reps []reportRow
	if err := s.db.Conn(ctx).Where("period = ?", string(period)).Find(&reps).Error; err != nil {
		return nil, store.Translate(err, entReport, "period reports")
	}
	byProject := map[string]*monthly.Report{}
	for _, rr := range reps {
		rep, err := rr.toDomain()
		if err != nil {
			return nil, err
		}
		byProject[rep.ProjectID] = &rep
	}
	out := make([]monthly.StatusRow, len(rows))
	for i, r := range rows {
		out[i] = monthly.StatusRow{ProjectID: r.ProjectID, ProjectName: r.ProjectName, ProjectCode: r.ProjectCode,
			UnitID: r.UnitID, UnitName: r.UnitName, TownshipID: r.TownshipID, Township: r.Township,
			ProjectStatus: projects.Status(r.ProjectStatus)}
		out[i].Report = byProject[r.ProjectID]
	}
	return out, nil
}
