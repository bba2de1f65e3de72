package projectapi

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

var listParams = []string{"status", "category", "township", "unit", "behind_schedule", "q", "bbox", "cursor", "limit"}

// parseListQuery reads GET /projects parameters. Unknown or repeated
// parameters are refused like unknown body fields: a misspelt filter that
// silently lists everything is a bug nobody sees.
func parseListQuery(vals url.Values) (projects.ListQuery, error) {
	v := errs.NewValidation(errs.KindInvalid)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, p := range listParams {
			known = known || p == k
		}
		switch {
		case !known:
			v.Add(k, "unknown_parameter", "is not a parameter of this list; use "+strings.Join(listParams, ", "))
		case len(vals[k]) > 1:
			v.Add(k, "repeated", "must be given at most once")
		}
	}
	if err := v.Err(); err != nil {
		return projects.ListQuery{}, err
	}
	q := projects.ListQuery{Status: projects.Status(vals.Get("status")), Category: projects.Category(vals.Get("category")),
		Township: vals.Get("township"), Unit: vals.Get("unit"), Text: vals.Get("q"), Cursor: vals.Get("cursor")}
	if s := vals.Get("behind_schedule"); s != "" {
		switch s {
		case "true", "false":
			b := s == "true"
			q.Behind = &b
		default:
			v.Add("behind_schedule", "invalid", "must be true or false")
		}
	}
	if s := vals.Get("bbox"); s != "" {
		parts := strings.Split(s, ",")
		var f [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			var err error
			f[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil
		}
		if ok {
			q.BBox = &projects.BBox{MinLon: f[0], MinLat: f[1], MaxLon: f[2], MaxLat: f[3]}
		} else {
			v.Add("bbox", "invalid", "must be four numbers: minLon,minLat,maxLon,maxLat")
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
