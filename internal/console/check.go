package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

func (c *Console) checkRoutes(g *gin.RouterGroup) {
	g.GET("/checks/:id", c.page(c.checkDetail))
	g.POST("/checks/:id/decision", c.page(c.decideFlag))
	g.POST("/checks/:id/return", c.page(c.returnCheck))
	g.POST("/checks/:id/order", c.page(c.orderFromCheck))
}

// answerRow is one template item with the check's answer and verdict.
type answerRow struct {
	Key, Label, Answer, Result string
	Failed                     bool
}

type photoView struct {
	ID, SHA256, Device, Taken, GPS string
	Lat, Lon                       *float64
	Flags                          []flagView
}

// flagView is a photo flag with how far off the photo was, when known.
type flagView struct{ Name, Detail string }

type pendingView struct {
	Kind, ID, Label string
	Flags           []string
}

type checkData struct {
	Check    checks.Check
	Project  projects.Project
	Author   string
	Answers  []answerRow
	Failed   []answerRow
	Photos   []photoView
	Pending  []pendingView
	Points   string // map.js data-points
	Route    string // map.js data-route
	Returned bool
	// Form values echoed back after a refused action.
	Form map[string]string
	// Severities of an order, and the one the form selects.
	Severities []string
	Severity   string
}

// checkDetail shows one check as the API lets the viewer see it.
func (c *Console) checkDetail(gc *gin.Context) error {
	v, err := c.checkView(gc, nil)
	if err != nil {
		return err
	}
	c.render(gc, http.StatusOK, "check", v)
	return nil
}

// checkView builds the detail page; form carries what a refused action's
// form held, so the person does not type it again.
func (c *Console) checkView(gc *gin.Context, form map[string]string) (*view, error) {
	p, ctx := principal(gc), gc.Request.Context()
	chk, err := c.d.Checks.Get(ctx, p, gc.Param("id"))
	if err != nil {
		return nil, err
	}
	d := checkData{Check: chk, Returned: chk.Return != nil || chk.SupersededBy != "", Form: form}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	d.Severities = []string{string(orders.SeverityMinor), string(orders.SeverityMajor), string(orders.SeverityCritical)}
	d.Severity = d.Form["severity"]
	if d.Severity == "" {
		d.Severity = string(orders.SeverityMajor)
	}
	if proj, err := c.d.Projects.Get(ctx, p, chk.ProjectID); err == nil {
		d.Project = proj
	} else {
		return nil, err
	}
	v := c.newView(gc, "queue", nil)
	d.Author = c.authorName(ctx, v, chk.AuthorID)
	tpl, err := c.d.Checklists.Get(ctx, chk.Type, chk.TemplateVersion)
	if err != nil {
		return nil, err
	}
	d.Answers = answers(v, tpl.Items, chk)
	for _, a := range d.Answers {
		if a.Failed {
			d.Failed = append(d.Failed, a)
		}
	}
	phs, err := c.d.Photos.List(ctx, p, chk.ID)
	if err != nil {
		return nil, err
	}
	for _, ph := range phs {
		d.Photos = append(d.Photos, photoOf(v, ph))
	}
	if v.Can("review") {
		pend, err := c.d.Checks.PendingFor(ctx, p, chk.ID)
		if err != nil {
			return nil, err
		}
		for i, pd := range pend {
			label := v.T("console.check.pending_check")
			if pd.Kind == checks.SubjectPhoto {
				label = v.T("console.check.pending_photo", i)
				for j, ph := range d.Photos {
					if ph.ID == pd.ID {
						label = v.T("console.check.pending_photo", j+1)
					}
				}
			}
			d.Pending = append(d.Pending, pendingView{Kind: pd.Kind, ID: pd.ID, Label: label, Flags: pd.Flags})
		}
	}
	d.Points, d.Route = mapData(v, chk, d.Project, d.Photos)
	v.Data = d
	return v, nil
}

// authorName is the author as the reader may know them: a name for county
// staff (policy.PeopleNames), the role alone for anyone else.
func (c *Console) authorName(ctx context.Context, v *view, id string) string {
	u, err := c.d.Auth.GetUser(ctx, id)
	switch {
	case err != nil:
		return id
	case policy.PeopleNames(v.User) != nil:
		return v.V("role", string(u.Role))
	}
	return personName(u)
}

// answers lays the check's answers against its template version's items.
// An item's text is the catalog's Chinese one when it has it ("item.<key>"),
// else the template's label, else its key.
func answers(v *view, items []checklists.Item, chk checks.Check) []answerRow {
	result := map[string]checklists.Outcome{}
	for _, it := range chk.Items {
		result[it.Key] = it.Result
	}
	out := make([]answerRow, 0, len(items))
	for _, it := range items {
		a := answerRow{Key: it.Key, Label: itemLabel(v, it), Result: string(result[it.Key])}
		a.Failed = result[it.Key] == checklists.Fail
		a.Answer = answerText(v, it, chk.Answers[it.Key])
		out = append(out, a)
	}
	return out
}

func itemLabel(v *view, it checklists.Item) string {
	if k := i18n.Key("item." + it.Key); i18n.Has(v.Lang, k) {
		return v.T(string(k))
	}
	if it.Label != "" {
		return it.Label
	}
	return it.Key
}

func answerText(v *view, it checklists.Item, a any) string {
	switch x := a.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return v.T("console.check.yes")
		}
		return v.T("console.check.no")
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if it.Unit != "" {
			s += " " + it.Unit
		}
		return s
	case string:
		return x
	case []any:
		if it.Type == checklists.ItemPhoto {
			return v.T("console.check.photo_count", len(x))
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(a)
}

func photoOf(v *view, ph photos.Photo) photoView {
	pv := photoView{ID: ph.ID, SHA256: ph.SHA256, Lat: ph.EXIF.Lat, Lon: ph.EXIF.Lon,
		Device: strings.TrimSpace(ph.EXIF.Make + " " + ph.EXIF.Model)}
	if t, ok := ph.EXIF.TakenInstant(); ok {
		pv.Taken = v.Time(t)
	} else if ph.EXIF.TakenAt != nil {
		// Without an offset the camera's wall clock is all there is.
		pv.Taken = ph.EXIF.TakenAt.Format("2006-01-02 15:04:05") + " " + v.T("console.check.camera_clock")
	}
	if pv.Lat != nil && pv.Lon != nil {
		pv.GPS = fmt.Sprintf("%.5f, %.5f", *pv.Lat, *pv.Lon)
	}
	for _, name := range photoFlagNames(ph.Flags) {
		fv := flagView{Name: name}
		switch {
		case name == "gps_mismatch" && ph.Flags.GPSMismatch != nil:
			fv.Detail = distance(ph.Flags.GPSMismatch.Value)
		case name == "time_mismatch" && ph.Flags.TimeMismatch != nil:
			fv.Detail = span(v, ph.Flags.TimeMismatch.Value)
		}
		pv.Flags = append(pv.Flags, fv)
	}
	return pv
}

// distance prints metres as people read them: m under a kilometre, else km.
func distance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%.1f km", m/1000)
}

// span prints seconds as days, hours or minutes.
func span(v *view, s float64) string {
	switch {
	case s >= 2*86400:
		return v.T("console.check.days", int(s/86400))
	case s >= 3600:
		return v.T("console.check.hours", int(s/3600))
	}
	return v.T("console.check.minutes", int(s/60))
}

// photoFlagNames are the keys of a photo's flags as the API names them.
func photoFlagNames(f photos.Flags) []string {
	b, err := json.Marshal(f)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mapData is where the check says it was (with its accuracy), where each
// photo's EXIF says it was taken, and the project's site or route.
func mapData(v *view, chk checks.Check, proj projects.Project, phs []photoView) (points, route string) {
	pts := []mapPoint{{Lat: chk.Location.Lat, Lng: chk.Location.Lon, Kind: "check",
		Label: v.T("console.check.map_check"), Radius: chk.Location.AccuracyM}}
	for i, ph := range phs {
		if ph.Lat != nil && ph.Lon != nil {
			pts = append(pts, mapPoint{Lat: *ph.Lat, Lng: *ph.Lon, Kind: "photo", Label: v.T("console.check.pending_photo", i+1)})
		}
	}
	if proj.Location != nil && len(proj.Route) == 0 {
		pts = append(pts, mapPoint{Lat: proj.Location.Lat, Lng: proj.Location.Lon, Kind: "site", Label: v.T("console.check.map_site")})
	}
	return jsonAttr(pts), jsonAttr(routeLatLng(proj))
}

// day parsing for the order's deadline: the end of that day in the county.
func (c *Console) endOfDay(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, c.d.Zone)
	if err != nil {
		return nil, false
	}
	t = t.Add(23*time.Hour + 59*time.Minute)
	return &t, true
}
