package projectapi

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/projects"
)

var listParams = []string{"status", "category", "township", "unit", "behind_schedule", "schedule_status", "q", "bbox", "cursor", "limit"}

// parseListQuery reads GET /projects parameters.
func parseListQuery(vals url.Values) (projects.ListQuery, error) {
	r := params.Read(vals, listParams...)
	q := projects.ListQuery{Status: projects.Status(r.String("status")), Category: projects.Category(r.String("category")),
		Township: r.String("township"), Unit: r.String("unit"), Text: r.String("q"), Cursor: r.String("cursor"),
		Behind: r.Bool("behind_schedule"), Limit: r.Int("limit")}
	if s := r.String("schedule_status"); s != "" {
		st, ok := projects.ParseScheduleStatuses(s)
		if ok {
			q.Schedule = st
		} else {
			r.Fail("schedule_status", "invalid",
				"must be a comma-separated list of stalled, behind, on_schedule, not_started, ahead, completed")
		}
	}
	if s := r.String("bbox"); s != "" {
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
			r.Fail("bbox", "invalid", "must be four numbers: minLon,minLat,maxLon,maxLat")
		}
	}
	return q, r.Err()
}
