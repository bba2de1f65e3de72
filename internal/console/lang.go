package console

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/i18n"
)

const langCookie = "fp_lang"

// lang picks the page language: ?lang= (which the language switch sends,
// and which is then remembered in a cookie), the remembered choice, the
// browser's Accept-Language, else Chinese.
func lang(gc *gin.Context) i18n.Lang {
	if q := gc.Query("lang"); q != "" {
		if l, ok := i18n.Parse(q); ok {
			http.SetCookie(gc.Writer, &http.Cookie{Name: langCookie, Value: string(l), Path: Prefix + "/",
				MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: secureRequest(gc.Request), SameSite: http.SameSiteLaxMode})
			return l
		}
	}
	if v, err := gc.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(v); ok {
			return l
		}
	}
	return i18n.Negotiate("", gc.GetHeader("Accept-Language"))
}
