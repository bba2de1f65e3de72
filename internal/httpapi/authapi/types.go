// Package authapi serves login, token refresh, logout, the caller's own
// record, and user administration.
package authapi

import (
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func toTokenResponse(t auth.Tokens) tokenResponse {
	return tokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn / time.Second)}
}

type userResponse struct {
	ID                 string    `json:"id"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Role               auth.Role `json:"role"`
	UnitID             *string   `json:"unit_id"`
	Unit               *string   `json:"unit"`
	BadgeNo            *string   `json:"badge_no"`
	Phone              string    `json:"phone"`
	Disabled           bool      `json:"disabled"`
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toUserResponse(u auth.User) userResponse {
	return userResponse{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		UnitID: opt(u.UnitID), Unit: opt(u.UnitName), BadgeNo: opt(u.BadgeNo), Phone: u.Phone, Disabled: u.Disabled,
		MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

type createUserRequest struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        auth.Role `json:"role"`
	Unit        string    `json:"unit"`
	BadgeNo     string    `json:"badge_no"`
	Phone       string    `json:"phone"`
	Password    string    `json:"password"`
}

type updateUserRequest struct {
	DisplayName *string    `json:"display_name"`
	Role        *auth.Role `json:"role"`
	Unit        *string    `json:"unit"`
	BadgeNo     *string    `json:"badge_no"`
	Phone       *string    `json:"phone"`
	Disabled    *bool      `json:"disabled"`
}

type resetPasswordRequest struct {
	Password string `json:"password"`
}

type resetPasswordResponse struct {
	User     userResponse `json:"user"`
	Password string       `json:"password,omitempty"`
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

type userListResponse struct {
	Items      []userResponse `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}
