package orders

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// List page sizes.
const (
	DefaultLimit = keyset.DefaultLimit
	MaxLimit     = keyset.MaxLimit
)

// ListQuery is what a caller may ask of the order list; empty fields do not
// filter. Errors name the fields as the HTTP query parameters do.
type ListQuery struct {
	Status, ProjectID, UnitID, Severity string
	Overdue                             *bool
	Cursor                              string
	Limit                               *int
}

// Page is one page of orders; Next is empty on the last page.
type Page struct {
	Orders []Order
	Next   string
	// View is how much of each order the caller may read (the scope
	// guarantees it is the same for every order of a list).
	View ViewLevel
	// Now is when the page was read, for the overdue flag.
	Now time.Time
}

// List returns the orders the caller may see that match q, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	v := errs.NewValidation(errs.KindInvalid)
	okStatus := q.Status == ""
	for _, st := range Statuses {
		okStatus = okStatus || string(st) == q.Status
	}
	v.Check(!okStatus, "status", "invalid", "not an order status")
	v.Check(q.Severity != "" && !Severity(q.Severity).Valid(), "severity", "invalid", "must be minor, major or critical")
	before, limit := keyset.Args(v, q.Cursor, q.Limit)
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	scope := policy.OrderListScope(p)
	if scope.None {
		return Page{Orders: []Order{}, View: ViewStatus, Now: s.now()}, nil
	}
	f := Filter{Status: q.Status, ProjectID: q.ProjectID, UnitID: q.UnitID, Severity: q.Severity, Overdue: q.Overdue,
		Now: s.now(), Scope: scope, BeforeSeq: before, Limit: limit + 1}
	os, err := s.d.Store.List(ctx, f)
	if err != nil {
		return Page{}, err
	}
	pg := Page{Orders: os, View: levelOf(policy.OrderListView(p)), Now: f.Now}
	if len(os) > limit {
		pg.Orders = os[:limit]
		pg.Next = keyset.Encode(os[limit-1].Seq)
	}
	return pg, nil
}
