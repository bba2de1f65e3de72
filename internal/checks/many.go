package checks

import (
	"context"
	"errors"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// GetMany returns the checks of ids that p may see, keyed by id; ids that
// do not exist or that p may not see are simply absent. It reads the rows
// in one query and decides each project once, so a phone's sync page costs
// a few queries however many of its checks changed.
func (s *Service) GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]Check, error) {
	out := make(map[string]Check, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cs, err := s.d.Store.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	type rel struct {
		rel policy.ProjectRelation
		ok  bool
	}
	projects := map[string]rel{}
	var visible []Check
	for _, c := range cs {
		r, seen := projects[c.ProjectID]
		if !seen {
			proj, err := s.d.Projects.ProjectByID(ctx, c.ProjectID)
			if err != nil && !errors.Is(err, errs.ErrNotFound) {
				return nil, err
			}
			if err == nil {
				assigned, err := s.d.Projects.IsAssigned(ctx, proj.ID, p.UserID)
				if err != nil {
					return nil, err
				}
				r = rel{rel: policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}, ok: true}
			}
			projects[c.ProjectID] = r
		}
		if r.ok && policy.CanSeeCheck(p, policy.CheckRelation{Project: r.rel, AuthorID: c.AuthorID}) {
			visible = append(visible, c)
		}
	}
	if err := withMissing(ctx, s.d.Photos, visible); err != nil {
		return nil, err
	}
	for _, c := range visible {
		out[c.ID] = c
	}
	return out, nil
}
