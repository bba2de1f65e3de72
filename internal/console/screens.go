package console

import "github.com/gin-gonic/gin"

// screens lists each screen's route registration; a new screen adds its
// own line here and keeps its handlers and template in its own files.
func (c *Console) screens() []func(g *gin.RouterGroup) {
	return []func(g *gin.RouterGroup){
		c.queueRoutes,
		c.checkRoutes,
		c.projectsRoutes,
		c.dashboardRoutes,
		c.exportsRoutes,
		c.ordersRoutes,
		c.circularsRoutes,
		c.monthlyRoutes,
		c.monthlyReportRoutes,
		c.photoPointRoutes,
	}
}
