package photos

import (
	"context"
	"errors"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// Parent is what the photo pipeline needs to know about the record a photo
// is attached to: today a check, later a rectification response. The photo
// service never reads checks itself; the checks service answers through
// Parents, so the rule about who may attach or see photos lives with checks
// (and its policy), not here.
type Parent struct {
	Kind      string // "check" or "order_response"
	ID        string
	ProjectID string
	// The check's own GPS fix and capture time, for gps_mismatch and
	// time_mismatch.
	Lat, Lon   float64
	CapturedAt time.Time
	// Route is the project's road line ([lon, lat] positions), nil when it
	// has none; photos with their own GPS get a chainage on it.
	Route [][2]float64
	// ExpectedPhotoIDs are the client photo UUIDs the check announced.
	ExpectedPhotoIDs []string
	// OnlyExpected: the parent takes no photo it did not announce (a
	// monthly report's photos are one per photo point); see expected.go.
	OnlyExpected bool
}

// Parents looks up photo parents and decides access.
type Parents interface {
	// ForUpload returns the check if p may attach photos to it (its author,
	// or the office), else a forbidden/not-found error.
	ForUpload(ctx context.Context, p auth.Principal, checkID string) (Parent, error)
	// ForView returns the check if p may see it and its photos.
	ForView(ctx context.Context, p auth.Principal, checkID string) (Parent, error)
}

// Route sends the parent ids Owns claims (rectification responses) to
// Parents. Uploads, reads and direct uploads all ask the service's Parents,
// so one dispatch covers them, and the photo rules stay here in one place
// whatever the parent.
type Route struct {
	Owns    func(ctx context.Context, id string) (bool, error)
	Parents Parents
}

// route puts the routes in front of rest, the first route asked first.
func route(rest Parents, routes []Route) Parents {
	for i := len(routes) - 1; i >= 0; i-- {
		rest = routedParents{owns: routes[i].Owns, to: routes[i].Parents, rest: rest}
	}
	return rest
}

type routedParents struct {
	owns func(ctx context.Context, id string) (bool, error)
	to   Parents
	rest Parents
}

func (r routedParents) pick(ctx context.Context, id string) (ps Parents, owned bool, err error) {
	ok, err := r.owns(ctx, id)
	switch {
	case err != nil:
		return nil, false, err
	case ok:
		return r.to, true, nil
	case r.rest == nil:
		return nil, false, errNoParents
	}
	return r.rest, false, nil
}

func (r routedParents) ForUpload(ctx context.Context, p auth.Principal, id string) (Parent, error) {
	return r.route(ctx, id, func(ps Parents) (Parent, error) { return ps.ForUpload(ctx, p, id) })
}

func (r routedParents) ForView(ctx context.Context, p auth.Principal, id string) (Parent, error) {
	return r.route(ctx, id, func(ps Parents) (Parent, error) { return ps.ForView(ctx, p, id) })
}

// route asks the owner of id. A parent its owner will not show the caller
// is, to them, one nobody owns: it is answered by the rest, exactly as an
// unknown id is (check_not_found), never with the owner's own not-found
// (order_not_found), which would tell that the id is a real response.
func (r routedParents) route(ctx context.Context, id string, ask func(Parents) (Parent, error)) (Parent, error) {
	ps, owned, err := r.pick(ctx, id)
	if err != nil {
		return Parent{}, err
	}
	parent, err := ask(ps)
	if owned && r.rest != nil && errors.Is(err, errs.ErrNotFound) {
		return ask(r.rest)
	}
	return parent, err
}
