package projects

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// WithAssignments is a project with the people assigned to it.
type WithAssignments struct {
	Project
	Assignments []Assignment
}

// GetMany returns those of ids that p may see, with their assignments,
// keyed by id, in three queries whatever their number (a phone's sync
// page). Ids that do not exist or that p may not see are absent.
func (s *Service) GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]WithAssignments, error) {
	out := map[string]WithAssignments{}
	if len(ids) == 0 {
		return out, nil
	}
	ps, err := s.store.ProjectsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	found := make([]string, len(ps))
	for i, proj := range ps {
		found[i] = proj.ID
	}
	as, err := s.store.AssignmentsOf(ctx, found)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.attachSchedules(ctx, ps, now); err != nil {
		return nil, err
	}
	for _, proj := range ps {
		assigned := false
		for _, a := range as[proj.ID] {
			assigned = assigned || a.UserID == p.UserID
		}
		if !policy.CanSeeProject(p, policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}) {
			continue
		}
		proj.decorate(now)
		out[proj.ID] = WithAssignments{Project: proj, Assignments: as[proj.ID]}
	}
	return out, nil
}
