package projects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// ImportFormat is the kind of file an import reads.
type ImportFormat int

// The import formats.
const (
	ImportCSV     ImportFormat = iota + 1 // header row of column names, UTF-8
	ImportGeoJSON                         // a FeatureCollection
)

// MaxImportRows bounds one import; a county's yearly list is a few hundred.
const MaxImportRows = 5000

// maxReportedErrors bounds the error list: a file with the wrong columns in
// every row needs the first few hundred messages, not ninety thousand.
const maxReportedErrors = 500

// importColumns are the CSV columns and GeoJSON properties an import reads.
var importColumns = []string{"code", "name", "category", "township", "responsible_unit", "responsible_leader",
	"contractor_name", "contractor_contact", "budget", "funding_source", "planned_start", "planned_end", "status",
	"target_quantity", "target_unit", "lat", "lon", "geofence_m"}

var requiredColumns = []string{"code", "name", "category", "township", "responsible_unit"}

func isImportColumn(name string) bool {
	for _, c := range importColumns {
		if c == name {
			return true
		}
	}
	return isIndicatorColumn(name)
}

// importRow is one data row or feature, parsed but not yet validated.
type importRow struct {
	np   NewProject
	inds []importIndicator // indicator_<n>_* groups, by n
	line int               // CSV line number, for messages; 0 for GeoJSON
	errs []errs.FieldError
}

func (r *importRow) fail(field, code, msg string) {
	r.errs = append(r.errs, errs.FieldError{Field: field, Code: code, Message: msg})
}

// rowNamer names fields of row i as the file does: "rows[3].contractor_name".
func rowNamer(i int) fieldNamer {
	return func(f string) string {
		switch {
		case f == "contractor.name":
			f = "contractor_name"
		case f == "contractor.contact":
			f = "contractor_contact"
		case f == "location.lat":
			f = "lat"
		case f == "location.lon":
			f = "lon"
		case strings.HasPrefix(f, "route"):
			f = "geometry" + strings.TrimPrefix(f, "route")
		}
		return fmt.Sprintf("rows[%d].%s", i, f)
	}
}

// fromValues turns one row's text values (CSV cells or GeoJSON properties)
// into input, recording what does not parse.
func (r *importRow) fromValues(name fieldNamer, vals map[string]string) {
	get := func(k string) string { return strings.TrimSpace(vals[k]) }
	r.np = NewProject{Code: get("code"), Name: get("name"), Category: Category(strings.ToLower(get("category"))),
		Township: get("township"), Unit: get("responsible_unit"), ResponsibleLeader: get("responsible_leader"),
		Contractor: Contractor{Name: get("contractor_name"), Contact: get("contractor_contact")},
		Budget:     get("budget"), FundingSource: get("funding_source"), PlannedStart: get("planned_start"),
		PlannedEnd: get("planned_end"), Status: Status(strings.ToLower(get("status"))), TargetUnit: get("target_unit")}
	r.indicatorsFromValues(name, vals)
	if s := get("target_quantity"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err != nil {
			r.fail(name("target_quantity"), "invalid", "must be a number")
		} else {
			r.np.TargetQuantity = &f
		}
	}
	if s := get("geofence_m"); s != "" {
		if n, err := strconv.Atoi(s); err != nil {
			r.fail(name("geofence_m"), "invalid", "must be a whole number of metres")
		} else {
			r.np.GeofenceM = &n
		}
	}
	lat, lon := get("lat"), get("lon")
	if lat == "" && lon == "" {
		return
	}
	if lat == "" || lon == "" {
		r.fail(name("location.lat"), "incomplete", "give both lat and lon, or neither")
		return
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil {
		r.fail(name("location.lat"), "invalid", "lat and lon must be decimal degrees")
		return
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	if checkPoint(v, name("location.lat"), name("location.lon"), Point{Lat: la, Lon: lo}) {
		r.np.Location = &Point{Lat: la, Lon: lo}
		return
	}
	r.errs = append(r.errs, fieldsOf(v.Err())...)
}

func fieldsOf(err error) []errs.FieldError {
	if e, ok := errs.As(err); ok {
		return e.Fields
	}
	return nil
}

func tooManyRows() error {
	return &errs.Error{Kind: errs.KindTooLarge, Code: "too_many_rows",
		Message: fmt.Sprintf("an import holds at most %d projects; split the file", MaxImportRows)}
}

// Import creates every project in the file, or none: one invalid row, a code
// used twice in the file or already taken, and nothing is written, and the
// answer lists every row's problems.
func (s *Service) Import(ctx context.Context, p auth.Principal, format ImportFormat, r io.Reader) ([]Project, error) {
	if err := policy.Global(p, policy.ImportProjects); err != nil {
		return nil, err
	}
	var (
		rows []importRow
		err  error
	)
	switch format {
	case ImportCSV:
		rows, err = readCSV(r)
	case ImportGeoJSON:
		rows, err = readGeoJSON(r)
	default:
		return nil, &errs.Error{Kind: errs.KindUnsupportedMedia, Code: "unsupported_media_type",
			Message: "send text/csv or application/geo+json"}
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, unprocessable("rows", "empty", "the file holds no projects")
	}
	drafts, extra, err := s.checkRows(rows)
	if err != nil {
		return nil, err
	}
	var out []Project
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkCodesFree(ctx, rows, drafts); err != nil {
			return err
		}
		cache := &orgCache{townships: map[string]string{}, units: map[string]string{}}
		out = make([]Project, len(drafts))
		for i, d := range drafts {
			proj, err := s.fromDraft(p, d)
			if err != nil {
				return err
			}
			if err := s.resolveOrg(ctx, &proj, cache); err != nil {
				return err
			}
			out[i] = proj
		}
		inds, err := s.importIndicators(p, out, extra)
		if err != nil {
			return err
		}
		if err := s.store.InsertProjects(ctx, out); err != nil {
			if errors.Is(err, errs.ErrConflict) {
				// Another import took a code since checkCodesFree.
				return errs.Conflict("duplicate_code", "a code in the file was taken meanwhile; import again").Wrap(err)
			}
			return err
		}
		if err := s.store.InsertIndicators(ctx, inds); err != nil {
			return err
		}
		if err := s.store.InsertStatusChanges(ctx, statusEntries(out)); err != nil {
			return err
		}
		if s.opts.Audit == nil {
			return nil
		}
		changes := make([]audit.Change, len(out))
		for i, proj := range out {
			c := map[string]any{"code": proj.Code, "name": proj.Name}
			if len(extra[i]) > 0 {
				c["indicators"] = extra[i]
			}
			changes[i] = audit.Change{Action: "project.import", Entity: "project", EntityID: proj.ID, Changes: c}
		}
		return s.opts.Audit.RecordAll(ctx, p, changes)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// rowErrors gathers per-row problems into one 422.
type rowErrors struct {
	fields []errs.FieldError
	bad    int
	total  int
}

func (re *rowErrors) add(row importRow, fields []errs.FieldError) {
	if len(fields) == 0 {
		return
	}
	re.bad++
	for _, f := range fields {
		if len(re.fields) >= maxReportedErrors {
			return
		}
		if row.line > 0 {
			f.Message = fmt.Sprintf("line %d: %s", row.line, f.Message)
		}
		re.fields = append(re.fields, f)
	}
}

func (re *rowErrors) err() error {
	if re.bad == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed",
		Message: fmt.Sprintf("%d of %d rows are invalid; nothing was imported", re.bad, re.total),
		Fields:  re.fields}
}

func (s *Service) checkRows(rows []importRow) ([]draft, [][]NewIndicator, error) {
	re := rowErrors{total: len(rows)}
	drafts := make([]draft, len(rows))
	extra := make([][]NewIndicator, len(rows))
	first := map[string]int{}
	for i, row := range rows {
		name := rowNamer(i)
		v := errs.NewValidation(errs.KindUnprocessable)
		for _, f := range row.errs {
			v.Add(f.Field, f.Code, f.Message)
		}
		drafts[i] = s.check(row.np, name, v)
		extra[i] = checkImportIndicators(v, name, drafts[i], row.inds)
		if c := drafts[i].code; drafts[i].codeOK {
			if j, dup := first[c]; dup {
				v.Add(name("code"), "duplicate", fmt.Sprintf("repeats the code of rows[%d]", j))
			} else {
				first[c] = i
			}
		}
		re.add(row, fieldsOf(v.Err()))
	}
	return drafts, extra, re.err()
}

// checkCodesFree refuses codes already in the database, row by row.
func (s *Service) checkCodesFree(ctx context.Context, rows []importRow, drafts []draft) error {
	codes := make([]string, len(drafts))
	for i, d := range drafts {
		codes[i] = d.code
	}
	taken, err := s.store.ExistingCodes(ctx, codes)
	if err != nil {
		return err
	}
	if len(taken) == 0 {
		return nil
	}
	used := make(map[string]bool, len(taken))
	for _, c := range taken {
		used[c] = true
	}
	re := rowErrors{total: len(rows)}
	for i, d := range drafts {
		if used[d.code] {
			re.add(rows[i], []errs.FieldError{{Field: rowNamer(i)("code"), Code: "duplicate",
				Message: "is already used by an existing project"}})
		}
	}
	return re.err()
}
