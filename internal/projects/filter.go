package projects

import (
	"context"
	"encoding/base64"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// List page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// BBox is a longitude/latitude box. Boxes across the antimeridian are not
// supported (a county never spans it).
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// ListQuery is what a caller may ask of a project list. Empty fields do not
// filter. Errors name the fields as the HTTP query parameters do.
type ListQuery struct {
	Status   Status
	Category Category
	Township string // name
	Unit     string // name
	Behind   *bool
	// Schedule keeps projects whose schedule status (ScheduleOf at now)
	// is one of these; nil does not filter.
	Schedule []ScheduleStatus
	Text     string // in name or code, case-insensitive
	BBox     *BBox  // on the project's location
	Cursor   string // from a previous Page
	Limit    *int   // nil: DefaultLimit
}

// Filter is a validated ListQuery plus the caller's scope, for the store.
type Filter struct {
	Status    Status
	Category  Category
	Township  string
	Unit      string
	Behind    *bool
	Text      string
	BBox      *BBox
	AfterCode string
	Limit     int
	// Scope: policy.ProjectListScope, the rule single reads use too.
	Scope policy.ProjectScope
	// Now decides behind_schedule.
	Now time.Time
}

// Page is one page of a list; NextCursor is empty on the last.
type Page struct {
	Items      []Project
	NextCursor string
}

// Cursors are opaque to clients so the order key can change without
// breaking them; today it is the last code seen.
func encodeCursor(code string) string { return base64.RawURLEncoding.EncodeToString([]byte(code)) }

func decodeCursor(c string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !codePattern.Match(b) {
		return "", false
	}
	return string(b), true
}

func (q ListQuery) filter() (Filter, error) {
	v := errs.NewValidation(errs.KindInvalid)
	f := Filter{Status: q.Status, Category: q.Category, Behind: q.Behind, BBox: q.BBox, Limit: DefaultLimit,
		Township: org.CleanName(q.Township), Unit: org.CleanName(q.Unit), Text: strings.TrimSpace(q.Text)}
	v.Check(f.Status != "" && !f.Status.Valid(), "status", "invalid", "must be one of "+joinStatuses(Statuses))
	v.Check(f.Category != "" && !f.Category.Valid(), "category", "invalid", "must be one of "+joinCategories())
	for _, st := range q.Schedule {
		v.Check(!st.Valid(), "schedule_status", "invalid", "must be a comma-separated list of "+joinScheduleStatuses())
	}
	v.Check(utf8.RuneCountInString(f.Township) > org.MaxNameLen, "township", "too_long", "is too long")
	v.Check(utf8.RuneCountInString(f.Unit) > org.MaxNameLen, "unit", "too_long", "is too long")
	v.Check(!utf8.ValidString(f.Text) || utf8.RuneCountInString(f.Text) > 100, "q", "too_long",
		"must be at most 100 characters")
	if b := q.BBox; b != nil {
		bad := func(x, lim float64) bool { return math.IsNaN(x) || x < -lim || x > lim }
		v.Check(bad(b.MinLon, 180) || bad(b.MaxLon, 180) || bad(b.MinLat, 90) || bad(b.MaxLat, 90) ||
			b.MinLon > b.MaxLon || b.MinLat > b.MaxLat, "bbox", "invalid",
			"must be minLon,minLat,maxLon,maxLat with min ≤ max, longitudes within ±180 and latitudes within ±90")
	}
	if q.Limit != nil {
		f.Limit = *q.Limit
		v.Check(f.Limit < 1 || f.Limit > MaxLimit, "limit", "out_of_range", "must be between 1 and 200")
	}
	if q.Cursor != "" {
		var ok bool
		f.AfterCode, ok = decodeCursor(q.Cursor)
		v.Check(!ok, "cursor", "invalid", "is not a cursor this server gave out")
	}
	return f, v.Err()
}

// List returns the projects the caller may see that match q, ordered by code.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	f, err := q.filter()
	if err != nil {
		return Page{}, err
	}
	f.Scope = policy.ProjectListScope(p)
	if f.Scope.None {
		return Page{Items: []Project{}}, nil
	}
	now := s.now()
	f.Now = now
	want := f.Limit
	var items []Project
	if len(q.Schedule) > 0 {
		items, err = s.listBySchedule(ctx, f, want, q.Schedule)
	} else {
		f.Limit++ // one more tells whether there is a next page
		items, err = s.store.ListProjects(ctx, f)
	}
	if err != nil {
		return Page{}, err
	}
	page := Page{Items: items}
	if len(items) > want {
		page.Items = items[:want]
		page.NextCursor = encodeCursor(page.Items[want-1].Code)
	}
	for i := range page.Items {
		page.Items[i].decorate(now)
	}
	if len(q.Schedule) == 0 {
		if err := s.attachSchedules(ctx, page.Items, now); err != nil {
			return Page{}, err
		}
	}
	return page, nil
}
