package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

func (c *Console) queueRoutes(g *gin.RouterGroup) {
	g.GET("/queue", c.page(c.queue))
}

// queueFilter is the filter form as submitted (GET), echoed back into it.
// The project is typed (its code or name), since a county has too many to
// choose from a list; links from a project's page name it by project_id.
type queueFilter struct {
	Flag, ProjectText, Township, Unit, Author, From, To string
}

// option is one choice of a filter's select.
type option struct{ Value, Label string }

type queueRow struct {
	ID, Project, Type, Result, Author string
	Flags                             []string
	CapturedAt                        time.Time
	Photos                            int
}

type queueData struct {
	Filter                          queueFilter
	Flags, Townships, Units, People []option
	Rows                            []queueRow
	Next                            string
	// Paged: this is not the first page.
	Paged bool
}

// queue lists the checks awaiting review, filtered as the API's
// /review-queue filters them; the service refuses whoever may not review.
func (c *Console) queue(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	f := queueFilter{Flag: gc.Query("flag"), ProjectText: strings.TrimSpace(gc.Query("project")), Township: gc.Query("township"),
		Unit: gc.Query("unit"), Author: gc.Query("author"), From: gc.Query("from"), To: gc.Query("to")}
	q := checks.QueueQuery{Flag: f.Flag, ProjectID: gc.Query("project_id"), Township: f.Township, Unit: f.Unit,
		AuthorID: f.Author, Cursor: gc.Query("cursor")}
	if q.ProjectID == "" && f.ProjectText != "" {
		id, err := c.findProject(ctx, p, f.ProjectText)
		if err != nil {
			return c.queueRefused(gc, f, err)
		}
		q.ProjectID = id
	}
	if n, err := strconv.Atoi(gc.Query("limit")); err == nil {
		q.Limit = &n // the service bounds it, as for the API
	}
	var err error
	if q.From, err = c.day(f.From, "from", 0); err != nil {
		return err
	}
	if q.To, err = c.day(f.To, "to", 1); err != nil {
		return err
	}
	pg, err := c.d.Checks.ReviewQueue(ctx, p, q)
	if err != nil {
		return err
	}
	d := queueData{Filter: f, Next: pg.Next, Paged: q.Cursor != ""}
	names, err := c.people(ctx, p)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(pg.Items))
	for _, it := range pg.Items {
		ids = append(ids, it.Check.ProjectID)
	}
	projs, err := c.d.Projects.GetMany(ctx, p, ids)
	if err != nil {
		return err
	}
	for _, it := range pg.Items {
		r := queueRow{ID: it.Check.ID, Project: projs[it.Check.ProjectID].Name, Type: string(it.Check.Type),
			Result: string(it.Check.Result), Author: names.name(it.Check.AuthorID), CapturedAt: it.Check.CapturedAt,
			Photos: len(it.Check.PhotoIDs)}
		seen := map[string]bool{}
		for _, pd := range it.Pending {
			for _, fl := range pd.Flags {
				if !seen[fl] {
					seen[fl] = true
					r.Flags = append(r.Flags, fl)
				}
			}
		}
		d.Rows = append(d.Rows, r)
	}
	if err := c.queueOptions(ctx, p, &d, names); err != nil {
		return err
	}
	c.render(gc, http.StatusOK, "queue", c.newView(gc, "queue", d))
	return nil
}

// queueRefused shows the filter form again with why it found nothing to
// look for (a project no one has), rather than an error page without it.
func (c *Console) queueRefused(gc *gin.Context, f queueFilter, cause error) error {
	status, e := respond.Classify(cause)
	if e == nil {
		return cause
	}
	p, ctx := principal(gc), gc.Request.Context()
	names, err := c.people(ctx, p)
	if err != nil {
		return err
	}
	d := queueData{Filter: f}
	if err := c.queueOptions(ctx, p, &d, names); err != nil {
		return err
	}
	v := c.newView(gc, "queue", d)
	v.Problem = c.problem(v, status, e, gc.GetString(respond.RequestIDKey))
	c.render(gc, status, "queue", v)
	return nil
}

// queueOptions fills the filter form's choices from what the office may
// read: the county's townships and units, its inspectors.
func (c *Console) queueOptions(ctx context.Context, p auth.Principal, d *queueData, names *people) error {
	for _, fl := range checks.QueueFlags() {
		d.Flags = append(d.Flags, option{Value: fl})
	}
	ts, err := c.d.Orgs.ListTownships(ctx, p)
	if err != nil {
		return err
	}
	for _, t := range ts {
		d.Townships = append(d.Townships, option{Value: t.Name, Label: t.Name})
	}
	us, err := c.d.Orgs.ListUnits(ctx, p)
	if err != nil {
		return err
	}
	for _, u := range us {
		d.Units = append(d.Units, option{Value: u.Name, Label: u.Name})
	}
	for _, u := range names.list {
		if u.Role == auth.RoleInspector || u.Role == auth.RoleVolunteer || u.Role == auth.RoleOffice {
			d.People = append(d.People, option{Value: u.ID, Label: names.name(u.ID)})
		}
	}
	return nil
}

// day reads a yyyy-mm-dd form value as the start of that day (plus
// addDays) in the county's zone.
func (c *Console) day(s, field string, addDays int) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, c.d.Zone)
	if err != nil {
		return nil, &errs.Error{Kind: errs.KindInvalid, Code: "invalid_parameter", Message: "not a date",
			Fields: []errs.FieldError{{Field: field, Code: "invalid", Message: "must be a date (yyyy-mm-dd)"}}}
	}
	t = t.AddDate(0, 0, addDays)
	return &t, nil
}

// people names the authors of checks for a reader who may know them
// (policy.PeopleNames): the county's inspectors and office, listed for the
// author filter, and anyone else looked up when first met on a page.
type people struct {
	list  []auth.User
	byID  map[string]auth.User
	allow bool
	ctx   context.Context
	auth  *auth.Service
}

func (n *people) name(id string) string {
	u, ok := n.byID[id]
	if !ok && n.allow {
		if got, err := n.auth.GetUser(n.ctx, id); err == nil {
			u, ok = got, true
			n.byID[id] = got
		}
	}
	if !ok {
		return id
	}
	return personName(u)
}

// personName is how a page names a user: display name and username, or
// the username alone.
func personName(u auth.User) string {
	if u.DisplayName != "" {
		return u.DisplayName + " (" + u.Username + ")"
	}
	return u.Username
}

func (c *Console) people(ctx context.Context, p auth.Principal) (*people, error) {
	n := &people{byID: map[string]auth.User{}, ctx: ctx, auth: c.d.Auth}
	if policy.PeopleNames(p) != nil {
		return n, nil
	}
	n.allow = true
	for _, role := range []auth.Role{auth.RoleInspector, auth.RoleOffice} {
		us, err := c.d.Auth.ListUsers(ctx, auth.UserFilter{Role: role, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			n.list = append(n.list, u)
			n.byID[u.ID] = u
		}
	}
	return n, nil
}

var errNoSuchProject = &errs.Error{Kind: errs.KindInvalid, Code: "project_not_matched",
	Message: "no project of yours matches; type its code or name",
	Fields:  []errs.FieldError{{Field: "project", Code: "not_found", Message: "no project matches"}}}

var errSeveralProjects = &errs.Error{Kind: errs.KindInvalid, Code: "project_ambiguous",
	Message: "several projects match; type the project's code",
	Fields:  []errs.FieldError{{Field: "project", Code: "ambiguous", Message: "several projects match"}}}

// findProject turns what the person typed (a code or a name, or part of
// one) into the one project of their scope it means, by the projects
// list's own search.
func (c *Console) findProject(ctx context.Context, p auth.Principal, text string) (string, error) {
	limit := 20
	pg, err := c.d.Projects.List(ctx, p, projects.ListQuery{Text: text, Limit: &limit})
	if err != nil {
		return "", err
	}
	for _, pr := range pg.Items {
		if strings.EqualFold(pr.Code, text) || pr.Name == text {
			return pr.ID, nil
		}
	}
	switch len(pg.Items) {
	case 0:
		return "", errNoSuchProject
	case 1:
		return pg.Items[0].ID, nil
	}
	return "", errSeveralProjects
}
