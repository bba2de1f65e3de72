package reviewapi

import (
	"net/url"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
)

// checkFilterParams are GET /checks' filters (without its paging): an
// export refuses a misspelt filter rather than silently exporting the
// whole county.
var checkFilterParams = []string{"project_id", "type", "result", "flag", "author_id", "state", "from", "to"}

// parseCheckFilter reads the check filters of an export; the checks
// service validates their values as it does for GET /checks.
func parseCheckFilter(vals url.Values) (checks.ListQuery, error) {
	r := params.Read(vals, checkFilterParams...)
	q := checks.ListQuery{ProjectID: r.String("project_id"), Type: r.String("type"), Result: r.String("result"),
		Flag: r.String("flag"), AuthorID: r.String("author_id"), State: r.String("state"),
		From: r.Time("from"), To: r.Time("to")}
	return q, r.Err()
}
