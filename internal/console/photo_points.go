package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/monthly"
)

// Fixed photo points (定点照片) of a project: listed on its page, defined
// and corrected there by those the policy lets (the office; an inspector
// assigned to the project), and each point's series — its photo of every
// period — on a page of its own.
func (c *Console) photoPointRoutes(g *gin.RouterGroup) {
	g.POST("/projects/:id/photo-points", c.page(c.addPoint))
	g.POST("/projects/:id/photo-points/:point", c.page(c.correctPoint))
	g.GET("/photo-points/:id", c.page(c.seriesPage))
}

// pointsSection is the project page's list of photo points.
type pointsSection struct {
	Points []monthly.Point
	// CanManage: the service would let the reader add and correct them.
	CanManage bool
}

// projectPoints reads a project's points for its page.
func (c *Console) projectPoints(ctx context.Context, p auth.Principal, projectID string) (*pointsSection, error) {
	pts, err := c.d.Monthly.Points(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	may, err := c.d.Monthly.MayManagePoints(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	return &pointsSection{Points: pts, CanManage: may}, nil
}

// pointForm reads a point's form; a number that is not written as one is
// reported as the API would report it.
func pointForm(gc *gin.Context, prefix string) (map[string]string, monthly.NewPoint, error) {
	form := map[string]string{}
	for _, f := range []string{"name", "lat", "lon", "bearing", "note"} {
		form[prefix+f] = strings.TrimSpace(gc.PostForm(f))
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	num := func(f string) *float64 {
		s := form[prefix+f]
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		v.Check(err != nil, f, "invalid", "must be a number")
		if err != nil {
			return nil
		}
		return &x
	}
	n := monthly.NewPoint{Name: form[prefix+"name"], Note: form[prefix+"note"], Lat: num("lat"), Lon: num("lon"),
		Bearing: num("bearing")}
	return form, n, v.Err()
}

func (c *Console) addPoint(gc *gin.Context) error {
	id := gc.Param("id")
	form, n, err := pointForm(gc, "pt.new.")
	if err == nil {
		_, err = c.d.Monthly.CreatePoint(gc.Request.Context(), principal(gc), id, n)
	}
	if err != nil {
		return c.projectEditRefused(gc, id, err, form)
	}
	redirect(gc, Prefix+"/projects/"+id+"?done=point_saved#points-h")
	return nil
}

// correctPoint writes every field of the form: what the person sees is
// what the point becomes. An emptied position or bearing is refused rather
// than left as it was, which would look as if it had been cleared.
func (c *Console) correctPoint(gc *gin.Context) error {
	id, point := gc.Param("id"), gc.Param("point")
	form, n, err := pointForm(gc, "pt."+point+".")
	if err == nil {
		v := errs.NewValidation(errs.KindUnprocessable)
		v.Check(n.Lat == nil, "lat", "required", "lat is required")
		v.Check(n.Lon == nil, "lon", "required", "lon is required")
		v.Check(n.Bearing == nil, "bearing", "required", "bearing is required")
		err = v.Err()
	}
	if err == nil {
		_, err = c.d.Monthly.UpdatePoint(gc.Request.Context(), principal(gc), point, monthly.PointPatch{Name: &n.Name,
			Note: &n.Note, Lat: n.Lat, Lon: n.Lon, Bearing: n.Bearing})
	}
	if err != nil {
		return c.projectEditRefused(gc, id, err, form)
	}
	redirect(gc, Prefix+"/projects/"+id+"?done=point_saved#points-h")
	return nil
}

// seriesData is a point's page: the same spot, period after period.
type seriesData struct {
	Point   monthly.Point
	Project string // the project's name
	Entries []*pointPhoto
}

func (c *Console) seriesPage(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	pt, entries, err := c.d.Monthly.Series(ctx, p, gc.Param("id"))
	if err != nil {
		return err
	}
	proj, err := c.d.Projects.Get(ctx, p, pt.ProjectID)
	if err != nil {
		return err
	}
	v := c.newView(gc, "projects", nil)
	d := seriesData{Point: pt, Project: proj.Name}
	// Newest first: the office looks at this month, then back.
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		ph := c.pointPhoto(v, pt, e.Photo, e.Caption, e.Flags)
		ph.Period, ph.Label, ph.ReportID, ph.State = string(e.Period), periodLabel(v, string(e.Period)), e.ReportID, e.State
		ph.Alt = v.T("console.report.photo_alt", pt.Name, ph.Label)
		d.Entries = append(d.Entries, ph)
	}
	v.Data = d
	v.Title = fmt.Sprintf("%s · %s", proj.Name, pt.Name)
	c.render(gc, http.StatusOK, "photo_point", v)
	return nil
}
