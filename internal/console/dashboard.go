package console

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

func (c *Console) dashboardRoutes(g *gin.RouterGroup) {
	g.GET("/dashboard", c.page(c.dashboard))
}

// dashboardData is the county's figures as charts: the review
// dashboard's lists of projects needing attention, the rectification
// orders' tallies, and the look-back campaigns' progress.
type dashboardData struct {
	Review    review.Dashboard
	Orders    orders.Dashboard
	Attention barChart
	Projects  []barChart
	OrderBy   []barChart
	Campaigns barChart
	HasMore   bool // more campaigns than the chart shows
	// Median and P90 are the days from issue to close, printed ("" none).
	Median, P90 string
}

// dashboardCampaigns is how many campaigns the chart shows (newest first).
const dashboardCampaigns = 20

// dashboard: the services refuse whoever may not see the county's
// figures (policy.Overview), and the page then says so with a 403.
func (c *Console) dashboard(gc *gin.Context) error {
	ctx, p := gc.Request.Context(), principal(gc)
	rd, err := c.d.Review.Dashboard(ctx, p, review.DashboardQuery{})
	if err != nil {
		return err
	}
	od, err := c.d.Orders.Dashboard(ctx, p)
	if err != nil {
		return err
	}
	limit := dashboardCampaigns
	cp, err := c.d.Campaigns.List(ctx, p, "", &limit)
	if err != nil {
		return err
	}
	v := c.newView(gc, "dashboard", nil)
	d := dashboardData{Review: rd, Orders: od, HasMore: cp.Next != "", Median: days(od.Close.MedianDays),
		P90: days(od.Close.P90Days)}
	d.Attention = newBarChart("chart-attention", v.T("console.dashboard.attention"), []group{
		{Label: v.T("console.dashboard.behind"), Count: len(rd.Behind)},
		{Label: v.T("console.dashboard.zero"), Count: len(rd.ZeroProgress)},
		{Label: v.T("console.dashboard.failed"), Count: len(rd.Failed)},
		{Label: v.T("console.dashboard.not_inspected", rd.Days), Count: len(rd.NotInspected)},
	}, false)
	blank := v.T("console.dashboard.blank")
	var sg []group
	for _, sc := range rd.Schedule {
		sg = append(sg, group{Label: v.V("schedule_status", string(sc.Status)), Count: sc.Count})
	}
	d.Projects = []barChart{
		newBarChart("chart-schedule", v.T("console.dashboard.schedule"), sg, false),
		newBarChart("chart-behind-status", v.T("console.dashboard.behind_by_status"),
			countBy(rd.Behind, func(p projects.Project) string { return v.V("project_status", string(p.Status)) }, blank), true),
		newBarChart("chart-behind-township", v.T("console.dashboard.behind_by_township"),
			countBy(rd.Behind, func(p projects.Project) string { return p.Township }, blank), true),
		newBarChart("chart-behind-unit", v.T("console.dashboard.behind_by_unit"),
			countBy(rd.Behind, func(p projects.Project) string { return p.Unit }, blank), true),
		newBarChart("chart-behind-category", v.T("console.dashboard.behind_by_category"),
			countBy(rd.Behind, func(p projects.Project) string { return v.V("category", string(p.Category)) }, blank), true),
	}
	d.OrderBy = []barChart{
		newBarChart("chart-orders-status", v.T("console.dashboard.orders_by_status"),
			sumTallies(od.Tallies, func(t orders.Tally) string { return v.V("order_status", string(t.Status)) }, blank), true),
		newBarChart("chart-orders-township", v.T("console.dashboard.orders_by_township"),
			sumTallies(od.Tallies, func(t orders.Tally) string { return t.Township }, blank), true),
		newBarChart("chart-orders-unit", v.T("console.dashboard.orders_by_unit"),
			sumTallies(od.Tallies, func(t orders.Tally) string { return t.Unit }, blank), true),
		newBarChart("chart-orders-severity", v.T("console.dashboard.orders_by_severity"),
			sumTallies(od.Tallies, func(t orders.Tally) string { return v.V("severity", string(t.Severity)) }, blank), true),
	}
	var cg []group
	for _, cm := range cp.Campaigns {
		cg = append(cg, campaignGroup(cm))
	}
	d.Campaigns = newBarChart("chart-campaigns", v.T("console.dashboard.campaigns"), cg, false)
	for _, ch := range append(append([]*barChart{&d.Attention, &d.Campaigns}, ptrs(d.Projects)...), ptrs(d.OrderBy)...) {
		ch.EmptyText, ch.TableText = v.T("console.dashboard.empty"), v.T("console.dashboard.table")
	}
	v.Data = d
	c.render(gc, http.StatusOK, "dashboard", v)
	return nil
}

// sumTallies adds the orders' tallies up by one of their keys.
func sumTallies(ts []orders.Tally, key func(orders.Tally) string, blank string) []group {
	return sumBy(ts, key, func(t orders.Tally) int { return t.Count }, blank)
}

// campaignGroup is a campaign's tasks done of its total.
func campaignGroup(cm campaigns.Campaign) group {
	return group{Label: cm.Name, Count: cm.Progress.Done, Of: cm.Progress.Total}
}

func ptrs(cs []barChart) []*barChart {
	out := make([]*barChart, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}

func days(d *float64) string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("%.1f", *d)
}
