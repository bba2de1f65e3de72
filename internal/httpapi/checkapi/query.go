package checkapi

import (
	"net/url"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
)

var listParams = []string{"project_id", "type", "result", "flag", "author_id", "state", "from", "to", "cursor", "limit"}

// parseListQuery reads GET /checks parameters (withProject: the project may
// be named; under /projects/{id}/checks the path names it).
func parseListQuery(vals url.Values, withProject bool) (checks.ListQuery, error) {
	allowed := listParams
	if !withProject {
		allowed = listParams[1:]
	}
	r := params.Read(vals, allowed...)
	q := checks.ListQuery{ProjectID: r.String("project_id"), Type: r.String("type"), Result: r.String("result"),
		Flag: r.String("flag"), AuthorID: r.String("author_id"), State: r.String("state"), Cursor: r.String("cursor"),
		From: r.Time("from"), To: r.Time("to"), Limit: r.Int("limit")}
	return q, r.Err()
}
