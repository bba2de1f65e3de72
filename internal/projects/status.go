package projects

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// transitions lists where each status may go. Completed may reopen to
// under construction (acceptance found it unfinished); accepted is final.
var transitions = map[Status][]Status{
	StatusPlanned:           {StatusUnderConstruction, StatusSuspended},
	StatusUnderConstruction: {StatusCompleted, StatusSuspended},
	StatusSuspended:         {StatusPlanned, StatusUnderConstruction},
	StatusCompleted:         {StatusAccepted, StatusUnderConstruction},
	StatusAccepted:          {},
}

// AllowedTransitions returns the statuses reachable from st.
func AllowedTransitions(st Status) []Status {
	return append([]Status(nil), transitions[st]...)
}

func canMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

func invalidTransition(from, to Status) error {
	allowed := make([]string, 0, len(transitions[from]))
	for _, s := range transitions[from] {
		allowed = append(allowed, string(s))
	}
	// A repeat of the current status is refused too: a status change is an
	// event the office records, and a silent no-op would hide a stale form.
	return &errs.Error{Kind: errs.KindConflict, Code: "invalid_transition",
		Message: "a " + string(from) + " project cannot become " + string(to),
		Extra:   map[string]any{"allowed": allowed, "from": string(from)}}
}

// ChangeStatus moves a project to another status if the rules allow it.
func (s *Service) ChangeStatus(ctx context.Context, p auth.Principal, id string, to Status) (Project, error) {
	if !to.Valid() {
		v := errs.NewValidation(errs.KindUnprocessable)
		v.Add("status", "invalid", "must be one of "+joinStatuses(Statuses))
		return Project{}, v.Err()
	}
	var out Project
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		proj, err := s.authorize(ctx, p, id, policy.ChangeStatus, true)
		if err != nil {
			return err
		}
		if !canMove(proj.Status, to) {
			return invalidTransition(proj.Status, to)
		}
		from := proj.Status
		proj.Status = to
		proj.refreshSchedule()
		if err := s.refreshIndicators(ctx, &proj); err != nil {
			return err
		}
		proj.UpdatedAt = s.now()
		if err := s.store.UpdateProject(ctx, proj); err != nil {
			return err
		}
		if err := s.store.InsertStatusChanges(ctx, []StatusChange{{ProjectID: id, Status: to, From: proj.UpdatedAt}}); err != nil {
			return err
		}
		out = proj
		return s.audit(ctx, p, "project.status", id, map[string]any{"status": [2]Status{from, to}})
	})
	if err != nil {
		return Project{}, err
	}
	out.decorate(s.now())
	return out, s.attachSchedule(ctx, &out, s.now())
}
