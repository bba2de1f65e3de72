package review

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Export batch sizes: each batch is one keyset query under its own
// deadline, so memory and the length of any one query stay bounded
// however large the county. Routes may hold thousands of positions, so
// project batches are smaller.
const (
	checkExportBatch   = checks.MaxLimit
	projectExportBatch = 100
)

// ExportedCheck is one check with the project it is on.
type ExportedCheck struct {
	checks.Check
	Project ProjectLabel
}

// ExportChecks streams the checks matching q, newest first, to emit in
// batches. It pages through checks.Service.List, so the filters, their
// validation and the caller's visibility are exactly those of GET /checks
// (q.Cursor and q.Limit are the export's own). emit is called at least
// once, with an empty batch when nothing matches; an error from it stops
// the export. A validation error comes before the first emit.
func (s *Service) ExportChecks(ctx context.Context, p auth.Principal, q checks.ListQuery, emit func([]ExportedCheck) error) error {
	if err := mayOverview(p); err != nil {
		return err
	}
	limit := checkExportBatch
	q.Cursor, q.Limit = "", &limit
	// Project labels are looked up once per project: the cache holds at
	// most the county's projects, not its checks.
	labels := map[string]ProjectLabel{}
	for {
		page, err := s.d.Checks.List(ctx, p, q)
		if err != nil {
			return err
		}
		ids := make([]string, len(page.Checks))
		for i, c := range page.Checks {
			ids[i] = c.ProjectID
		}
		if err := s.label(ctx, labels, ids); err != nil {
			return err
		}
		out := make([]ExportedCheck, len(page.Checks))
		for i, c := range page.Checks {
			out[i] = ExportedCheck{Check: c, Project: labels[c.ProjectID]}
		}
		if err := emit(out); err != nil {
			return err
		}
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}

// label adds to labels the projects of ids it does not hold yet, in one
// query: an export looks each project up once, so the cache holds at most
// the county's projects, not its rows.
func (s *Service) label(ctx context.Context, labels map[string]ProjectLabel, ids []string) error {
	var unknown []string
	for _, id := range ids {
		if _, ok := labels[id]; !ok {
			labels[id] = ProjectLabel{}
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	found, err := s.d.Store.ProjectLabels(ctx, unknown)
	if err != nil {
		return err
	}
	for id, l := range found {
		labels[id] = l
	}
	return nil
}

// ExportProjects streams every project, with its route, ordered by code,
// to emit in batches (at least one call, possibly empty).
func (s *Service) ExportProjects(ctx context.Context, p auth.Principal, emit func([]projects.Project) error) error {
	if err := mayOverview(p); err != nil {
		return err
	}
	after := ""
	for {
		now := s.now()
		batch, err := s.d.Store.ProjectBatch(ctx, after, projectExportBatch, true)
		if err != nil {
			return err
		}
		for i := range batch {
			batch[i] = decorated(batch[i], now)
		}
		if err := emit(batch); err != nil {
			return err
		}
		if len(batch) < projectExportBatch {
			return nil
		}
		after = batch[len(batch)-1].Code
	}
}
