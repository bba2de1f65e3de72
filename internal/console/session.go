package console

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// sessionCookie holds the console session (an auth refresh token). It is
// HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
// POSTs) and scoped to the console's path; Secure whenever the browser
// reached us over TLS, directly or through a proxy that says so (a forged
// header can only make the cookie stricter).
const sessionCookie = "fp_session"

func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func setCookie(gc *gin.Context, name, value string, maxAge int, sameSite http.SameSite) {
	http.SetCookie(gc.Writer, &http.Cookie{Name: name, Value: value, Path: Prefix + "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secureRequest(gc.Request), SameSite: sameSite})
}

// sessionToken is the cookie's value, or "".
func sessionToken(gc *gin.Context) string {
	v, err := gc.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return v
}

const principalKey = "console_principal"

// requireSession admits a request with a live session cookie and puts the
// person in the request context, where services (and the API's download
// handlers) find them; it also checks the CSRF token of every unsafe
// request. Without a session a page redirects to sign-in and anything
// else is 401.
func (c *Console) requireSession() gin.HandlerFunc {
	return func(gc *gin.Context) {
		tok := sessionToken(gc)
		p, err := c.d.Auth.WebSession(gc.Request.Context(), tok)
		if err != nil {
			if tok != "" {
				setCookie(gc, sessionCookie, "", -1, http.SameSiteLaxMode)
			}
			if gc.Request.Method == http.MethodGet {
				redirect(gc, Prefix+"/signin?next="+url.QueryEscape(gc.Request.URL.RequestURI()))
				gc.Abort()
				return
			}
			c.fail(gc, err)
			gc.Abort()
			return
		}
		if !safeMethod(gc.Request.Method) {
			if err := c.csrf.check(gc, tok); err != nil {
				c.fail(gc, err)
				gc.Abort()
				return
			}
		}
		gc.Set(principalKey, p)
		gc.Set("user_id", p.UserID) // the request log's field, as the API's middleware sets it
		gc.Request = gc.Request.WithContext(auth.WithPrincipal(gc.Request.Context(), p))
		gc.Next()
	}
}

// requireUsable sends a person who must change their password to the
// password page, as the API refuses them everything else.
func requireUsable() gin.HandlerFunc {
	return func(gc *gin.Context) {
		if err := policy.SessionUsable(principal(gc)); err != nil {
			redirect(gc, Prefix+"/password")
			gc.Abort()
			return
		}
		gc.Next()
	}
}

func principal(gc *gin.Context) auth.Principal {
	p, _ := gc.Get(principalKey)
	pp, _ := p.(auth.Principal)
	return pp
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// redirect answers 303 See Other: after a POST the browser GETs the target.
func redirect(gc *gin.Context, to string) {
	gc.Redirect(http.StatusSeeOther, to)
}

// localPath keeps a ?next= target on this console, so sign-in cannot be
// turned into an open redirect.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || len(next) < len(Prefix)+1 || next[:len(Prefix)+1] != Prefix+"/" ||
		(len(next) > 1 && next[1] == '/') {
		return Prefix + "/"
	}
	return next
}
