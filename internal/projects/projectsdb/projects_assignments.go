package projectsdb

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

type assignmentRow struct {
	ProjectID  string `gorm:"primaryKey"`
	UserID     string `gorm:"primaryKey"`
	Role       string
	BadgeNo    *string
	AssignedBy string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`

	// Read through the users join, never written.
	Username    string `gorm:"->;-:migration"`
	DisplayName string `gorm:"->;-:migration"`
}

func (assignmentRow) TableName() string { return "project_assignments" }

func (r assignmentRow) toDomain() projects.Assignment {
	return projects.Assignment{ProjectID: r.ProjectID, UserID: r.UserID, Username: r.Username,
		DisplayName: r.DisplayName, Role: auth.Role(r.Role), BadgeNo: textOf(r.BadgeNo), AssignedBy: r.AssignedBy,
		CreatedAt: r.CreatedAt.UTC()}
}

func (s *Store) assignmentQuery(ctx context.Context) *gorm.DB {
	return s.db.Conn(ctx).Table("project_assignments").
		Select("project_assignments.*, users.username, users.display_name").
		Joins("JOIN users ON users.id = project_assignments.user_id")
}

// IsAssigned reports whether the user is assigned to the project.
func (s *Store) IsAssigned(ctx context.Context, projectID, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int64
	err := s.db.Conn(ctx).Model(&assignmentRow{}).Where("project_id = ? AND user_id = ?", projectID, userID).Count(&n).Error
	return n > 0, store.Translate(err, entAssignment, "check assignment")
}

// assigneeRow is the slice of the users table assignment reads. The users
// store belongs to auth; this query is kept here so the projects domain
// depends only on its own Store.
type assigneeRow struct {
	ID       string
	Role     string
	BadgeNo  *string
	Disabled bool
}

// Assignee reads a user's role, badge and whether they are disabled.
func (s *Store) Assignee(ctx context.Context, userID string) (projects.Assignee, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r assigneeRow
	err := s.db.Conn(ctx).Table("users").Select("id, role, badge_no, disabled").Where("id = ?", userID).Take(&r).Error
	if err != nil {
		return projects.Assignee{}, store.Translate(err, entUser, "load user")
	}
	return projects.Assignee{ID: r.ID, Role: auth.Role(r.Role), BadgeNo: textOf(r.BadgeNo), Disabled: r.Disabled}, nil
}

// Assignment loads one assignment with the user's names.
func (s *Store) Assignment(ctx context.Context, projectID, userID string) (projects.Assignment, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r assignmentRow
	err := s.assignmentQuery(ctx).
		Where("project_assignments.project_id = ? AND project_assignments.user_id = ?", projectID, userID).Take(&r).Error
	if err != nil {
		return projects.Assignment{}, store.Translate(err, entAssignment, "load assignment")
	}
	return r.toDomain(), nil
}

// SaveAssignment inserts an assignment or updates its role and badge.
func (s *Store) SaveAssignment(ctx context.Context, a projects.Assignment) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := assignmentRow{ProjectID: a.ProjectID, UserID: a.UserID, Role: string(a.Role), BadgeNo: optText(a.BadgeNo),
		AssignedBy: a.AssignedBy, CreatedAt: a.CreatedAt.UTC()}
	err := s.db.Conn(ctx).Omit("Username", "DisplayName").Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "project_id"}, {Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"role", "badge_no"}),
	}).Create(&row).Error
	return store.Translate(err, entAssignment, "save assignment")
}

// CountAssigned counts a project's assignments in one role.
func (s *Store) CountAssigned(ctx context.Context, projectID string, role auth.Role) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int64
	err := s.db.Conn(ctx).Model(&assignmentRow{}).Where("project_id = ? AND role = ?", projectID, string(role)).Count(&n).Error
	return int(n), store.Translate(err, entAssignment, "count assignments")
}

// DeleteAssignment removes an assignment.
func (s *Store) DeleteAssignment(ctx context.Context, projectID, userID string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Where("project_id = ? AND user_id = ?", projectID, userID).Delete(&assignmentRow{})
	return res.RowsAffected > 0, store.Translate(res.Error, entAssignment, "delete assignment")
}

// ListAssignments lists a project's assignments by role, then username.
func (s *Store) ListAssignments(ctx context.Context, projectID string) ([]projects.Assignment, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []assignmentRow
	err := s.assignmentQuery(ctx).Where("project_assignments.project_id = ?", projectID).
		Order("project_assignments.role, users.username").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entAssignment, "list assignments")
	}
	out := make([]projects.Assignment, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}
