package console

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
)

func (c *Console) passwordForm(gc *gin.Context) error {
	c.render(gc, http.StatusOK, "password", c.newView(gc, "", nil))
	return nil
}

// changePassword changes the person's own password through the auth
// service, which ends all their sessions, this one included: they sign in
// again with the new password.
func (c *Console) changePassword(gc *gin.Context) error {
	if gc.PostForm("new_password") != gc.PostForm("confirm_password") {
		v := c.newView(gc, "", nil)
		v.Problem = &problemView{Status: http.StatusUnprocessableEntity, Code: "password_mismatch",
			Message: v.T("console.error.password_mismatch")}
		c.render(gc, http.StatusUnprocessableEntity, "password", v)
		return nil
	}
	err := c.d.Auth.ChangePassword(gc.Request.Context(), principal(gc), gc.PostForm("current_password"), gc.PostForm("new_password"))
	if err != nil {
		status, e := respond.Classify(err)
		if e == nil {
			return err
		}
		v := c.newView(gc, "", nil)
		v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
		c.render(gc, status, "password", v)
		return nil
	}
	setCookie(gc, sessionCookie, "", -1, http.SameSiteLaxMode)
	redirect(gc, Prefix+"/signin?done=password_changed")
	return nil
}
