package store

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// ProjectsByIDs loads the projects of ids that exist, with their routes.
func (s *Projects) ProjectsByIDs(ctx context.Context, ids []string) ([]projects.Project, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var rows []projectRow
	if err := s.projectQuery(ctx, projectColumns+", projects.route").Where("projects.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err, entProject, "load projects")
	}
	return rowsToDomain[projects.Project](rows)
}

// AssignmentsOf lists the assignments of each of projectIDs.
func (s *Projects) AssignmentsOf(ctx context.Context, projectIDs []string) (map[string][]projects.Assignment, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var rows []assignmentRow
	err := s.assignmentQuery(ctx).Where("project_assignments.project_id IN ?", projectIDs).
		Order("project_assignments.role, users.username").Find(&rows).Error
	if err != nil {
		return nil, translate(err, entAssignment, "list assignments")
	}
	out := map[string][]projects.Assignment{}
	for _, r := range rows {
		a := r.toDomain()
		out[a.ProjectID] = append(out[a.ProjectID], a)
	}
	return out, nil
}
