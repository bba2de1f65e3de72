package checkapi

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
)

var listParams = []string{"project_id", "type", "result", "flag", "author_id", "state", "from", "to", "cursor", "limit"}

// parseListQuery reads GET /checks parameters (withProject: the project may
// be named; under /projects/{id}/checks the path names it). Unknown or
// repeated parameters are refused: a misspelt filter that silently lists
// everything is a bug nobody sees.
func parseListQuery(vals url.Values, withProject bool) (checks.ListQuery, error) {
	v := errs.NewValidation(errs.KindInvalid)
	allowed := listParams
	if !withProject {
		allowed = listParams[1:]
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, p := range allowed {
			known = known || p == k
		}
		switch {
		case !known:
			v.Add(k, "unknown_parameter", "is not a parameter of this list; use "+strings.Join(allowed, ", "))
		case len(vals[k]) > 1:
			v.Add(k, "repeated", "must be given at most once")
		}
	}
	if err := v.Err(); err != nil {
		return checks.ListQuery{}, err
	}
	q := checks.ListQuery{ProjectID: vals.Get("project_id"), Type: vals.Get("type"), Result: vals.Get("result"),
		Flag: vals.Get("flag"), AuthorID: vals.Get("author_id"), State: vals.Get("state"), Cursor: vals.Get("cursor")}
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
	if s, ok := vals["limit"]; ok {
		n, err := strconv.Atoi(s[0])
		if err != nil {
			v.Add("limit", "invalid", "must be a whole number")
		} else {
			q.Limit = &n
		}
	}
	return q, v.Err()
}
