// Package reports renders evidence reports as PDF: a project's facts, its
// checks in order, and every photo with its capture time, location,
// chainage and SHA-256 — what the office files with a rectification order
// or hands to an auditor. It reads only through the services, so a report
// shows exactly what its reader may see.
package reports

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Limits keep one report bounded in time and memory.
const (
	MaxChecks = 200
	MaxPhotos = 120
)

// Projects reads a project as the caller may see it.
type Projects interface {
	Get(ctx context.Context, p auth.Principal, id string) (projects.Project, error)
}

// Checks lists a project's checks as the caller may see them.
type Checks interface {
	ListForProject(ctx context.Context, p auth.Principal, projectID string, q checks.ListQuery) (checks.Page, error)
}

// Photos reads a check's photos and their thumbnails.
type Photos interface {
	List(ctx context.Context, p auth.Principal, parentID string) ([]photos.Photo, error)
	ThumbnailBytes(ctx context.Context, p auth.Principal, id string) ([]byte, bool, error)
}

// defaultFont has Chinese and Latin in one font, so every
// report shows the county's names with no configuration. fpdf embeds only
// the glyphs a report uses. fonts/README.md says where it comes from.
//
//go:embed fonts/wqy-microhei.ttf
var defaultFont []byte

// Options configure the service; the zero value is the county default.
type Options struct {
	// FontPath overrides the embedded font with a TrueType (glyf) font
	// file, read once here.
	FontPath string
	// Zone is the county's time zone, in which every time a report prints
	// is shown; nil is Asia/Shanghai.
	Zone *time.Location
	Now  func() time.Time
	// Audit, when set, puts each photo's audit-log entry and inclusion
	// proof in the reports.
	Audit AuditLog
}

// Service renders reports.
type Service struct {
	projects Projects
	checks   Checks
	photos   Photos
	orders   Orders
	audit    AuditLog
	font     []byte
	zone     *time.Location
	now      func() time.Time
}

// NewService builds the service. A font that cannot be read or parsed is
// an error here, at start, rather than in every report.
func NewService(p Projects, c Checks, ph Photos, o Orders, opt Options) (*Service, error) {
	s := &Service{projects: p, checks: c, photos: ph, orders: o, audit: opt.Audit, font: defaultFont, zone: opt.Zone, now: opt.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.zone == nil {
		z, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("reports: county zone: %w", err)
		}
		s.zone = z
	}
	if opt.FontPath == "" {
		return s, nil
	}
	b, err := os.ReadFile(opt.FontPath)
	if err != nil {
		return nil, fmt.Errorf("reports: font: %w", err)
	}
	s.font = b
	// A font fpdf cannot parse (a .ttc, CFF outlines) would fail every
	// report; render one page now to refuse it at start. (The embedded
	// font is known good, and this costs a tenth of a second.)
	d := s.newDoc(i18n.Default)
	d.line("", "上坝村 Shangba")
	if err := d.pdf.Output(io.Discard); err != nil {
		return nil, fmt.Errorf("reports: font %q: %w", opt.FontPath, err)
	}
	return s, nil
}

// doc wraps fpdf with the report's few text styles, in one language.
type doc struct {
	pdf  *fpdf.Fpdf
	lang i18n.Lang
	zone *time.Location
	ev   evidence
}

const font = "report"

func (s *Service) newDoc(lang i18n.Lang) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	// Uncompressed text streams: reports are small and searchable text lets
	// anyone check a SHA-256 in the file with grep.
	pdf.SetCompression(false)
	pdf.AddUTF8FontFromBytes(font, "", s.font)
	d := &doc{pdf: pdf, lang: lang, zone: s.zone}
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(0, 6, d.t("report.footer", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return d
}

// t is a message of the catalog in the report's language.
func (d *doc) t(k i18n.Key, args ...any) string { return i18n.T(d.lang, k, args...) }

// v names an enumerated value in the report's language.
func (d *doc) v(kind string, value any) string { return i18n.Value(d.lang, kind, fmt.Sprint(value)) }

// at prints an instant in the county's zone, with its offset so a
// reader elsewhere still reads it right.
func (d *doc) at(t time.Time) string { return t.In(d.zone).Format("2006-01-02 15:04:05 -07:00") }

// zoneLine says once, near the top, in which zone the report's times are.
func (d *doc) zoneLine(now time.Time) {
	d.line(d.t("report.zone"), d.t("report.zone.value", d.zone.String(), now.In(d.zone).Format("-07:00")))
}

// printed says when and for whom the report was made.
func (d *doc) printed(now time.Time, p auth.Principal) {
	d.line(d.t("report.printed"), d.t("report.printed.value", d.at(now), d.v("role", p.Role), p.UserID))
	d.zoneLine(now)
}

func (d *doc) heading(size float64, text string) {
	d.pdf.SetFont(font, "", size)
	d.pdf.MultiCell(0, size*0.5, text, "", "L", false)
	d.pdf.Ln(1)
}

func (d *doc) line(label, value string) {
	d.pdf.SetFont(font, "", 9)
	d.pdf.CellFormat(45, 5, label, "", 0, "L", false, 0, "")
	d.pdf.MultiCell(0, 5, value, "", "L", false)
}

// mono prints a hash in a small fixed-width font so it stays on one line,
// whole, where a reader can compare it character by character (and find
// it in the file with grep: the core font writes it as plain ASCII).
func (d *doc) mono(label, value string) {
	d.pdf.SetFont(font, "", 9)
	d.pdf.CellFormat(45, 5, label, "", 0, "L", false, 0, "")
	d.pdf.SetFont("Courier", "", 6.5)
	d.pdf.CellFormat(0, 5, value, "", 1, "L", false, 0, "")
}

// para is a paragraph of running text.
func (d *doc) para(text string) {
	d.pdf.SetFont(font, "", 9)
	d.pdf.MultiCell(0, 5, text, "", "L", false)
	d.pdf.Ln(1)
}

// monoBlock prints a label, then value below it line by line, whole: an
// ASCII line in the fixed-width core font (so it can be copied and found
// with grep), any other (a signed note's "— " line) in the report's font.
func (d *doc) monoBlock(label, value string) {
	d.pdf.SetFont(font, "", 9)
	d.pdf.MultiCell(0, 5, label, "", "L", false)
	for _, l := range strings.Split(strings.TrimSuffix(value, "\n"), "\n") {
		if isASCII(l) {
			d.pdf.SetFont("Courier", "", 6.5)
		} else {
			d.pdf.SetFont(font, "", 6.5)
		}
		d.pdf.MultiCell(0, 3.2, l, "", "L", false)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// finish prints the audit appendix (when any photo has a proof) and writes
// the document.
func (s *Service) finish(d *doc, w io.Writer) error {
	s.appendix(d)
	return d.pdf.Output(w)
}

// ProjectReport writes the project's evidence report to w. Office, admin
// and inspectors may print one for any project they see.
// The report is in lang (labels and enumerated values; names are as
// entered), with times in the county's zone.
func (s *Service) ProjectReport(ctx context.Context, p auth.Principal, projectID string, lang i18n.Lang, w io.Writer) error {
	proj, err := s.projects.Get(ctx, p, projectID)
	if err != nil {
		return err
	}
	if err := policy.Reports(p); err != nil {
		return err
	}
	limit := MaxChecks
	pg, err := s.checks.ListForProject(ctx, p, projectID, checks.ListQuery{Limit: &limit})
	if err != nil {
		return err
	}
	d := s.newDoc(lang)
	d.heading(16, d.t("report.project.title", proj.Code, proj.Name))
	d.printed(s.now(), p)
	d.line(d.t("report.category"), d.v("category", proj.Category))
	d.line(d.t("report.township"), proj.Township)
	d.line(d.t("report.unit"), proj.Unit)
	d.line(d.t("report.contractor"), proj.Contractor.Name)
	d.line(d.t("report.status"), d.v("project_status", proj.Status))
	if proj.PlannedStart != nil && proj.PlannedEnd != nil {
		d.line(d.t("report.schedule"), d.t("report.schedule.value",
			proj.PlannedStart.Format(projects.DateLayout), proj.PlannedEnd.Format(projects.DateLayout)))
	}
	d.line(d.t("report.progress"), fmt.Sprintf("%.1f %%", proj.Progress.Percent))
	behind := d.t("report.no")
	if proj.BehindSchedule {
		behind = d.t("report.yes")
	}
	d.line(d.t("report.behind"), behind)
	d.pdf.Ln(3)

	d.heading(12, d.t("report.checks", len(pg.Checks)))
	for _, c := range pg.Checks {
		d.line(c.CapturedAt.In(d.zone).Format("2006-01-02 15:04 -07:00"), d.checkSummary(c))
	}
	d.pdf.Ln(3)
	d.heading(12, d.t("report.photos"))
	n := 0
	for _, c := range pg.Checks {
		phs, err := s.photos.List(ctx, p, c.ID)
		if err != nil {
			return err
		}
		for _, ph := range phs {
			if n == MaxPhotos {
				d.line("", d.t("report.photos.more", MaxPhotos))
				return s.finish(d, w)
			}
			n++
			if err := s.photo(ctx, p, d, d.t("report.of.check", c.ID), ph); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		d.line("", d.t("report.photos.none"))
	}
	return s.finish(d, w)
}

func (d *doc) checkSummary(c checks.Check) string {
	s := d.t("report.check.summary", d.v("check_type", c.Type), c.TemplateVersion, d.v("result", c.Result), d.v("role", c.AuthorRole), c.ID)
	if c.Placement != nil {
		s += d.t("report.check.at", c.Placement.Chainage, d.v("side", c.Placement.Side), c.Placement.OffsetM)
	}
	if len(c.Flags) > 0 {
		s += d.t("report.check.flags", strings.Join(c.Flags, ", "))
	}
	if st := c.State(); st != checks.StateFiled {
		s += ", " + d.v("check_state", st)
	}
	return s
}

// photo prints one photo: its thumbnail (when made) and the facts that
// make it evidence.
func (s *Service) photo(ctx context.Context, p auth.Principal, d *doc, of string, ph photos.Photo) error {
	thumb, ok, err := s.photos.ThumbnailBytes(ctx, p, ph.ID)
	if err != nil {
		return err
	}
	if d.pdf.GetY() > 230 {
		d.pdf.AddPage()
	}
	top := d.pdf.GetY()
	if ok {
		name := "thumb-" + ph.ID
		d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(thumb))
		d.pdf.ImageOptions(name, 10, top, 45, 0, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	d.pdf.SetLeftMargin(60)
	d.pdf.SetY(top)
	d.line(d.t("report.photo"), d.t("report.photo.of", ph.ID, of))
	d.line(d.t("report.captured"), d.taken(ph))
	d.line(d.t("report.location"), d.where(ph))
	if ph.ChainageM != nil && ph.OffsetM != nil {
		d.line(d.t("report.chainage"), d.t("report.chainage.value", geo.FormatChainage(*ph.ChainageM), d.v("side", ph.Side), *ph.OffsetM))
	}
	d.mono("SHA-256", ph.SHA256)
	d.line(d.t("report.received"), d.at(ph.CreatedAt))
	al, err := s.auditLine(ctx, d, ph.ID)
	if err != nil {
		return err
	}
	if al != "" {
		d.line(d.t("report.audit"), al)
	}
	d.pdf.SetLeftMargin(10)
	if y := top + 40; d.pdf.GetY() < y {
		d.pdf.SetY(y)
	}
	d.pdf.Ln(2)
	return d.pdf.Error()
}

// taken is the capture time the photo's own EXIF records, printed as the
// file says it (its own offset), not moved into the county's zone: it is
// the camera's word, which the report shows as evidence.
func (d *doc) taken(ph photos.Photo) string {
	if s, ok := cameraTime(ph.EXIF, d.t("report.captured.no_offset")); ok {
		return s
	}
	return d.t("report.captured.none")
}

func (d *doc) where(ph photos.Photo) string {
	if ph.EXIF.Lat != nil && ph.EXIF.Lon != nil {
		return fmt.Sprintf("%.6f, %.6f", *ph.EXIF.Lat, *ph.EXIF.Lon)
	}
	return d.t("report.location.none")
}
