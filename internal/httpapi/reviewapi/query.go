package reviewapi

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// known refuses unknown and repeated parameters, as every list does: a
// misspelt filter that silently exports the whole county is a bug nobody
// sees until the file is on a laptop.
func known(vals url.Values, allowed ...string) error {
	v := errs.NewValidation(errs.KindInvalid)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		switch {
		case !ok && len(allowed) == 0:
			v.Add(k, "unknown_parameter", "this route takes no parameters")
		case !ok:
			v.Add(k, "unknown_parameter", "is not a parameter of this route; use "+strings.Join(allowed, ", "))
		case len(vals[k]) > 1:
			v.Add(k, "repeated", "must be given at most once")
		}
	}
	return v.Err()
}

// checkFilterParams are GET /checks' filters (without its paging).
var checkFilterParams = []string{"project_id", "type", "result", "flag", "author_id", "state", "from", "to"}

// parseCheckFilter reads the check filters of an export; the checks
// service validates their values as it does for GET /checks.
func parseCheckFilter(vals url.Values) (checks.ListQuery, error) {
	if err := known(vals, checkFilterParams...); err != nil {
		return checks.ListQuery{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	q := checks.ListQuery{ProjectID: vals.Get("project_id"), Type: vals.Get("type"), Result: vals.Get("result"),
		Flag: vals.Get("flag"), AuthorID: vals.Get("author_id"), State: vals.Get("state")}
	for _, name := range []string{"from", "to"} {
		s := vals.Get(name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			v.Add(name, "invalid", "must be an RFC 3339 time")
			continue
		}
		if name == "from" {
			q.From = &t
		} else {
			q.To = &t
		}
	}
	return q, v.Err()
}

// optInt reads an optional whole number.
func optInt(vals url.Values, name string) (*int, error) {
	s, ok := vals[name]
	if !ok {
		return nil, nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil {
		v := errs.NewValidation(errs.KindInvalid)
		v.Add(name, "invalid", "must be a whole number")
		return nil, v.Err()
	}
	return &n, nil
}
