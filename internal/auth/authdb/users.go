package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Users implements auth.Store.
type Users struct{ db *DB }

var _ auth.Store = (*Users)(nil)

// NewUsers returns the user, token and login-throttle store.
func NewUsers(db *DB) *Users { return &Users{db: db} }

type userRow struct {
	ID                 string `gorm:"primaryKey"`
	Username           string
	DisplayName        string
	Role               string
	UnitID             *string
	BadgeNo            *string
	Phone              string
	PasswordHash       string
	Disabled           bool
	MustChangePassword bool
	CreatedAt          time.Time
	// The service's clock sets it, not GORM's (tests fix the clock).
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
	// UnitName is read through a join, never written.
	UnitName *string `gorm:"->;-:migration"`
}

func (userRow) TableName() string { return "users" }

func toUserRow(u auth.User) userRow {
	return userRow{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role),
		UnitID: nullable(u.UnitID), BadgeNo: nullable(u.BadgeNo), Phone: u.Phone, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

func (r userRow) toDomain() auth.User {
	return auth.User{ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, Role: auth.Role(r.Role),
		UnitID: deref(r.UnitID), UnitName: deref(r.UnitName), BadgeNo: deref(r.BadgeNo), Phone: r.Phone,
		PasswordHash: r.PasswordHash, Disabled: r.Disabled, MustChangePassword: r.MustChangePassword,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Users) userQuery(ctx context.Context) *gorm.DB {
	return s.db.conn(ctx).Table("users").
		Select("users.*, units.name AS unit_name").
		Joins("LEFT JOIN units ON units.id = users.unit_id")
}

// CreateUser inserts a user.
func (s *Users) CreateUser(ctx context.Context, u auth.User) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := toUserRow(u)
	return translate(s.db.conn(ctx).Omit("UnitName").Create(&row).Error, entUser, "insert user")
}

// UserByID loads a user.
func (s *Users) UserByID(ctx context.Context, id string) (auth.User, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var row userRow
	err := s.userQuery(ctx).Where("users.id = ?", id).Take(&row).Error
	return row.toDomain(), translate(err, entUser, "load user")
}

// UserByUsername loads a user by login name (case-insensitive: names are
// stored lowercase).
func (s *Users) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var row userRow
	err := s.userQuery(ctx).Where("users.username = ?", strings.ToLower(username)).Take(&row).Error
	return row.toDomain(), translate(err, entUser, "load user")
}

// ListUsers lists users ordered by username.
func (s *Users) ListUsers(ctx context.Context, f auth.UserFilter) ([]auth.User, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	q := s.userQuery(ctx).Order("users.username").Limit(f.Limit)
	if f.Role != "" {
		q = q.Where("users.role = ?", string(f.Role))
	}
	if f.After != "" {
		q = q.Where("users.username > ?", f.After)
	}
	if f.Query != "" {
		like := LikeContains(strings.ToLower(f.Query))
		q = q.Where("(LOWER(users.username) LIKE ? ESCAPE '\\' OR LOWER(users.display_name) LIKE ? ESCAPE '\\')", like, like)
	}
	var rows []userRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, entUser, "list users")
	}
	out := make([]auth.User, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdateUser writes every mutable column of u.
func (s *Users) UpdateUser(ctx context.Context, u auth.User) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := toUserRow(u)
	res := s.db.conn(ctx).Model(&userRow{ID: u.ID}).Select("display_name", "role", "unit_id", "badge_no", "phone",
		"password_hash", "disabled", "must_change_password", "updated_at").Updates(&row)
	if res.Error != nil {
		return translate(res.Error, entUser, "update user")
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, entUser, "update user")
	}
	return nil
}

type refreshTokenRow struct {
	ID        string `gorm:"primaryKey"`
	FamilyID  string
	UserID    string
	TokenHash string
	ExpiresAt time.Time
	CreatedAt time.Time
	RotatedAt *time.Time
	RevokedAt *time.Time
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

// InsertRefreshToken stores a token hash.
func (s *Users) InsertRefreshToken(ctx context.Context, t auth.RefreshToken) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	row := refreshTokenRow{ID: t.ID, FamilyID: t.FamilyID, UserID: t.UserID, TokenHash: t.TokenHash,
		ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: t.CreatedAt.UTC()}
	return translate(s.db.conn(ctx).Create(&row).Error, entRefreshToken, "insert refresh_token")
}

// RefreshTokenByHash finds a token by its hash.
func (s *Users) RefreshTokenByHash(ctx context.Context, hash string) (auth.RefreshToken, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var r refreshTokenRow
	if err := s.db.conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return auth.RefreshToken{}, translate(err, entRefreshToken, "load refresh_token")
	}
	return auth.RefreshToken{ID: r.ID, FamilyID: r.FamilyID, UserID: r.UserID, TokenHash: r.TokenHash,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), RotatedAt: r.RotatedAt, RevokedAt: r.RevokedAt}, nil
}

// MarkRotated is a conditional update: only the first caller changes the row.
func (s *Users) MarkRotated(ctx context.Context, id string, at time.Time) (bool, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	res := s.db.conn(ctx).Model(&refreshTokenRow{}).
		Where("id = ? AND rotated_at IS NULL AND revoked_at IS NULL", id).Update("rotated_at", at.UTC())
	return res.RowsAffected == 1, translate(res.Error, entRefreshToken, "rotate refresh_token")
}

// RevokeFamily revokes every live token of a family.
func (s *Users) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	return translate(s.db.conn(ctx).Model(&refreshTokenRow{}).
		Where("family_id = ? AND revoked_at IS NULL", familyID).Update("revoked_at", at.UTC()).Error, entRefreshToken, "revoke refresh_token")
}

// RevokeUserTokens revokes every live token of a user.
func (s *Users) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	return translate(s.db.conn(ctx).Model(&refreshTokenRow{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", at.UTC()).Error, entRefreshToken, "revoke refresh_token")
}

type loginFailureRow struct {
	Key         string `gorm:"primaryKey"`
	Failures    int
	WindowStart time.Time
}

func (loginFailureRow) TableName() string { return "login_failures" }

// LoginFailures returns the count for key if its window started after since.
func (s *Users) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	var r loginFailureRow
	err := s.db.conn(ctx).Where("key = ? AND window_start > ?", key, since.UTC()).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return 0, nil
	}
	return r.Failures, translate(err, entLoginFailure, "load login_failure")
}

// RecordLoginFailure counts a failure in one statement (an upsert), so
// concurrent attempts from many replicas are all counted. A window older
// than `window` starts again at one.
func (s *Users) RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	now = now.UTC()
	expired := now.Add(-window)
	row := loginFailureRow{Key: key, Failures: 1, WindowStart: now}
	err := s.db.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "key"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "failures"}, Value: gorm.Expr(
				"CASE WHEN login_failures.window_start > ? THEN login_failures.failures + 1 ELSE 1 END", expired)},
			{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr(
				"CASE WHEN login_failures.window_start > ? THEN login_failures.window_start ELSE ? END", expired, now)},
		},
	}).Create(&row).Error
	return translate(err, entLoginFailure, "record login_failure")
}

// ResetLoginFailures clears a key after a successful login.
func (s *Users) ResetLoginFailures(ctx context.Context, key string) error {
	ctx, cancel := s.db.ctx(ctx)
	defer cancel()
	return translate(s.db.conn(ctx).Where("key = ?", key).Delete(&loginFailureRow{}).Error, entLoginFailure, "reset login_failure")
}

// InTx runs fn in a transaction.
func (s *Users) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}
