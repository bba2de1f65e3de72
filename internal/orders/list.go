package orders

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// List page sizes.
const (
	DefaultLimit = keyset.DefaultLimit
	MaxLimit     = keyset.MaxLimit
)

// The list orders. SortNewest is the default; SortDue is the
// rectification board's: overdue orders first, the most overdue at the
// top, then the rest by deadline, soonest first.
const (
	SortNewest = "newest"
	SortDue    = "due"
)

// ListQuery is what a caller may ask of the order list; empty fields do not
// filter. Errors name the fields as the HTTP query parameters do.
type ListQuery struct {
	Status, ProjectID, UnitID, Severity string
	// Township is a township's name, Category a project category: both
	// of the order's project.
	Township, Category string
	// Open: true lists only open orders, false only closed or cancelled.
	Open    *bool
	Overdue *bool
	// Sort is SortNewest ("" too) or SortDue.
	Sort   string
	Cursor string
	Limit  *int
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

// List returns the orders the caller may see that match q, newest first
// or in q.Sort's order.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	v := errs.NewValidation(errs.KindInvalid)
	okStatus := q.Status == ""
	for _, st := range Statuses {
		okStatus = okStatus || string(st) == q.Status
	}
	v.Check(!okStatus, "status", "invalid", "not an order status")
	v.Check(q.Severity != "" && !Severity(q.Severity).Valid(), "severity", "invalid", "must be minor, major or critical")
	v.Check(q.Category != "" && !projects.Category(q.Category).Valid(), "category", "invalid", "not a project category")
	township := strings.TrimSpace(q.Township)
	v.Check(!utf8.ValidString(township) || utf8.RuneCountInString(township) > 100, "township", "too_long", "is too long")
	sort := q.Sort
	if sort == "" {
		sort = SortNewest
	}
	v.Check(sort != SortNewest && sort != SortDue, "sort", "invalid", "must be newest or due")
	var (
		before int64
		after  *DueKey
		limit  int
	)
	if sort == SortDue {
		after = dueCursor(v, q.Cursor)
		_, limit = keyset.Args(v, "", q.Limit)
	} else {
		before, limit = keyset.Args(v, q.Cursor, q.Limit)
	}
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	scope := policy.OrderListScope(p)
	if scope.None {
		return Page{Orders: []Order{}, View: ViewStatus, Now: s.now()}, nil
	}
	f := Filter{Status: q.Status, ProjectID: q.ProjectID, UnitID: q.UnitID, Severity: q.Severity, Township: township,
		Category: q.Category, Open: q.Open, Overdue: q.Overdue, Now: s.now(), Scope: scope, Sort: sort,
		BeforeSeq: before, After: after, Limit: limit + 1}
	os, err := s.d.Store.List(ctx, f)
	if err != nil {
		return Page{}, err
	}
	pg := Page{Orders: os, View: levelOf(policy.OrderListView(p)), Now: f.Now}
	if len(os) > limit {
		pg.Orders = os[:limit]
		last := os[limit-1]
		if sort == SortDue {
			pg.Next = encodeDue(DueKey{Overdue: last.Overdue(f.Now), Deadline: last.Deadline, Seq: last.Seq})
		} else {
			pg.Next = keyset.Encode(last.Seq)
		}
	}
	return pg, nil
}

// A due cursor is the last order's DueKey; its own prefix keeps a cursor
// of the newest-first order from being read as one.
const duePrefix = "due:"

func encodeDue(k DueKey) string {
	b := 1
	if k.Overdue {
		b = 0
	}
	return base64.RawURLEncoding.EncodeToString(
		[]byte(fmt.Sprintf("%s%d:%d:%d", duePrefix, b, k.Deadline.UnixMicro(), k.Seq)))
}

func dueCursor(v *errs.Validation, c string) *DueKey {
	if c == "" {
		return nil
	}
	k, ok := decodeDue(c)
	v.Check(!ok, "cursor", "invalid", "not a cursor from this list")
	if !ok {
		return nil
	}
	return &k
}

func decodeDue(c string) (DueKey, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return DueKey{}, false
	}
	rest, ok := strings.CutPrefix(string(raw), duePrefix)
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 || (parts[0] != "0" && parts[0] != "1") {
		return DueKey{}, false
	}
	micro, err1 := strconv.ParseInt(parts[1], 10, 64)
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || seq <= 0 {
		return DueKey{}, false
	}
	return DueKey{Overdue: parts[0] == "0", Deadline: time.UnixMicro(micro).UTC(), Seq: seq}, true
}
