package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Cross-site request forgery is refused twice over. Every unsafe request
// carries a token bound to the session (an HMAC of the session cookie under
// a key derived from the signing key: stateless, the same on every
// replica, unknowable without the HttpOnly cookie), in a form field or the
// X-CSRF-Token header; and a browser that says the request is cross-site
// (Sec-Fetch-Site, or an Origin that is not this host) is refused before
// the token is looked at. Sign-in, before there is a session, binds its
// token to a random pre-session cookie instead (double submit), so a
// forged sign-in cannot plant the attacker's account in a victim's browser.

const (
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
	preauthCookie = "fp_presession"
)

type csrfKey []byte

func newCSRFKey(secret []byte) csrfKey {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fieldproof console csrf v1"))
	return m.Sum(nil)
}

func (k csrfKey) token(bound string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(bound))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var errCSRF = &errs.Error{Kind: errs.KindForbidden, Code: "csrf_failed",
	Message: "the form's security token is missing or wrong, or the request came from another site; reload the page and try again"}

// check refuses an unsafe request that is cross-site or whose token is not
// the one bound to `bound` (the session, or the pre-session cookie).
func (k csrfKey) check(gc *gin.Context, bound string) error {
	if crossSite(gc.Request) || bound == "" {
		return errCSRF
	}
	got := gc.GetHeader(csrfHeader)
	if got == "" {
		got = gc.PostForm(csrfField)
	}
	if !hmac.Equal([]byte(got), []byte(k.token(bound))) {
		return errCSRF
	}
	return nil
}

func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return true
		}
	}
	return false
}

// preauth returns the pre-session cookie, setting a new one when absent.
func preauth(gc *gin.Context) string {
	if v, err := gc.Cookie(preauthCookie); err == nil && len(v) == 43 {
		return v
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	setCookie(gc, preauthCookie, v, 3600, http.SameSiteStrictMode)
	return v
}
