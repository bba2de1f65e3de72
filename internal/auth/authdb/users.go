package authdb

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entLoginFailure = store.NewEntity("login_failure")
	entRefreshToken = store.NewEntity("refresh_token")
	entUser         = store.NewEntity("user")
)

// Store implements auth.Store.
type Store struct{ db *store.DB }

var _ auth.Store = (*Store)(nil)

// New returns the user, token and login-throttle store.
func New(db *store.DB) *Store { return &Store{db: db} }

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
	// SessionGen is written only by EndSessions (an increment in SQL), never
	// by UpdateUser, so an edit from a stale read cannot bring it back.
	SessionGen int64
	CreatedAt  time.Time
	// The service's clock sets it, not GORM's (tests fix the clock).
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
	// UnitName is read through a join, never written.
	UnitName *string `gorm:"->;-:migration"`
}

func (userRow) TableName() string { return "users" }

func toUserRow(u auth.User) userRow {
	return userRow{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role),
		UnitID: nullable(u.UnitID), BadgeNo: nullable(u.BadgeNo), Phone: u.Phone, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, SessionGen: u.SessionGen, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

func (r userRow) toDomain() auth.User {
	return auth.User{ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, Role: auth.Role(r.Role),
		UnitID: deref(r.UnitID), UnitName: deref(r.UnitName), BadgeNo: deref(r.BadgeNo), Phone: r.Phone,
		PasswordHash: r.PasswordHash, Disabled: r.Disabled, MustChangePassword: r.MustChangePassword,
		SessionGen: r.SessionGen, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
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

func (s *Store) userQuery(ctx context.Context) *gorm.DB {
	return s.db.Conn(ctx).Table("users").
		Select("users.*, units.name AS unit_name").
		Joins("LEFT JOIN units ON units.id = users.unit_id")
}

// CreateUser inserts a user.
func (s *Store) CreateUser(ctx context.Context, u auth.User) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := toUserRow(u)
	return store.Translate(s.db.Conn(ctx).Omit("UnitName").Create(&row).Error, entUser, "insert user")
}

// UserByID loads a user.
func (s *Store) UserByID(ctx context.Context, id string) (auth.User, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row userRow
	err := s.userQuery(ctx).Where("users.id = ?", id).Take(&row).Error
	return row.toDomain(), store.Translate(err, entUser, "load user")
}

// UserByUsername loads a user by login name (case-insensitive: names are
// stored lowercase).
func (s *Store) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row userRow
	err := s.userQuery(ctx).Where("users.username = ?", strings.ToLower(username)).Take(&row).Error
	return row.toDomain(), store.Translate(err, entUser, "load user")
}

// ListUsers lists users ordered by username.
func (s *Store) ListUsers(ctx context.Context, f auth.UserFilter) ([]auth.User, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.userQuery(ctx).Order("users.username").Limit(f.Limit)
	if f.Role != "" {
		q = q.Where("users.role = ?", string(f.Role))
	}
	if f.After != "" {
		q = q.Where("users.username > ?", f.After)
	}
	if f.Query != "" {
		like := store.LikeContains(strings.ToLower(f.Query))
		q = q.Where("(LOWER(users.username) LIKE ? ESCAPE '\\' OR LOWER(users.display_name) LIKE ? ESCAPE '\\')", like, like)
	}
	var rows []userRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entUser, "list users")
	}
	out := make([]auth.User, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdateUser writes every mutable column of u.
func (s *Store) UpdateUser(ctx context.Context, u auth.User) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := toUserRow(u)
	res := s.db.Conn(ctx).Model(&userRow{ID: u.ID}).Select("display_name", "role", "unit_id", "badge_no", "phone",
		"password_hash", "disabled", "must_change_password", "updated_at").Updates(&row)
	if res.Error != nil {
		return store.Translate(res.Error, entUser, "update user")
	}
	if res.RowsAffected == 0 {
		return store.Translate(gorm.ErrRecordNotFound, entUser, "update user")
	}
	return nil
}

type refreshTokenRow struct {
	ID         string `gorm:"primaryKey"`
	FamilyID   string
	UserID     string
	TokenHash  string
	SessionGen int64
	ExpiresAt  time.Time
	CreatedAt  time.Time
	RotatedAt  *time.Time
	RevokedAt  *time.Time
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

// InsertRefreshToken stores a token hash.
func (s *Store) InsertRefreshToken(ctx context.Context, t auth.RefreshToken) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := refreshTokenRow{ID: t.ID, FamilyID: t.FamilyID, UserID: t.UserID, TokenHash: t.TokenHash, SessionGen: t.SessionGen,
		ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: t.CreatedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entRefreshToken, "insert refresh_token")
}

// RefreshTokenByHash finds a token by its hash.
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (auth.RefreshToken, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r refreshTokenRow
	if err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return auth.RefreshToken{}, store.Translate(err, entRefreshToken, "load refresh_token")
	}
	return auth.RefreshToken{ID: r.ID, FamilyID: r.FamilyID, UserID: r.UserID, TokenHash: r.TokenHash, SessionGen: r.SessionGen,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), RotatedAt: r.RotatedAt, RevokedAt: r.RevokedAt}, nil
}

// MarkRotated is a conditional update: only the first caller changes the row.
func (s *Store) MarkRotated(ctx context.Context, id string, at time.Time) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&refreshTokenRow{}).
		Where("id = ? AND rotated_at IS NULL AND revoked_at IS NULL", id).Update("rotated_at", at.UTC())
	return res.RowsAffected == 1, store.Translate(res.Error, entRefreshToken, "rotate refresh_token")
}

// RevokeFamily revokes every live token of a family.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Model(&refreshTokenRow{}).
		Where("family_id = ? AND revoked_at IS NULL", familyID).Update("revoked_at", at.UTC()).Error, entRefreshToken, "revoke refresh_token")
}

// RevokeUserTokens revokes every live token of a user.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Model(&refreshTokenRow{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", at.UTC()).Error, entRefreshToken, "revoke refresh_token")
}

type loginFailureRow struct {
	Key         string `gorm:"primaryKey"`
	Failures    int
	WindowStart time.Time
}

func (loginFailureRow) TableName() string { return "login_failures" }

// LoginFailures returns the count for key if its window started after since.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r loginFailureRow
	err := s.db.Conn(ctx).Where("key = ? AND window_start > ?", key, since.UTC()).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return 0, nil
	}
	return r.Failures, store.Translate(err, entLoginFailure, "load login_failure")
}

// ResetLoginFailures clears a key after a successful login.
func (s *Store) ResetLoginFailures(ctx context.Context, key string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Where("key = ?", key).Delete(&loginFailureRow{}).Error, entLoginFailure, "reset login_failure")
}

// InTx runs fn in a transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}
