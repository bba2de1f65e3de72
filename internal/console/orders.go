package console

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// ordersRoutes: the rectification board and each order's page.
func (c *Console) ordersRoutes(g *gin.RouterGroup) {
	g.GET("/orders", c.page(c.board))
	g.GET("/orders/:id", c.page(c.orderPage))
	g.POST("/orders/:id/acknowledge", c.page(c.orderAcknowledge))
	g.POST("/orders/:id/verify", c.page(c.orderVerify))
	g.POST("/orders/:id/reject", c.page(c.orderReject))
	g.POST("/orders/:id/cancel", c.page(c.orderCancel))
}

// boardStatuses are the board's status choices: "open" (the default) and
// "all" are the service's Open filter, the rest its statuses.
var boardStatuses = []string{"open", "issued", "acknowledged", "response_submitted", "closed", "cancelled", "all"}

// boardRow is one order with what the board prints of its project.
type boardRow struct {
	orders.Order
	Overdue bool
	Project projects.Project
	Known   bool // the project was readable
}

type boardData struct {
	Rows       []boardRow
	Next       string
	Status     string
	Statuses   []string
	Township   string
	Townships  []org.Township
	UnitID     string
	Units      []org.Unit
	Category   string
	Categories []projects.Category
	Filtered   bool
	Paged      bool
}

// board lists the orders the person may see, overdue first (the service's
// sort=due), filtered by status, township, unit and category.
func (c *Console) board(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	d := boardData{Status: gc.DefaultQuery("status", "open"), Statuses: boardStatuses, Township: gc.Query("township"),
		UnitID: gc.Query("unit_id"), Category: gc.Query("category"), Categories: projects.Categories,
		Paged: gc.Query("cursor") != ""}
	q := orders.ListQuery{Township: d.Township, UnitID: d.UnitID, Category: d.Category, Sort: orders.SortDue,
		Cursor: gc.Query("cursor")}
	yes := true
	switch d.Status {
	case "open":
		q.Open = &yes
	case "all":
	default:
		q.Status = d.Status
	}
	d.Filtered = d.Township != "" || d.UnitID != "" || d.Category != "" || d.Status != "open"
	pg, err := c.d.Orders.List(ctx, p, q)
	if err != nil {
		return err
	}
	d.Next = pg.Next
	ids := make([]string, 0, len(pg.Orders))
	for _, o := range pg.Orders {
		ids = append(ids, o.ProjectID)
	}
	projs, err := c.d.Projects.GetMany(ctx, p, ids)
	if err != nil {
		return err
	}
	for _, o := range pg.Orders {
		pr, ok := projs[o.ProjectID]
		d.Rows = append(d.Rows, boardRow{Order: o, Overdue: o.Overdue(pg.Now), Project: pr.Project, Known: ok})
	}
	// The managed lists are the organisation's; whoever may not read them
	// (a contractor, a volunteer) filters by category only.
	if d.Townships, err = c.d.Orgs.ListTownships(ctx, p); err != nil && !forbidden(err) {
		return err
	}
	if d.Units, err = c.d.Orgs.ListUnits(ctx, p); err != nil && !forbidden(err) {
		return err
	}
	c.render(gc, http.StatusOK, "orders", c.newView(gc, "orders", d))
	return nil
}

func forbidden(err error) bool { return errors.Is(err, errs.ErrForbidden) }
