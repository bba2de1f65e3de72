package projectsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

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

// basisCacheMax bounds the decoded copies kept: a county has a few thousand
// projects; past the bound the cache starts again rather than grow.
const basisCacheMax = 20000

// basisCache keeps decoded schedule bases by their stored text. Lists
// decode the same rows again and again, and JSON decoding was most of what
// schedule status added to a page (measured in docs/PERFORMANCE.md). The
// text (with the project id) is the whole input, so a hit is always right;
// nothing here is state another replica would need.
type basisCache struct {
	mu sync.Mutex
	m  map[string][]projects.Indicator
}

func newBasisCache() *basisCache { return &basisCache{m: map[string][]projects.Indicator{}} }

// decode returns the indicators of a stored basis. The slice is shared
// between readers, so its capacity is clipped: an append copies it.
func (c *basisCache) decode(projectID, s string) ([]projects.Indicator, error) {
	key := projectID + "\x00" + s
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v[:len(v):len(v)], nil
	}
	v, err := decodeBasis(projectID, s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= basisCacheMax {
		c.m = map[string][]projects.Indicator{}
	}
	c.m[key] = v
	c.mu.Unlock()
	return v[:len(v):len(v)], nil
}

// listed converts a row of a list, its basis through the cache.
func (s *Store) listed(r projectRow) (projects.Project, error) {
	raw := r.ScheduleBasis
	r.ScheduleBasis = nil
	p, err := r.toDomain()
	if err != nil || raw == nil {
		return p, err
	}
	p.ScheduleBasis, err = s.basis.decode(r.ID, *raw)
	return p, err
}
