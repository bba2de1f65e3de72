package campaigns

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// List page sizes.
const (
	DefaultLimit = keyset.DefaultLimit
	MaxLimit     = keyset.MaxLimit
)

// Page is one page of campaigns; Next is empty on the last.
type Page struct {
	Campaigns []Campaign
	Next      string
}

// TaskPage is one page of tasks; Next is empty on the last.
type TaskPage struct {
	Tasks []Task
	Next  string
}

// TaskQuery is what a caller may ask of a task list; empty fields do not
// filter. Assignee is a user id, or "none" for tasks assigned to nobody.
type TaskQuery struct {
	Status   string
	Assignee string
	Cursor   string
	Limit    *int
}

// AssigneeNone asks for the tasks assigned to nobody.
const AssigneeNone = "none"

// List returns campaigns newest first, with their progress.
func (s *Service) List(ctx context.Context, p auth.Principal, cursor string, limit *int) (Page, error) {
	if err := policy.Campaigns(p, policy.ViewCampaigns); err != nil {
		return Page{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	before, n := keyset.Args(v, cursor, limit)
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	cs, err := s.d.Store.ListCampaigns(ctx, before, n+1)
	if err != nil {
		return Page{}, err
	}
	var pg Page
	if len(cs) > n {
		cs = cs[:n]
		pg.Next = keyset.Encode(cs[n-1].Seq)
	}
	if err := s.withProgress(ctx, cs); err != nil {
		return Page{}, err
	}
	pg.Campaigns = cs
	return pg, nil
}

// Tasks lists a campaign's tasks in creation order (by project code). The
// office sees all; an inspector the tasks assigned to them and those
// assigned to nobody (policy.TaskListScope).
func (s *Service) Tasks(ctx context.Context, p auth.Principal, campaignID string, q TaskQuery) (TaskPage, error) {
	if err := policy.Campaigns(p, policy.ViewCampaigns); err != nil {
		return TaskPage{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	after, n := keyset.Args(v, q.Cursor, q.Limit)
	v.Check(q.Status != "" && q.Status != TaskDone && q.Status != TaskDue && q.Status != TaskOverdue,
		"status", "invalid", "must be done, due or overdue")
	if err := v.Err(); err != nil {
		return TaskPage{}, err
	}
	c, err := s.load(ctx, campaignID)
	if err != nil {
		return TaskPage{}, err
	}
	f := TaskFilter{CampaignID: c.ID, AfterSeq: after, Limit: n + 1}
	if scope := policy.TaskListScope(p); !scope.All {
		f.ScopeOpenOr = scope.OpenOr
	}
	switch q.Assignee {
	case "":
	case AssigneeNone:
		f.Unassigned = true
	default:
		f.Assignee = q.Assignee
	}
	overdue := s.today().After(c.DueDate)
	switch q.Status {
	case TaskDone:
		f.Done = ptr(true)
	case TaskDue, TaskOverdue:
		if (q.Status == TaskOverdue) != overdue {
			return TaskPage{Tasks: []Task{}}, nil // every open task is the other one
		}
		f.Done = ptr(false)
	}
	ts, err := s.d.Store.ListTasks(ctx, f)
	if err != nil {
		return TaskPage{}, err
	}
	var pg TaskPage
	if len(ts) > n {
		ts = ts[:n]
		pg.Next = keyset.Encode(ts[n-1].Seq)
	}
	for i := range ts {
		s.status(&ts[i])
	}
	pg.Tasks = ts
	return pg, nil
}

func ptr[T any](v T) *T { return &v }

// status computes done, due or overdue from the task's campaign due date.
func (s *Service) status(t *Task) {
	switch {
	case t.CheckID != "":
		t.Status = TaskDone
	case s.today().After(t.DueDate):
		t.Status = TaskOverdue
	default:
		t.Status = TaskDue
	}
}

// Assign gives a campaign's open task to an inspector (the office only).
// Reassigning an open task is allowed; a done task keeps who did it.
func (s *Service) Assign(ctx context.Context, p auth.Principal, campaignID, taskID, userID string) (Task, error) {
	if err := policy.Campaigns(p, policy.AssignTask); err != nil {
		return Task{}, err
	}
	if userID == "" {
		return Task{}, unprocessable("user_id", "required", "name the inspector")
	}
	role, disabled, err := s.d.Store.UserRole(ctx, userID)
	switch {
	case errors.Is(err, errs.ErrNotFound):
		return Task{}, unprocessable("user_id", "not_found", "no such user")
	case err != nil:
		return Task{}, err
	case role != auth.RoleInspector:
		return Task{}, unprocessable("user_id", "not_inspector", "look-back inspections are assigned to inspectors")
	case disabled:
		return Task{}, unprocessable("user_id", "disabled", "this user is disabled")
	}
	var out Task
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		t, err := s.d.Store.Task(ctx, taskID, true)
		if errors.Is(err, errs.ErrNotFound) || (err == nil && t.CampaignID != campaignID) {
			return errs.NotFound("task")
		} else if err != nil {
			return err
		}
		if t.CheckID != "" {
			return taskDone()
		}
		at := s.now().Truncate(time.Microsecond)
		if err := s.d.Store.AssignTask(ctx, t.ID, userID, p.UserID, at); errors.Is(err, errs.ErrConflict) {
			return taskDone()
		} else if err != nil {
			return err
		}
		t.AssigneeID, t.AssignedBy, t.AssignedAt = userID, p.UserID, &at
		out = t
		return s.record(ctx, p, "campaign.task.assign", "campaign_task", t.ID, map[string]any{
			"campaign_id": t.CampaignID, "project_id": t.ProjectID, "assignee_id": userID})
	})
	if err != nil {
		return Task{}, err
	}
	s.status(&out)
	return out, nil
}

func taskDone() error {
	return errs.Conflict("task_done", "this task already has its inspection")
}

// Link implements checks.TaskLinker: it runs inside the transaction that
// inserts c, so the inspection and its task's completion commit together.
// The task must exist, be on c's project, and c must be a post_completion
// check filed by the task's assignee, the office, or (for a task assigned
// to nobody) any inspector, who then takes the task. A task keeps its first
// inspection: another is 409 task_done, except the amendment of that
// inspection (c.Supersedes), which takes its place.
func (s *Service) Link(ctx context.Context, p auth.Principal, taskID string, c checks.Check) error {
	if c.Type != checklists.TypePostCompletion {
		return unprocessable("task_id", "wrong_type", "only a post_completion check is a campaign inspection")
	}
	t, err := s.d.Store.Task(ctx, taskID, true)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && policy.Campaigns(p, policy.ViewCampaigns) != nil) {
		return unprocessable("task_id", "not_found", "no such campaign task")
	} else if err != nil {
		return err
	}
	if t.ProjectID != c.ProjectID {
		return unprocessable("task_id", "project_mismatch", "this task is on another project")
	}
	if t.CheckID != "" {
		if c.Supersedes == "" || c.Supersedes != t.CheckID {
			return taskDone()
		}
		if err := s.d.Store.ReplaceTaskCheck(ctx, t.ID, t.CheckID, c.ID); errors.Is(err, errs.ErrConflict) {
			return taskDone()
		} else if err != nil {
			return err
		}
		return s.record(ctx, p, "campaign.task.amend", "campaign_task", t.ID, map[string]any{
			"campaign_id": t.CampaignID, "check_id": c.ID, "supersedes": t.CheckID})
	}
	if err := policy.TaskInspection(p, t.AssigneeID); err != nil {
		return unprocessable("task_id", "not_assigned", "this task is assigned to another inspector")
	}
	done := Completion{TaskID: t.ID, CheckID: c.ID, At: c.CreatedAt}
	if t.AssigneeID == "" && p.Role == auth.RoleInspector {
		done.TakenBy = p.UserID
	}
	if err := s.d.Store.CompleteTask(ctx, done); errors.Is(err, errs.ErrConflict) {
		return taskDone()
	} else if err != nil {
		return err
	}
	return s.record(ctx, p, "campaign.task.done", "campaign_task", t.ID, map[string]any{
		"campaign_id": t.CampaignID, "check_id": c.ID, "result": c.Result, "taken": done.TakenBy != ""})
}

var _ checks.TaskLinker = (*Service)(nil)
