package campaigns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Deps are the service's collaborators.
type Deps struct {
	Store Store
	Audit Auditor // nil records nothing
	Now   func() time.Time
}

// Service runs campaigns and their tasks.
type Service struct{ d Deps }

// NewService builds the service; a nil Now means time.Now.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// today is the service clock's UTC calendar day: due and overdue compare
// dates, not instants.
func (s *Service) today() time.Time {
	y, m, d := s.now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// selection is a validated NewCampaign.
type selection struct {
	name            string
	categories      []projects.Category
	townships       []string
	completedBefore time.Time
	due             time.Time
}

func (n NewCampaign) validate() (selection, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	sel := selection{name: strings.TrimSpace(n.Name)}
	v.Check(!isUUID(n.ID), "id", "invalid", "id must be a UUID made by the client")
	v.Check(sel.name == "", "name", "required", "name is required")
	v.Check(utf8.RuneCountInString(sel.name) > 200, "name", "too_long", "name is at most 200 characters")
	v.Check(len(n.Categories) == 0, "categories", "required", "name at least one category")
	for i, c := range n.Categories {
		cat := projects.Category(c)
		if !cat.Valid() {
			v.Add(fmt.Sprintf("categories[%d]", i), "invalid", "not a project category")
			continue
		}
		if !slices.Contains(sel.categories, cat) {
			sel.categories = append(sel.categories, cat)
		}
	}
	for i, t := range n.Townships {
		t = strings.TrimSpace(t)
		if t == "" {
			v.Add(fmt.Sprintf("townships[%d]", i), "required", "a township name")
			continue
		}
		if !slices.Contains(sel.townships, t) {
			sel.townships = append(sel.townships, t)
		}
	}
	slices.Sort(sel.categories)
	slices.Sort(sel.townships)
	var err error
	if n.CompletedBefore == "" {
		v.Add("completed_before", "required", "completed_before is required (YYYY-MM-DD)")
	} else if sel.completedBefore, err = projects.ParseDate(n.CompletedBefore); err != nil {
		v.Add("completed_before", "invalid", "must be a date YYYY-MM-DD")
	}
	// A due date in the past is accepted: a campaign run on paper may be
	// recorded afterwards, and its open tasks are simply overdue.
	if n.DueDate == "" {
		v.Add("due_date", "required", "due_date is required (YYYY-MM-DD)")
	} else if sel.due, err = projects.ParseDate(n.DueDate); err != nil {
		v.Add("due_date", "invalid", "must be a date YYYY-MM-DD")
	}
	return sel, v.Err()
}

// hash is a canonical digest of the request: categories and townships are
// sets, so their order does not matter, and neither does JSON key order.
func (sel selection) hash(id string) (string, error) {
	canon := struct {
		ID, Name                 string
		Categories               []projects.Category
		Townships                []string
		CompletedBefore, DueDate string
	}{id, sel.name, sel.categories, sel.townships, sel.completedBefore.Format(projects.DateLayout),
		sel.due.Format(projects.DateLayout)}
	if canon.Townships == nil {
		canon.Townships = []string{}
	}
	b, err := json.Marshal(canon)
	if err != nil {
		return "", fmt.Errorf("hash campaign request: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Create makes a campaign and one task per matching project, in one
// transaction. created is false when the same id and body were sent before
// by the same person (a retry after a lost answer): the stored campaign is
// answered. The same id with another body is 409 id_reused.
//
// A project matches when its category is one of the campaign's, its
// township one of the campaign's (any, when none are named), its status
// completed or accepted, and its planned_end on or before completed_before.
// Projects have no actual completion date; for a project recorded as
// completed or accepted, its planned end is the date the record has, and a
// project without one is not selected (the office can set it and make a new
// campaign).
func (s *Service) Create(ctx context.Context, p auth.Principal, n NewCampaign) (Campaign, bool, error) {
	if err := policy.Campaigns(p, policy.CreateCampaign); err != nil {
		return Campaign{}, false, err
	}
	sel, err := n.validate()
	if err != nil {
		return Campaign{}, false, err
	}
	hash, err := sel.hash(n.ID)
	if err != nil {
		return Campaign{}, false, err
	}
	if prev, err := s.d.Store.Campaign(ctx, n.ID); err == nil {
		return s.replay(ctx, p, prev, hash)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Campaign{}, false, err
	}

	now := s.now().Truncate(time.Microsecond)
	c := Campaign{ID: n.ID, Name: sel.name, Categories: sel.categories, Townships: sel.townships,
		CompletedBefore: sel.completedBefore, DueDate: sel.due, RequestHash: hash, CreatedBy: p.UserID, CreatedAt: now}
	if c.Townships == nil {
		c.Townships = []string{}
	}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		ids, err := s.d.Store.TownshipIDs(ctx, sel.townships)
		if err != nil {
			return err
		}
		v := errs.NewValidation(errs.KindUnprocessable)
		var townshipIDs []string
		for i, name := range n.Townships {
			name = strings.TrimSpace(name)
			if id, ok := ids[name]; ok {
				townshipIDs = append(townshipIDs, id)
			} else if name != "" {
				v.Add(fmt.Sprintf("townships[%d]", i), "not_found", "no township of this name")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		refs, err := s.d.Store.MatchProjects(ctx, Selection{Categories: sel.categories, TownshipIDs: townshipIDs,
			CompletedBefore: sel.completedBefore, Statuses: CompletedStatuses, Limit: MaxTasks + 1})
		if err != nil {
			return err
		}
		switch {
		case len(refs) == 0:
			return &errs.Error{Kind: errs.KindUnprocessable, Code: "no_matching_projects",
				Message: "no completed or accepted project of these categories and townships ended on or before completed_before"}
		case len(refs) > MaxTasks:
			return &errs.Error{Kind: errs.KindUnprocessable, Code: "too_many_projects",
				Message: fmt.Sprintf("the selection matches more than %d projects; narrow it", MaxTasks)}
		}
		c.TaskCount = len(refs)
		if err := s.d.Store.InsertCampaign(ctx, c); err != nil {
			return err
		}
		tasks := make([]Task, len(refs))
		for i, r := range refs {
			tasks[i] = Task{ID: uuid.NewString(), CampaignID: c.ID, ProjectID: r.ID, Category: r.Category,
				TownshipID: r.TownshipID, CreatedAt: now}
		}
		if err := s.d.Store.InsertTasks(ctx, tasks); err != nil {
			return err
		}
		return s.record(ctx, p, "campaign.create", "campaign", c.ID, map[string]any{
			"name": c.Name, "categories": c.Categories, "townships": c.Townships,
			"completed_before": c.CompletedBefore.Format(projects.DateLayout),
			"due_date":         c.DueDate.Format(projects.DateLayout), "tasks": c.TaskCount})
	})
	if errors.Is(err, errs.ErrConflict) {
		// Two retries raced past the lookup above; the loser answers what
		// the winner stored.
		prev, gerr := s.d.Store.Campaign(ctx, n.ID)
		if gerr != nil {
			return Campaign{}, false, gerr
		}
		return s.replay(ctx, p, prev, hash)
	}
	if err != nil {
		return Campaign{}, false, err
	}
	if err := s.decorate(ctx, &c, true); err != nil {
		return Campaign{}, false, err
	}
	return c, true, nil
}

func (s *Service) replay(ctx context.Context, p auth.Principal, prev Campaign, hash string) (Campaign, bool, error) {
	if prev.CreatedBy != p.UserID || prev.RequestHash != hash {
		return Campaign{}, false, &errs.Error{Kind: errs.KindConflict, Code: "id_reused",
			Message: "a different campaign was already created with this id; make a new UUID for a new campaign",
			Fields:  []errs.FieldError{{Field: "id", Code: "id_reused", Message: "already used"}}}
	}
	if err := s.decorate(ctx, &prev, true); err != nil {
		return Campaign{}, false, err
	}
	return prev, false, nil
}

// Get returns one campaign with its progress and findings.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Campaign, error) {
	if err := policy.Campaigns(p, policy.ViewCampaigns); err != nil {
		return Campaign{}, err
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return Campaign{}, err
	}
	if err := s.decorate(ctx, &c, true); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

func (s *Service) load(ctx context.Context, id string) (Campaign, error) {
	c, err := s.d.Store.Campaign(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Campaign{}, errs.NotFound("campaign")
	}
	return c, err
}

// decorate computes progress (and, for single reads, findings).
func (s *Service) decorate(ctx context.Context, c *Campaign, findings bool) error {
	cs := []Campaign{*c}
	if err := s.withProgress(ctx, cs); err != nil {
		return err
	}
	*c = cs[0]
	if !findings {
		return nil
	}
	rows, err := s.d.Store.Findings(ctx, c.ID)
	if err != nil {
		return err
	}
	c.Findings = summarise(rows)
	return nil
}

// withProgress fills the progress of a page of campaigns in one query.
func (s *Service) withProgress(ctx context.Context, cs []Campaign) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	counts, err := s.d.Store.Progress(ctx, ids)
	if err != nil {
		return err
	}
	today := s.today()
	for i := range cs {
		pr := counts[cs[i].ID]
		if today.After(cs[i].DueDate) {
			pr.Overdue, pr.Due = pr.Due, 0
		}
		cs[i].Progress = pr
	}
	return nil
}

// summarise folds the (category, township) groups into the two views.
func summarise(rows []FindingRow) *Findings {
	f := &Findings{ByCategory: []Finding{}, ByTownship: []Finding{}}
	add := func(list *[]Finding, key string, r FindingRow) {
		for i := range *list {
			if (*list)[i].Key == key {
				(*list)[i].Tasks += r.Tasks
				(*list)[i].Inspected += r.Inspected
				(*list)[i].Failed += r.Failed
				return
			}
		}
		*list = append(*list, Finding{Key: key, Tasks: r.Tasks, Inspected: r.Inspected, Failed: r.Failed})
	}
	for _, r := range rows {
		f.Inspected += r.Inspected
		f.Failed += r.Failed
		add(&f.ByCategory, r.Category, r)
		add(&f.ByTownship, r.Township, r)
	}
	byKey := func(a, b Finding) int { return strings.Compare(a.Key, b.Key) }
	slices.SortFunc(f.ByCategory, byKey)
	slices.SortFunc(f.ByTownship, byKey)
	return f
}

func (s *Service) record(ctx context.Context, p auth.Principal, action, entity, id string, changes any) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, p, action, entity, id, changes)
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// unprocessable is a 422 naming one field.
func unprocessable(field, code, msg string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Add(field, code, msg)
	return v.Err()
}
