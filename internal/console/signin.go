package console

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

type signinData struct {
	Next     string
	Username string
	CSRF     string
}

func (c *Console) signinForm(gc *gin.Context) error {
	if p, err := c.d.Auth.WebSession(gc.Request.Context(), sessionToken(gc)); err == nil && p.UserID != "" {
		lang(gc) // a ?lang= is remembered even when the page only passes a signed-in person on
		redirect(gc, localPath(gc.Query("next")))
		return nil
	}
	v := c.newView(gc, "", signinData{Next: localPath(gc.Query("next")), CSRF: c.csrf.token("pre:" + preauth(gc))})
	c.render(gc, http.StatusOK, "signin", v)
	return nil
}

// signin checks the pre-session token, then signs in through the auth
// service (its throttling and audit included) and sets the session cookie.
func (c *Console) signin(gc *gin.Context) error {
	pre, _ := gc.Cookie(preauthCookie)
	if pre == "" {
		return errCSRF
	}
	if err := c.csrf.check(gc, "pre:"+pre); err != nil {
		return err
	}
	next := localPath(gc.PostForm("next"))
	username := gc.PostForm("username")
	tok, err := c.d.Auth.StartWebSession(gc.Request.Context(), username, gc.PostForm("password"), gc.ClientIP())
	if err != nil {
		status, e := respond.Classify(err)
		if e == nil {
			return err
		}
		v := c.newView(gc, "", signinData{Next: next, Username: username, CSRF: c.csrf.token("pre:" + preauth(gc))})
		v.Problem = c.problem(v, status, e, "")
		c.render(gc, status, "signin", v)
		return nil
	}
	setCookie(gc, sessionCookie, tok, 0, http.SameSiteLaxMode)
	setCookie(gc, preauthCookie, "", -1, http.SameSiteStrictMode)
	redirect(gc, next)
	return nil
}

// signout ends the session's refresh family (on every replica) and drops
// the cookie. It needs the session's CSRF token, so no other site can sign
// a person out.
func (c *Console) signout(gc *gin.Context) error {
	tok := sessionToken(gc)
	if tok != "" {
		if err := c.csrf.check(gc, tok); err != nil {
			return err
		}
		if err := c.d.Auth.Logout(gc.Request.Context(), tok); err != nil {
			return err
		}
	}
	setCookie(gc, sessionCookie, "", -1, http.SameSiteLaxMode)
	redirect(gc, Prefix+"/signin?done=signed_out")
	return nil
}
