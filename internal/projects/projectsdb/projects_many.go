package projectsdb

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// ProjectsByIDs loads the projects of ids that exist, with their routes.
func (s *Store) ProjectsByIDs(ctx context.Context, ids []string) ([]projects.Project, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []projectRow
	if err := s.projectQuery(ctx, projectColumns+", projects.route").Where("projects.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entProject, "load projects")
	}
	return store.Convert(rows, s.listed)
}

// AssignmentsOf lists the assignments of each of projectIDs.
func (s *Store) AssignmentsOf(ctx context.Context, projectIDs []string) (map[string][]projects.Assignment, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []assignmentRow
	err := s.assignmentQuery(ctx).Where("project_assignments.project_id IN ?", projectIDs).
		Order("project_assignments.role, users.username").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entAssignment, "list assignments")
	}
	out := map[string][]projects.Assignment{}
	for _, r := range rows {
		a := r.toDomain()
		out[a.ProjectID] = append(out[a.ProjectID], a)
	}
	return out, nil
}
