package projectsdb

import (
	"context"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/projects"
)

// What the review store reads projects with, so that a project reads the
// same in the dashboard and the exports as in the lists: the same row, the
// same columns and joins, the same conversion.

// Row is a project as stored.
type Row = projectRow

// Columns are the project list's columns (without the route).
const Columns = projectColumns

// ToDomain converts a stored project.
func (r projectRow) ToDomain() (projects.Project, error) { return r.toDomain() }

// Query is the project list's query (its joins) selecting columns.
func (s *Store) Query(ctx context.Context, columns string) *gorm.DB {
	return s.projectQuery(ctx, columns)
}
