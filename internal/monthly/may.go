package monthly

import (
	"context"
	"errors"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// MayManagePoints reports whether p may define and correct the photo
// points of a project (policy.ManagePhotoPoints with p's relation to it,
// assignment included), so a screen offers the forms only to those the
// service would let through. A project p cannot see is false.
func (s *Service) MayManagePoints(ctx context.Context, p auth.Principal, projectID string) (bool, error) {
	_, rel, err := s.project(ctx, p, projectID)
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return policy.Monthly(p, policy.ManagePhotoPoints, rel) == nil, nil
}

// PeriodClosed reports whether the office has closed period, for a screen
// that shows a report of it (nothing of a report can change then). It is
// no secret: closing is announced to every unit.
func (s *Service) PeriodClosed(ctx context.Context, period Period) (bool, error) {
	closed, _, err := s.d.Store.PeriodClosed(ctx, period)
	return closed, err
}
