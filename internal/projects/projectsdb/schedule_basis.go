package projectsdb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

// basisJSON is one indicator as the projects row keeps it: what schedule
// status needs, nothing more (the dated history stays in indicator_values).
type basisJSON struct {
	ID     string               `json:"id"`
	Name   string               `json:"name"`
	Unit   string               `json:"unit"`
	Target float64              `json:"target"`
	Value  float64              `json:"value"`
	Plan   []projects.PlanPoint `json:"plan,omitempty"`
}

func encodeBasis(inds []projects.Indicator) (string, error) {
	out := make([]basisJSON, len(inds))
	for i, ind := range inds {
		out[i] = basisJSON{ID: ind.ID, Name: ind.Name, Unit: ind.Unit, Target: ind.Target, Value: ind.Value, Plan: ind.Plan}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeBasis(projectID, s string) ([]projects.Indicator, error) {
	var in []basisJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode schedule basis of project %s: %w", projectID, err)
	}
	out := make([]projects.Indicator, len(in))
	for i, b := range in {
		out[i] = projects.Indicator{ID: b.ID, ProjectID: projectID, Name: b.Name, Unit: b.Unit,
			Target: b.Target, Value: b.Value, Plan: b.Plan}
	}
	return out, nil
}

// ProjectsWithoutBasis lists up to limit projects whose row carries no copy
// of its indicators yet.
func (s *Store) ProjectsWithoutBasis(ctx context.Context, limit int) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var ids []string
	err := s.db.Conn(ctx).Model(&projectRow{}).Where("schedule_basis IS NULL").Order("id").Limit(limit).
		Pluck("id", &ids).Error
	return ids, store.Translate(err, entProject, "list projects without schedule basis")
}

// SetBasisIfMissing writes a project's copy of its indicators unless a
// write of the project has put one there meanwhile (that one is newer).
func (s *Store) SetBasisIfMissing(ctx context.Context, projectID string, inds []projects.Indicator) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	b, err := encodeBasis(inds)
	if err != nil {
		return fmt.Errorf("encode schedule basis of project %s: %w", projectID, err)
	}
	err = s.db.Conn(ctx).Model(&projectRow{}).Where("id = ? AND schedule_basis IS NULL", projectID).
		Update("schedule_basis", b).Error
	return store.Translate(err, entProject, "set schedule basis")
}
