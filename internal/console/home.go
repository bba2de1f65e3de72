package console

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/policy"
)

// home sends each person to where their work starts: the office to the
// review queue, everyone else to the rectification board (which shows
// them their own scope).
func (c *Console) home(gc *gin.Context) error {
	if policy.ReviewChecks(principal(gc)) == nil {
		redirect(gc, Prefix+"/queue")
		return nil
	}
	redirect(gc, Prefix+"/orders")
	return nil
}
