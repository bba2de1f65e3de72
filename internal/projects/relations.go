package projects

import (
	"context"
	"errors"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// RelationSource is what Relations reads of projects.
type RelationSource interface {
	ProjectByID(ctx context.Context, id string) (Project, error)
	IsAssigned(ctx context.Context, projectID, userID string) (bool, error)
}

// Relations reads how one caller stands to projects, once per project:
// for reading many objects (checks, orders) that share a few projects.
type Relations struct {
	src    RelationSource
	userID string
	seen   map[string]relation
}

type relation struct {
	rel    policy.ProjectRelation
	exists bool
}

// NewRelations reads through src for the user userID.
func NewRelations(src RelationSource, userID string) *Relations {
	return &Relations{src: src, userID: userID, seen: map[string]relation{}}
}

// Of is the caller's relation to the project; false when the project does
// not exist (any more).
func (r *Relations) Of(ctx context.Context, projectID string) (policy.ProjectRelation, bool, error) {
	if got, ok := r.seen[projectID]; ok {
		return got.rel, got.exists, nil
	}
	var got relation
	proj, err := r.src.ProjectByID(ctx, projectID)
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return policy.ProjectRelation{}, false, err
	}
	if err == nil {
		assigned, err := r.src.IsAssigned(ctx, proj.ID, r.userID)
		if err != nil {
			return policy.ProjectRelation{}, false, err
		}
		got = relation{rel: policy.ProjectRelation{UnitID: proj.UnitID, Assigned: assigned}, exists: true}
	}
	r.seen[projectID] = got
	return got.rel, got.exists, nil
}
