package mid

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Authenticator checks an access token.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (auth.Principal, error)
}

// maxAuthHeader bounds what we parse: a real access token is a few hundred
// bytes, and an attacker's megabyte header should cost nothing.
const maxAuthHeader = 4096

const userIDKey = "user_id"

// RequireAuth rejects requests without a valid Bearer access token and puts
// the principal in the request context for services.
func RequireAuth(a Authenticator) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if len(h) > maxAuthHeader {
			unauthenticated(c, "authorization_header_too_large", "the Authorization header is too large")
			return
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			unauthenticated(c, "missing_token", "send an access token as 'Authorization: Bearer <token>'")
			return
		}
		p, err := a.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			respond.Error(c, err)
			return
		}
		c.Set(userIDKey, p.UserID)
		c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
		c.Next()
	}
}

// RequireUsableSession refuses, with 403 password_change_required, callers
// that must change their password first; the routes mounted before it (/me,
// /me/password) stay open to them.
func RequireUsableSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := policy.SessionUsable(Principal(c)); err != nil {
			respond.Error(c, err)
			c.Abort()
			return
		}
		c.Next()
	}
}

func unauthenticated(c *gin.Context, code, msg string) {
	c.Header("WWW-Authenticate", `Bearer realm="fieldproof"`)
	respond.Error(c, &errs.Error{Kind: errs.KindUnauthenticated, Code: code, Message: msg})
}

// Principal returns the caller; RequireAuth guarantees it on protected routes.
func Principal(c *gin.Context) auth.Principal {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	return p
}
