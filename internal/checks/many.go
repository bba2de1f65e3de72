package checks

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
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
	rels := projects.NewRelations(s.d.Projects, p.UserID)
	var visible []Check
	for _, c := range cs {
		rel, exists, err := rels.Of(ctx, c.ProjectID)
		if err != nil {
			return nil, err
		}
		if exists && policy.CanSeeCheck(p, policy.CheckRelation{Project: rel, AuthorID: c.AuthorID}) {
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
