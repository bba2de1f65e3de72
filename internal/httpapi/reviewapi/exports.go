package reviewapi

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

// Media types of the exports.
const (
	csvType     = "text/csv; charset=utf-8"
	geoJSONType = "application/geo+json"
)

// stream is one streamed export. The status and headers go out with the
// first batch, so anything that fails before it (a bad filter, a refused
// caller, the database down) is an ordinary problem+json answer. After it
// the status is sent, so a failure aborts the connection instead: the
// client sees a broken transfer, never a file that looks complete but was
// cut short.
type stream struct {
	c           *gin.Context
	contentType string
	filename    string // "" for no Content-Disposition
	started     bool
}

func (s *stream) start() {
	if s.started {
		return
	}
	s.started = true
	h := s.c.Writer.Header()
	h.Set("Content-Type", s.contentType)
	// Office data: no shared cache may keep it.
	h.Set("Cache-Control", "no-store")
	if s.filename != "" {
		h.Set("Content-Disposition", `attachment; filename="`+s.filename+`"`)
	}
	s.c.Status(http.StatusOK)
}

// flush pushes a finished batch to the client.
func (s *stream) flush() { s.c.Writer.Flush() }

func (s *stream) finish(err error) error {
	if err == nil || !s.started {
		return err
	}
	slog.WarnContext(s.c.Request.Context(), "export aborted mid-stream", "err", err,
		"request_id", s.c.GetString(respond.RequestIDKey), "path", s.c.FullPath())
	panic(http.ErrAbortHandler)
}

var checkCSVHeader = []string{"id", "project_code", "project_name", "type", "template_version", "result",
	"failed_items", "state", "status", "flags", "captured_at", "created_at", "lat", "lon", "accuracy_m",
	"chainage", "chainage_m", "offset_m", "side", "author_id", "author_role", "photo_count",
	"missing_photo_count", "notes"}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func checkCSVRow(ec review.ExportedCheck) []string {
	var failed []string
	for _, it := range ec.Items {
		if it.Result == checklists.Fail {
			failed = append(failed, it.Key)
		}
	}
	chainage, chainageM, offsetM, side := "", "", "", ""
	if pl := ec.Placement; pl != nil {
		chainage, chainageM, offsetM, side = pl.Chainage, num(pl.ChainageM), num(pl.OffsetM), pl.Side
	}
	return []string{cell(ec.ID), cell(ec.Project.Code), cell(ec.Project.Name), cell(string(ec.Type)),
		strconv.Itoa(ec.TemplateVersion), cell(string(ec.Result)), cell(strings.Join(failed, ";")),
		cell(ec.State()), cell(ec.Status()), cell(strings.Join(ec.Flags, ";")),
		ec.CapturedAt.Format(time.RFC3339), ec.CreatedAt.UTC().Format(time.RFC3339),
		num(ec.Location.Lat), num(ec.Location.Lon), num(ec.Location.AccuracyM),
		cell(chainage), chainageM, offsetM, cell(side), cell(ec.AuthorID), cell(string(ec.AuthorRole)),
		strconv.Itoa(len(ec.PhotoIDs)), strconv.Itoa(len(ec.MissingPhotoIDs)), cell(ec.Notes)}
}

// checksCSV streams the checks matching GET /checks' filters as CSV, UTF-8
// with a BOM, CRLF rows (RFC 4180), every text cell defused.
func (h *handlers) checksCSV(c *gin.Context) error {
	q, err := parseCheckFilter(c.Request.URL.Query())
	if err != nil {
		return err
	}
	return streamCSV(c, "checks.csv", checkCSVHeader, func(row func([]string) error) error {
		return h.svc.ExportChecks(c.Request.Context(), mid.Principal(c), q, func(batch []review.ExportedCheck) error {
			return csvBatch(row, batch, checkCSVRow)
		})
	})
}

// csvBatch writes one row per item of an export batch, then flushes (a
// nil row), so each batch reaches the client as it is read.
func csvBatch[T any](row func([]string) error, batch []T, toRow func(T) []string) error {
	for _, it := range batch {
		if err := row(toRow(it)); err != nil {
			return err
		}
	}
	return row(nil)
}

// streamCSV writes one CSV export: the BOM and header with the first batch,
// then the rows each batch hands to row; row(nil) ends a batch and flushes
// it to the client. See stream for what a failure does.
func streamCSV(c *gin.Context, filename string, header []string, export func(row func([]string) error) error) error {
	st := &stream{c: c, contentType: csvType, filename: filename}
	w := csv.NewWriter(c.Writer)
	w.UseCRLF = true
	err := export(func(rec []string) error {
		if !st.started {
			st.start()
			if _, err := io.WriteString(c.Writer, utf8BOM); err != nil {
				return err
			}
			if err := w.Write(header); err != nil {
				return err
			}
		}
		if rec != nil {
			return w.Write(rec)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		st.flush()
		return nil
	})
	return st.finish(err)
}

// GeoJSON (RFC 7946): positions are [longitude, latitude].
type geometryJSON struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

type featureJSON struct {
	Type       string        `json:"type"`
	ID         string        `json:"id"`
	Geometry   *geometryJSON `json:"geometry"`
	Properties any           `json:"properties"`
}

// featureWriter writes one FeatureCollection, feature by feature.
type featureWriter struct {
	st    *stream
	w     io.Writer
	count int
}

func (f *featureWriter) open() error {
	if f.st.started {
		return nil
	}
	f.st.start()
	_, err := io.WriteString(f.w, `{"type":"FeatureCollection","features":[`)
	return err
}

func (f *featureWriter) write(ft featureJSON) error {
	ft.Type = "Feature"
	b, err := json.Marshal(ft)
	if err != nil {
		return err
	}
	if f.count > 0 {
		if _, err := io.WriteString(f.w, ",\n"); err != nil {
			return err
		}
	} else if _, err := io.WriteString(f.w, "\n"); err != nil {
		return err
	}
	f.count++
	_, err = f.w.Write(b)
	return err
}

func (f *featureWriter) close() error {
	_, err := io.WriteString(f.w, "\n]}\n")
	return err
}

type checkPropsJSON struct {
	ID          string   `json:"id"`
	ProjectCode string   `json:"project_code"`
	Type        string   `json:"type"`
	Result      string   `json:"result"`
	Flags       []string `json:"flags"`
	CapturedAt  string   `json:"captured_at"`
	Chainage    *string  `json:"chainage"`
}

// checksGeoJSON streams the checks matching GET /checks' filters as a
// FeatureCollection of points where they were filed.
func (h *handlers) checksGeoJSON(c *gin.Context) error {
	q, err := parseCheckFilter(c.Request.URL.Query())
	if err != nil {
		return err
	}
	st := &stream{c: c, contentType: geoJSONType}
	fw := &featureWriter{st: st, w: c.Writer}
	err = h.svc.ExportChecks(c.Request.Context(), mid.Principal(c), q, func(batch []review.ExportedCheck) error {
		if err := fw.open(); err != nil {
			return err
		}
		for _, ec := range batch {
			props := checkPropsJSON{ID: ec.ID, ProjectCode: ec.Project.Code, Type: string(ec.Type),
				Result: string(ec.Result), Flags: ec.Flags, CapturedAt: ec.CapturedAt.Format(time.RFC3339)}
			if props.Flags == nil {
				props.Flags = []string{}
			}
			if ec.Placement != nil {
				ch := ec.Placement.Chainage
				props.Chainage = &ch
			}
			if err := fw.write(featureJSON{ID: ec.ID, Properties: props, Geometry: &geometryJSON{Type: "Point",
				Coordinates: [2]float64{ec.Location.Lon, ec.Location.Lat}}}); err != nil {
				return err
			}
		}
		st.flush()
		return nil
	})
	if err == nil {
		err = fw.close()
	}
	return st.finish(err)
}

type projectPropsJSON struct {
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	Category       string  `json:"category"`
	Township       string  `json:"township"`
	Unit           string  `json:"unit"`
	Status         string  `json:"status"`
	Progress       float64 `json:"progress"`
	BehindSchedule bool    `json:"behind_schedule"`
}

// projectGeometry is a road's route as a LineString, else the project's
// point, else null (a project recorded without a place still lists).
func projectGeometry(p projects.Project) *geometryJSON {
	switch {
	case len(p.Route) >= 2:
		return &geometryJSON{Type: "LineString", Coordinates: p.Route}
	case p.Location != nil:
		return &geometryJSON{Type: "Point", Coordinates: [2]float64{p.Location.Lon, p.Location.Lat}}
	}
	return nil
}

// projectsGeoJSON streams every project as a FeatureCollection.
func (h *handlers) projectsGeoJSON(c *gin.Context) error {
	if err := params.Read(c.Request.URL.Query()).Err(); err != nil {
		return err
	}
	st := &stream{c: c, contentType: geoJSONType}
	fw := &featureWriter{st: st, w: c.Writer}
	err := h.svc.ExportProjects(c.Request.Context(), mid.Principal(c), func(batch []projects.Project) error {
		if err := fw.open(); err != nil {
			return err
		}
		for _, p := range batch {
			props := projectPropsJSON{Code: p.Code, Name: p.Name, Category: string(p.Category), Township: p.Township,
				Unit: p.Unit, Status: string(p.Status), Progress: p.Progress.Percent, BehindSchedule: p.BehindSchedule}
			if err := fw.write(featureJSON{ID: p.ID, Geometry: projectGeometry(p), Properties: props}); err != nil {
				return err
			}
		}
		st.flush()
		return nil
	})
	if err == nil {
		err = fw.close()
	}
	return st.finish(err)
}
