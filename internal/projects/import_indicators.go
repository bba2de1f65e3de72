package projects

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
)

// Further indicators in an import. A project's first indicator is its
// target (target_quantity, target_unit); the others are repeated groups of
// columns numbered from 2, one value to a cell, as an office clerk fills a
// spreadsheet:
//
//	indicator_2_name, indicator_2_unit, indicator_2_target, indicator_2_plan
//	户数,              户,               120,                2026-06:60;2026-09:100
//
// The plan cell is optional (empty: linear between the planned dates):
// cumulative shares due by the end of each month, "month:percent" pairs
// separated by semicolons (full-width ；and ：are read too). A group left
// empty on a row adds nothing to that project. GeoJSON features carry the
// same names as properties.

// indicatorColumnsHint ends the list of columns in messages.
const indicatorColumnsHint = ", and indicator_<n>_name, _unit, _target, _plan for further indicators (n from 2)"

// indicatorColumn matches indicator_<n>_<field> for n 2..MaxIndicatorCount.
var indicatorColumn = regexp.MustCompile(`^indicator_([1-9][0-9]?)_(name|unit|target|plan)$`)

func isIndicatorColumn(c string) bool {
	m := indicatorColumn.FindStringSubmatch(c)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	return n >= 2 && n <= MaxIndicatorCount
}

// importIndicator is one group of a row: its number in the file and the
// indicator it asks for.
type importIndicator struct {
	n  int
	ni NewIndicator
}

// indicatorsFromValues reads the indicator groups of one row.
func (r *importRow) indicatorsFromValues(name fieldNamer, vals map[string]string) {
	groups := map[int]bool{}
	for k, v := range vals {
		if m := indicatorColumn.FindStringSubmatch(k); m != nil && strings.TrimSpace(v) != "" {
			n, _ := strconv.Atoi(m[1])
			groups[n] = true
		}
	}
	ns := make([]int, 0, len(groups))
	for n := range groups {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		col := func(f string) string { return fmt.Sprintf("indicator_%d_%s", n, f) }
		get := func(f string) string { return strings.TrimSpace(vals[col(f)]) }
		ii := importIndicator{n: n, ni: NewIndicator{Name: get("name"), Unit: get("unit")}}
		if s := get("target"); s != "" {
			if f, err := strconv.ParseFloat(s, 64); err != nil {
				r.fail(name(col("target")), "invalid", "must be a number")
			} else {
				ii.ni.Target = &f
			}
		}
		if s := get("plan"); s != "" {
			plan, ok := parsePlanCell(s)
			if !ok {
				r.fail(name(col("plan")), "invalid",
					`must be month:percent pairs separated by semicolons, e.g. "2026-06:60;2026-09:100"`)
			}
			ii.ni.Plan = plan
		}
		r.inds = append(r.inds, ii)
	}
}

// ParsePlan reads a plan written as a clerk writes it in a cell or a form
// field, "2026-06:60;2026-09:100"; false when it is not such a list (the
// months and shares are validated where the plan is used).
func ParsePlan(s string) ([]PlanPoint, bool) { return parsePlanCell(s) }

// parsePlanCell reads "2026-06:60;2026-09:100".
func parsePlanCell(s string) ([]PlanPoint, bool) {
	s = strings.NewReplacer("；", ";", "：", ":").Replace(s)
	var out []PlanPoint
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m, p, ok := strings.Cut(part, ":")
		if !ok {
			return nil, false
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(p), "%"), 64)
		if err != nil {
			return nil, false
		}
		out = append(out, PlanPoint{Month: strings.TrimSpace(m), Percent: pct})
	}
	return out, true
}

// checkImportIndicators validates a row's groups with the rules of
// POST /projects/{id}/indicators, naming the row's columns; names must
// differ from each other and from the first indicator's.
func checkImportIndicators(v *errs.Validation, name fieldNamer, d draft, inds []importIndicator) []NewIndicator {
	first := ProgressIndicatorName
	if d.target != nil {
		first = QuantityIndicatorName
	}
	seen := map[string]int{first: 1}
	out := make([]NewIndicator, 0, len(inds))
	for _, ii := range inds {
		col := func(f string) string { return name(fmt.Sprintf("indicator_%d_%s", ii.n, f)) }
		iv := errs.NewValidation(errs.KindUnprocessable)
		ni := ii.ni
		ni.Name, ni.Unit = strings.TrimSpace(ni.Name), strings.TrimSpace(ni.Unit)
		checkName(iv, ni.Name)
		checkUnit(iv, ni.Unit)
		iv.Check(ni.Target == nil, "target", "required", "is required")
		if ni.Target != nil {
			checkTarget(iv, *ni.Target, 0)
		}
		ni.Plan = checkPlan(iv, ni.Plan)
		for _, f := range fieldsOf(iv.Err()) {
			field := f.Field
			if strings.HasPrefix(field, "plan") {
				field = "plan"
			}
			v.Add(col(field), f.Code, f.Message)
		}
		if j, dup := seen[ni.Name]; dup && ni.Name != "" {
			v.Add(col("name"), "duplicate", fmt.Sprintf("repeats the name of indicator %d", j))
		}
		seen[ni.Name] = ii.n
		out = append(out, ni)
	}
	return out
}

// importIndicators builds every imported project's indicators, its target
// first, and sets each project's on-track moment as the earliest of them
// (before the projects are written).
func (s *Service) importIndicators(p auth.Principal, ps []Project, extra [][]NewIndicator) ([]Indicator, error) {
	var out []Indicator
	for i := range ps {
		proj := &ps[i]
		first := firstIndicatorOf(*proj)
		inds := []Indicator{first}
		ts := []*time.Time{first.OnTrackUntil}
		for k, ni := range extra[i] {
			id, err := newID()
			if err != nil {
				return nil, err
			}
			ind := Indicator{ID: id, ProjectID: proj.ID, Position: k + 2, Name: ni.Name, Unit: ni.Unit,
				Target: *ni.Target, Plan: ni.Plan, CreatedBy: p.UserID, CreatedAt: proj.CreatedAt, UpdatedAt: proj.UpdatedAt}
			ind.OnTrackUntil = indicatorOnTrackUntil(*proj, ind)
			inds = append(inds, ind)
			ts = append(ts, ind.OnTrackUntil)
		}
		if len(inds) > 1 {
			proj.OnTrackUntil = earliest(ts)
		}
		proj.ScheduleBasis = append([]Indicator(nil), inds...)
		out = append(out, inds...)
	}
	return out, nil
}
