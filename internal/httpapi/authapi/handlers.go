package authapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/policy"
)

type handlers struct{ svc *auth.Service }

// RegisterPublic mounts the routes that need no access token.
func RegisterPublic(g *gin.RouterGroup, svc *auth.Service) {
	h := handlers{svc}
	g.POST("/auth/login", respond.H(h.login))
	g.POST("/auth/refresh", respond.H(h.refresh))
	g.POST("/auth/logout", respond.H(h.logout))
}

// RegisterSelf mounts the routes a caller who must change their password may
// still use.
func RegisterSelf(g *gin.RouterGroup, svc *auth.Service) {
	h := handlers{svc}
	g.GET("/me", respond.H(h.me))
	g.POST("/me/password", respond.H(h.changePassword))
}

// Register mounts the other routes for authenticated callers.
func Register(g *gin.RouterGroup, svc *auth.Service) {
	h := handlers{svc}
	g.GET("/users", respond.H(h.listUsers))
	g.POST("/users", respond.H(h.createUser))
	g.GET("/users/:id", respond.H(h.getUser))
	g.PATCH("/users/:id", respond.H(h.updateUser))
	g.POST("/users/:id/password", respond.H(h.resetPassword))
}

func (h handlers) login(c *gin.Context) error {
	var req loginRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	t, err := h.svc.Login(c.Request.Context(), req.Username, req.Password, c.ClientIP())
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	respond.JSON(c, http.StatusOK, toTokenResponse(t))
	return nil
}

func (h handlers) refresh(c *gin.Context) error {
	var req refreshRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	t, err := h.svc.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	respond.JSON(c, http.StatusOK, toTokenResponse(t))
	return nil
}

func (h handlers) logout(c *gin.Context) error {
	var req refreshRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	if err := h.svc.Logout(c.Request.Context(), req.RefreshToken); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (h handlers) me(c *gin.Context) error {
	u, err := h.svc.Me(c.Request.Context(), mid.Principal(c))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toUserResponse(u))
	return nil
}

func (h handlers) changePassword(c *gin.Context) error {
	var req changePasswordRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	if err := h.svc.ChangePassword(c.Request.Context(), mid.Principal(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (h handlers) listUsers(c *gin.Context) error {
	if err := policy.Global(mid.Principal(c), policy.ManageUsers); err != nil {
		return err
	}
	f := auth.UserFilter{Role: auth.Role(c.Query("role")), Query: c.Query("q"), After: c.Query("cursor"), Limit: 50}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_parameter", Message: "limit must be 1 to 200",
				Fields: []errs.FieldError{{Field: "limit", Code: "out_of_range", Message: "must be 1 to 200"}}}
		}
		f.Limit = n
	}
	users, err := h.svc.ListUsers(c.Request.Context(), f)
	if err != nil {
		return err
	}
	resp := userListResponse{Items: make([]userResponse, len(users))}
	for i, u := range users {
		resp.Items[i] = toUserResponse(u)
	}
	if len(users) == f.Limit {
		resp.NextCursor = &users[len(users)-1].Username
	}
	respond.JSON(c, http.StatusOK, resp)
	return nil
}

func (h handlers) createUser(c *gin.Context) error {
	if err := policy.Global(mid.Principal(c), policy.ManageUsers); err != nil {
		return err
	}
	var req createUserRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.CreateUser(c.Request.Context(), auth.NewUser{Username: req.Username, DisplayName: req.DisplayName,
		Role: req.Role, Unit: req.Unit, BadgeNo: req.BadgeNo, Phone: req.Phone, Password: req.Password})
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/users/"+u.ID)
	respond.JSON(c, http.StatusCreated, toUserResponse(u))
	return nil
}

func (h handlers) getUser(c *gin.Context) error {
	if err := policy.Global(mid.Principal(c), policy.ManageUsers); err != nil {
		return err
	}
	u, err := h.svc.GetUser(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toUserResponse(u))
	return nil
}

func (h handlers) updateUser(c *gin.Context) error {
	p := mid.Principal(c)
	if err := policy.Global(p, policy.ManageUsers); err != nil {
		return err
	}
	var req updateUserRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.UpdateUser(c.Request.Context(), p, c.Param("id"), auth.UserUpdate{DisplayName: req.DisplayName,
		Role: req.Role, Unit: req.Unit, BadgeNo: req.BadgeNo, Phone: req.Phone, Disabled: req.Disabled})
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toUserResponse(u))
	return nil
}

func (h handlers) resetPassword(c *gin.Context) error {
	if err := policy.Global(mid.Principal(c), policy.ManageUsers); err != nil {
		return err
	}
	var req resetPasswordRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, pw, err := h.svc.ResetPassword(c.Request.Context(), c.Param("id"), req.Password)
	if err != nil {
		return err
	}
	resp := resetPasswordResponse{User: toUserResponse(u)}
	if req.Password == "" {
		resp.Password = pw // generated: shown once, to the admin who asked
	}
	c.Header("Cache-Control", "no-store")
	respond.JSON(c, http.StatusOK, resp)
	return nil
}
