package campaignsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/campaigns"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entCampaign = store.NewEntity("campaign")
	entProject  = store.NewEntity("project")
	entTask     = store.NewEntity("task")
	entTownship = store.NewEntity("township")
	entUser     = store.NewEntity("user")
)

// Store implements campaigns.Store.
type Store struct{ db *store.DB }

var _ campaigns.Store = (*Store)(nil)

// New returns the look-back campaign store.
func New(db *store.DB) *Store { return &Store{db: db} }

type campaignRow struct {
	Seq             int64 `gorm:"primaryKey;autoIncrement"`
	ID              string
	Name            string
	Categories      string
	Townships       string
	CompletedBefore time.Time
	DueDate         time.Time
	TaskCount       int
	RequestHash     string
	CreatedBy       string
	CreatedAt       time.Time `gorm:"autoCreateTime:false"`
}

func (campaignRow) TableName() string { return "campaigns" }

// campaignDate is a date as the DATE columns keep it: midnight UTC.
func campaignDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func toCampaignRow(c campaigns.Campaign) (campaignRow, error) {
	cats, err := json.Marshal(c.Categories)
	if err != nil {
		return campaignRow{}, fmt.Errorf("encode categories: %w", err)
	}
	towns := c.Townships
	if towns == nil {
		towns = []string{}
	}
	townsJSON, err := json.Marshal(towns)
	if err != nil {
		return campaignRow{}, fmt.Errorf("encode townships: %w", err)
	}
	return campaignRow{ID: c.ID, Name: c.Name, Categories: string(cats), Townships: string(townsJSON),
		CompletedBefore: campaignDate(c.CompletedBefore), DueDate: campaignDate(c.DueDate), TaskCount: c.TaskCount,
		RequestHash: c.RequestHash, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt.UTC()}, nil
}

func (r campaignRow) toDomain() (campaigns.Campaign, error) {
	c := campaigns.Campaign{ID: r.ID, Seq: r.Seq, Name: r.Name, CompletedBefore: campaignDate(r.CompletedBefore),
		DueDate: campaignDate(r.DueDate), TaskCount: r.TaskCount, RequestHash: r.RequestHash, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC()}
	if err := json.Unmarshal([]byte(r.Categories), &c.Categories); err != nil {
		return campaigns.Campaign{}, fmt.Errorf("decode categories of campaign %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Townships), &c.Townships); err != nil {
		return campaigns.Campaign{}, fmt.Errorf("decode townships of campaign %s: %w", r.ID, err)
	}
	return c, nil
}

type campaignTaskRow struct {
	Seq        int64 `gorm:"primaryKey;autoIncrement"`
	ID         string
	CampaignID string
	ProjectID  string
	Category   string
	TownshipID string
	AssigneeID string
	AssignedBy string
	AssignedAt *time.Time
	CheckID    string
	DoneAt     *time.Time
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`

	// Read through joins, never written.
	ProjectCode  string    `gorm:"->;-:migration"`
	ProjectName  string    `gorm:"->;-:migration"`
	TownshipName string    `gorm:"->;-:migration"`
	Result       string    `gorm:"->;-:migration"`
	DueDate      time.Time `gorm:"->;-:migration"`
}

func (campaignTaskRow) TableName() string { return "campaign_tasks" }

var readOnlyTaskFields = []string{"ProjectCode", "ProjectName", "TownshipName", "Result", "DueDate"}

func (r campaignTaskRow) toDomain() campaigns.Task {
	return campaigns.Task{ID: r.ID, Seq: r.Seq, CampaignID: r.CampaignID, ProjectID: r.ProjectID,
		Category: projects.Category(r.Category), TownshipID: r.TownshipID, AssigneeID: r.AssigneeID,
		AssignedBy: r.AssignedBy, AssignedAt: store.TimeUTC(r.AssignedAt), CheckID: r.CheckID, DoneAt: store.TimeUTC(r.DoneAt),
		CreatedAt: r.CreatedAt.UTC(), ProjectCode: r.ProjectCode, ProjectName: r.ProjectName,
		Township: r.TownshipName, Result: checklists.Outcome(r.Result), DueDate: campaignDate(r.DueDate)}
}

// taskColumns are what every task read selects.
const taskColumns = "t.seq, t.id, t.campaign_id, t.project_id, t.category, t.township_id, t.assignee_id, " +
	"t.assigned_by, t.assigned_at, t.check_id, t.done_at, t.created_at, p.code AS project_code, " +
	"p.name AS project_name, tw.name AS township_name, COALESCE(ch.result, '') AS result, c.due_date AS due_date"

func (s *Store) taskQuery(ctx context.Context) *gorm.DB {
	return s.db.Conn(ctx).Table("campaign_tasks t").Select(taskColumns).
		Joins("JOIN campaigns c ON c.id = t.campaign_id").
		Joins("JOIN projects p ON p.id = t.project_id").
		Joins("JOIN townships tw ON tw.id = t.township_id").
		Joins("LEFT JOIN checks ch ON ch.id = t.check_id")
}

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// InsertCampaign adds a campaign; a taken id is a conflict.
func (s *Store) InsertCampaign(ctx context.Context, c campaigns.Campaign) error {
	row, err := toCampaignRow(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entCampaign, "insert campaign")
}

// Campaign loads one campaign by its client id.
func (s *Store) Campaign(ctx context.Context, id string) (campaigns.Campaign, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row campaignRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return campaigns.Campaign{}, store.Translate(err, entCampaign, "load campaign")
	}
	return row.toDomain()
}

// ListCampaigns runs a keyset page, newest first.
func (s *Store) ListCampaigns(ctx context.Context, beforeSeq int64, limit int) ([]campaigns.Campaign, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&campaignRow{})
	if beforeSeq > 0 {
		q = q.Where("seq < ?", beforeSeq)
	}
	var rows []campaignRow
	if err := q.Order("seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entCampaign, "list campaigns")
	}
	return store.Convert(rows, campaignRow.toDomain)
}

// TownshipIDs resolves township names to ids.
func (s *Store) TownshipIDs(ctx context.Context, names []string) (map[string]string, error) {
	out := map[string]string{}
	if len(names) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct{ ID, Name string }
	if err := s.db.Conn(ctx).Table("townships").Select("id, name").Where("name IN ?", names).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entTownship, "resolve townships")
	}
	for _, r := range rows {
		out[r.Name] = r.ID
	}
	return out, nil
}

// onOrBefore is "column <= date" for a DATE column. PostgreSQL compares the
// date with a date (a timestamptz parameter would bring the session's time
// zone into it); SQLite keeps dates as the driver's text for midnight UTC,
// which sorts like the time it names, so it compares with the same text.
func (s *Store) onOrBefore(q *gorm.DB, column string, d time.Time) *gorm.DB {
	if s.db.Dialect() == store.Postgres {
		return q.Where(column+" <= CAST(? AS DATE)", d.Format(projects.DateLayout))
	}
	return q.Where(column+" <= ?", campaignDate(d))
}

// MatchProjects returns the projects a selection picks, ordered by code:
// category and (when named) township among the selection's, status among
// sel.Statuses, and a planned end on or before sel.CompletedBefore.
func (s *Store) MatchProjects(ctx context.Context, sel campaigns.Selection) ([]campaigns.ProjectRef, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	cats := make([]string, len(sel.Categories))
	for i, c := range sel.Categories {
		cats[i] = string(c)
	}
	sts := make([]string, len(sel.Statuses))
	for i, st := range sel.Statuses {
		sts[i] = string(st)
	}
	q := s.db.Conn(ctx).Table("projects").Select("id, category, township_id").
		Where("category IN ? AND status IN ? AND planned_end IS NOT NULL", cats, sts)
	q = s.onOrBefore(q, "planned_end", sel.CompletedBefore)
	if len(sel.TownshipIDs) > 0 {
		q = q.Where("township_id IN ?", sel.TownshipIDs)
	}
	var rows []struct{ ID, Category, TownshipID string }
	if err := q.Order("code").Limit(sel.Limit).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entProject, "match projects")
	}
	out := make([]campaigns.ProjectRef, len(rows))
	for i, r := range rows {
		out[i] = campaigns.ProjectRef{ID: r.ID, Category: projects.Category(r.Category), TownshipID: r.TownshipID}
	}
	return out, nil
}

// InsertTasks inserts a campaign's tasks in batches.
func (s *Store) InsertTasks(ctx context.Context, ts []campaigns.Task) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows := make([]campaignTaskRow, len(ts))
	for i, t := range ts {
		rows[i] = campaignTaskRow{ID: t.ID, CampaignID: t.CampaignID, ProjectID: t.ProjectID,
			Category: string(t.Category), TownshipID: t.TownshipID, AssigneeID: t.AssigneeID, AssignedBy: t.AssignedBy,
			AssignedAt: tsCampaign(t.AssignedAt), CheckID: t.CheckID, DoneAt: tsCampaign(t.DoneAt),
			CreatedAt: t.CreatedAt.UTC()}
	}
	err := s.db.Conn(ctx).Omit(readOnlyTaskFields...).CreateInBatches(rows, store.InsertBatch).Error
	return store.Translate(err, entTask, "insert campaign tasks")
}

func tsCampaign(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// Task loads one task; lock takes its row lock until the transaction ends
// (FOR UPDATE OF the task on PostgreSQL; SQLite's write transactions
// already exclude each other, and the dialect drops the clause).
func (s *Store) Task(ctx context.Context, id string, lock bool) (campaigns.Task, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.taskQuery(ctx).Where("t.id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "t"}})
	}
	var row campaignTaskRow
	if err := q.Take(&row).Error; err != nil {
		return campaigns.Task{}, store.Translate(err, entTask, "load campaign task")
	}
	return row.toDomain(), nil
}

// ListTasks runs a filtered keyset page in creation order.
func (s *Store) ListTasks(ctx context.Context, f campaigns.TaskFilter) ([]campaigns.Task, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.taskQuery(ctx).Where("t.campaign_id = ?", f.CampaignID)
	if f.Done != nil {
		if *f.Done {
			q = q.Where("t.check_id <> ''")
		} else {
			q = q.Where("t.check_id = ''")
		}
	}
	switch {
	case f.Unassigned:
		q = q.Where("t.assignee_id = ''")
	case f.Assignee != "":
		q = q.Where("t.assignee_id = ?", f.Assignee)
	}
	if f.ScopeOpenOr != "" {
		q = q.Where("(t.assignee_id = '' OR t.assignee_id = ?)", f.ScopeOpenOr)
	}
	if f.AfterSeq > 0 {
		q = q.Where("t.seq > ?", f.AfterSeq)
	}
	var rows []campaignTaskRow
	if err := q.Order("t.seq").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entTask, "list campaign tasks")
	}
	out := make([]campaigns.Task, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// AssignTask sets the assignee of a task that is still open.
func (s *Store) AssignTask(ctx context.Context, taskID, userID, by string, at time.Time) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&campaignTaskRow{}).Where("id = ? AND check_id = ''", taskID).
		Updates(map[string]any{"assignee_id": userID, "assigned_by": by, "assigned_at": at.UTC()})
	if res.Error != nil {
		return store.Translate(res.Error, entTask, "assign campaign task")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("assign campaign task %s: %w", taskID, errs.ErrConflict)
	}
	return nil
}

// CompleteTask links an inspection to a task that is still open; a task
// taken by its inspector is assigned to them in the same statement.
func (s *Store) CompleteTask(ctx context.Context, c campaigns.Completion) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	at := c.At.UTC().Truncate(time.Microsecond)
	set := map[string]any{"check_id": c.CheckID, "done_at": at}
	q := s.db.Conn(ctx).Model(&campaignTaskRow{}).Where("id = ? AND check_id = ''", c.TaskID)
	if c.TakenBy != "" {
		set["assignee_id"], set["assigned_by"], set["assigned_at"] = c.TakenBy, c.TakenBy, at
		q = q.Where("assignee_id = ''")
	}
	res := q.Updates(set)
	if res.Error != nil {
		return store.Translate(res.Error, entTask, "complete campaign task")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("complete campaign task %s: %w", c.TaskID, errs.ErrConflict)
	}
	return nil
}

// ReplaceTaskCheck moves a task's link to the amendment of its inspection.
func (s *Store) ReplaceTaskCheck(ctx context.Context, taskID, from, to string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&campaignTaskRow{}).Where("id = ? AND check_id = ?", taskID, from).
		Update("check_id", to)
	if res.Error != nil {
		return store.Translate(res.Error, entTask, "amend campaign task")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("amend campaign task %s: %w", taskID, errs.ErrConflict)
	}
	return nil
}

// Progress counts each campaign's tasks: all, done, open (in Due) and open
// with nobody assigned.
func (s *Store) Progress(ctx context.Context, ids []string) (map[string]campaigns.Progress, error) {
	out := map[string]campaigns.Progress{}
	if len(ids) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		CampaignID              string
		Total, Done, Unassigned int
	}
	err := s.db.Conn(ctx).Table("campaign_tasks").
		Select(`campaign_id, COUNT(*) AS total,
			SUM(CASE WHEN check_id <> '' THEN 1 ELSE 0 END) AS done,
			SUM(CASE WHEN check_id = '' AND assignee_id = '' THEN 1 ELSE 0 END) AS unassigned`).
		Where("campaign_id IN ?", ids).Group("campaign_id").Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entTask, "count campaign tasks")
	}
	for _, r := range rows {
		out[r.CampaignID] = campaigns.Progress{Total: r.Total, Done: r.Done, Due: r.Total - r.Done, Unassigned: r.Unassigned}
	}
	return out, nil
}

// Findings counts tasks, inspections and failed inspections per (category,
// township) of a campaign.
func (s *Store) Findings(ctx context.Context, campaignID string) ([]campaigns.FindingRow, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []struct {
		Category, Township       string
		Tasks, Inspected, Failed int
	}
	err := s.db.Conn(ctx).Table("campaign_tasks t").
		Select(`t.category AS category, tw.name AS township, COUNT(*) AS tasks,
			SUM(CASE WHEN ch.id IS NOT NULL THEN 1 ELSE 0 END) AS inspected,
			SUM(CASE WHEN ch.result = ? THEN 1 ELSE 0 END) AS failed`, string(checklists.Fail)).
		Joins("JOIN townships tw ON tw.id = t.township_id").
		Joins("LEFT JOIN checks ch ON ch.id = t.check_id").
		Where("t.campaign_id = ?", campaignID).Group("t.category, tw.name").Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entCampaign, "count campaign findings")
	}
	out := make([]campaigns.FindingRow, len(rows))
	for i, r := range rows {
		out[i] = campaigns.FindingRow{Category: r.Category, Township: r.Township, Tasks: r.Tasks,
			Inspected: r.Inspected, Failed: r.Failed}
	}
	return out, nil
}

// UserRole reads a user's role and whether they are disabled.
func (s *Store) UserRole(ctx context.Context, userID string) (auth.Role, bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row struct {
		Role     string
		Disabled bool
	}
	err := s.db.Conn(ctx).Table("users").Select("role, disabled").Where("id = ?", userID).Take(&row).Error
	if err != nil {
		return "", false, store.Translate(err, entUser, "load user")
	}
	return auth.Role(row.Role), row.Disabled, nil
}
