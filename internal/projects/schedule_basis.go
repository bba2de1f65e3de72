package projects

import (
	"context"
	"fmt"
)

// basisBatch is how many projects FillScheduleBasis reads at a time.
const basisBatch = 500

// FillScheduleBasis gives every project row written before migration 00019
// its copy of the indicators (ScheduleBasis), so lists stop reading them
// separately. Safe on several replicas at once and against concurrent
// writes: a row that got a copy meanwhile keeps it. Returns how many rows
// it filled; a server runs it once at start.
func (s *Service) FillScheduleBasis(ctx context.Context) (int, error) {
	filled := 0
	for {
		ids, err := s.store.ProjectsWithoutBasis(ctx, basisBatch)
		if err != nil {
			return filled, err
		}
		if len(ids) == 0 {
			return filled, nil
		}
		m, err := s.store.IndicatorsOf(ctx, ids)
		if err != nil {
			return filled, err
		}
		for _, id := range ids {
			inds := m[id]
			if inds == nil {
				inds = []Indicator{}
			}
			if err := s.store.SetBasisIfMissing(ctx, id, inds); err != nil {
				return filled, fmt.Errorf("schedule basis of project %s: %w", id, err)
			}
			filled++
		}
	}
}
