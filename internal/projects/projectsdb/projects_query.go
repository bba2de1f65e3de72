package projectsdb

import (
	"context"
	"strings"

	"github.com/fieldproof/fieldproof/internal/policy/scopesql"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// ListProjects runs a filtered keyset page ordered by code. The
// behind-schedule test is projects.Behind in SQL: on_track_until < now.
func (s *Store) ListProjects(ctx context.Context, f projects.Filter) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.projectQuery(ctx, projectColumns)
	if f.Status != "" {
		q = q.Where("projects.status = ?", string(f.Status))
	}
	if f.Category != "" {
		q = q.Where("projects.category = ?", string(f.Category))
	}
	if f.Township != "" {
		q = q.Where("townships.name = ?", f.Township)
	}
	if f.Unit != "" {
		q = q.Where("units.name = ?", f.Unit)
	}
	if f.Behind != nil {
		now := f.Now.UTC()
		if *f.Behind {
			q = q.Where("projects.on_track_until IS NOT NULL AND projects.on_track_until < ?", now)
		} else {
			q = q.Where("(projects.on_track_until IS NULL OR projects.on_track_until >= ?)", now)
		}
	}
	if f.Text != "" {
		like := store.LikeContains(strings.ToLower(f.Text))
		q = q.Where(`(LOWER(projects.name) LIKE ? ESCAPE '\' OR LOWER(projects.code) LIKE ? ESCAPE '\')`, like, like)
	}
	if b := f.BBox; b != nil {
		q = q.Where("projects.lat BETWEEN ? AND ? AND projects.lon BETWEEN ? AND ?", b.MinLat, b.MaxLat, b.MinLon, b.MaxLon)
	}
	scope, scopeArgs := scopesql.Project("projects.id", f.Scope)
	q = q.Where(scope, scopeArgs...)
	if f.AfterCode != "" {
		q = q.Where("projects.code > ?", f.AfterCode)
	}
	var rows []projectRow
	if err := q.Order("projects.code").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entProject, "list projects")
	}
	return store.Convert(rows, s.listed)
}
