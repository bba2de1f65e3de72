package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

func (c *Console) queueRoutes(g *gin.RouterGroup) {
	g.GET("/queue", c.page(c.queue))
}

// queueFilter is the filter form as submitted (GET), echoed back into it.
type queueFilter struct {
	Flag, Project, Township, Unit, Author, From, To string
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
	Filter                                    queueFilter
	Flags, Projects, Townships, Units, People []option
	Rows                                      []queueRow
	Next                                      string
	// Paged: this is not the first page.
	Paged bool
}

// queue lists the checks awaiting review, filtered as the API's
// /review-queue filters them; the service refuses whoever may not review.
func (c *Console) queue(gc *gin.Context) error {
	p, ctx := principal(gc), gc.Request.Context()
	f := queueFilter{Flag: gc.Query("flag"), Project: gc.Query("project"), Township: gc.Query("township"),
		Unit: gc.Query("unit"), Author: gc.Query("author"), From: gc.Query("from"), To: gc.Query("to")}
	q := checks.QueueQuery{Flag: f.Flag, ProjectID: f.Project, Township: f.Township, Unit: f.Unit, AuthorID: f.Author,
		Cursor: gc.Query("cursor")}
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

// queueOptions fills the filter form's choices from what the office may
// read: the projects list, the county's townships and units, its people.
func (c *Console) queueOptions(ctx context.Context, p auth.Principal, d *queueData, names people) error {
	for _, fl := range checks.QueueFlags() {
		d.Flags = append(d.Flags, option{Value: fl})
	}
	limit := 200
	pl, err := c.d.Projects.List(ctx, p, projects.ListQuery{Limit: &limit})
	if err != nil {
		return err
	}
	for _, pr := range pl.Items {
		d.Projects = append(d.Projects, option{Value: pr.ID, Label: pr.Code + " " + pr.Name})
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

// people names the county's users for the pages (authors of checks).
type people struct {
	list []auth.User
	byID map[string]auth.User
}

func (n people) name(id string) string {
	u, ok := n.byID[id]
	switch {
	case !ok:
		return id
	case u.DisplayName != "":
		return u.DisplayName + " (" + u.Username + ")"
	}
	return u.Username
}

// people lists whom the reader may name (policy.PeopleNames); for anyone
// else the list is empty and authors print as ids.
func (c *Console) people(ctx context.Context, p auth.Principal) (people, error) {
	if policy.PeopleNames(p) != nil {
		return people{}, nil
	}
	us, err := c.d.Auth.ListUsers(ctx, auth.UserFilter{Limit: 200})
	if err != nil {
		return people{}, err
	}
	n := people{list: us, byID: make(map[string]auth.User, len(us))}
	for _, u := range us {
		n.byID[u.ID] = u
	}
	return n, nil
}
