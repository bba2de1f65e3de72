package circularsdb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
	"github.com/fieldproof/fieldproof/internal/store"
)

// What a circular is computed from, read the way the review store reads
// the dashboard: grouped queries over the domains' tables, a fixed number
// per circular (one each for units, projects, order counts, overdue
// orders and look-back inspections), so a county of a thousand projects
// costs what one of ten does, plus the rows.

// maxProjects bounds one circular's project list: a county's programme is
// hundreds of projects a year; more is a mistake, not a circular.
const maxProjects = 20000

// Units lists every unit with its leader, by name.
func (s *Store) Units(ctx context.Context) ([]circulars.Unit, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct{ ID, Name, Leader string }
	if err := s.db.Conn(ctx).Table("units").Select("id, name, leader").Order("name").Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entUnit, "list units for a circular")
	}
	out := make([]circulars.Unit, len(rows))
	for i, r := range rows {
		out[i] = circulars.Unit{ID: r.ID, Name: r.Name, Leader: r.Leader}
	}
	return out, nil
}

// date binds a DATE parameter: PostgreSQL compares a date with a date (a
// timestamptz would bring the session's zone in); SQLite keeps dates as
// the driver's text for midnight UTC, which sorts like the day it names.
func (s *Store) date(d time.Time) (string, any) {
	y, m, dd := d.Date()
	mid := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	if s.db.Dialect() == store.Postgres {
		return "CAST(? AS DATE)", mid.Format(projects.DateLayout)
	}
	return "?", mid
}

// Projects lists the programme's projects in [from, to]: every project
// under construction now or at some time before the end of to (by its
// status history), and every other one whose planned window meets the
// range (planned start on or before to, planned end on or after from) —
// so a road finished in March is still counted, as completed, in June's
// circular, and one finished in an earlier year is not. The gathering
// narrows the ones under construction to those that were so in the
// programme year (circulars.Sources.History). By code.
func (s *Store) Projects(ctx context.Context, from, to time.Time) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	toExpr, toArg := s.date(to)
	fromExpr, fromArg := s.date(from)
	var rows []projectsdb.Row
	err := s.projects.Query(ctx, projectsdb.Columns).
		Where("projects.status = ? OR (projects.planned_start <= "+toExpr+" AND projects.planned_end >= "+fromExpr+") OR EXISTS (?)",
			string(projects.StatusUnderConstruction), toArg, fromArg,
			s.db.Conn(ctx).Table("project_status_history h").Select("1").
				Where("h.project_id = projects.id AND h.status = ? AND h.from_at < ?",
					string(projects.StatusUnderConstruction), store.TS(to.AddDate(0, 0, 1)))).
		Order("projects.code").Limit(maxProjects).Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entProject, "list a circular's projects")
	}
	return store.Convert(rows, projectsdb.Row.ToDomain)
}

// Orders counts the orders issued and closed in [start, end), and lists
// those open at overdueAt — issued before it, not closed or cancelled
// before it — whose deadline had passed by then, with their unit (the order's own, as
// the policy follows it) and project. Oldest deadline first.
func (s *Store) Orders(ctx context.Context, start, end, overdueAt time.Time) (int, int, []circulars.OverdueOrder, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	b, e := store.TS(start), store.TS(end)
	var counts struct{ Opened, Closed int }
	err := s.db.Conn(ctx).Table("orders").
		Select(`COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), 0) AS opened,
			COALESCE(SUM(CASE WHEN closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END), 0) AS closed`, b, e, b, e).
		Scan(&counts).Error
	if err != nil {
		return 0, 0, nil, store.Translate(err, entOrder, "count a circular's orders")
	}
	var rows []struct {
		ID, Number, UnitID, Code, Name string
		Deadline                       time.Time
	}
	od := store.TS(overdueAt)
	err = s.db.Conn(ctx).Table("orders o").
		Select("o.id, o.number, o.unit_id, p.code, p.name, o.deadline").
		Joins("JOIN projects p ON p.id = o.project_id").
		Where("o.created_at < ? AND o.deadline < ? AND (o.closed_at IS NULL OR o.closed_at >= ?)", od, od, od).
		Where("NOT EXISTS (?)", s.db.Conn(ctx).Table("order_events ev").Select("1").
			Where("ev.order_id = o.id AND ev.to_status = ? AND ev.at < ?", "cancelled", od)).
		Order("o.deadline, o.number").Scan(&rows).Error
	if err != nil {
		return 0, 0, nil, store.Translate(err, entOrder, "list a circular's overdue orders")
	}
	out := make([]circulars.OverdueOrder, len(rows))
	for i, r := range rows {
		out[i] = circulars.OverdueOrder{ID: r.ID, Number: r.Number, ProjectCode: r.Code, ProjectName: r.Name,
			UnitID: r.UnitID, Deadline: r.Deadline.UTC()}
	}
	return counts.Opened, counts.Closed, out, nil
}

// LookBack counts the look-back inspections filed in [start, end) — tasks
// done in the period — and those whose inspection failed: the findings.
func (s *Store) LookBack(ctx context.Context, start, end time.Time) (int, int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r struct{ Inspected, Findings int }
	err := s.db.Conn(ctx).Table("campaign_tasks t").
		Select(`COUNT(*) AS inspected, COALESCE(SUM(CASE WHEN ch.result = ? THEN 1 ELSE 0 END), 0) AS findings`,
			string(checklists.Fail)).
		Joins("JOIN checks ch ON ch.id = t.check_id").
		Where("t.done_at >= ? AND t.done_at < ?", store.TS(start), store.TS(end)).
		Scan(&r).Error
	if err != nil {
		return 0, 0, store.Translate(err, entTask, "count a circular's look-back inspections")
	}
	return r.Inspected, r.Findings, nil
}
