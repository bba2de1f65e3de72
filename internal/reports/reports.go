// Package reports renders evidence reports as PDF: a project's facts, its
// checks in order, and every photo with its capture time, location,
// chainage and SHA-256 — what the office files with a rectification order
// or hands to an auditor. It reads only through the services, so a report
// shows exactly what its reader may see.
package reports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/geo"
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

// Service renders reports.
type Service struct {
	projects Projects
	checks   Checks
	photos   Photos
	orders   Orders
	// FontPath is a TrueType font with the county's script (e.g. Noto Sans
	// SC for Chinese names); empty uses the PDF core font, which shows
	// characters outside Latin-1 as "?".
	fontPath string
	now      func() time.Time
}

// NewService builds the service.
func NewService(p Projects, c Checks, ph Photos, o Orders, fontPath string, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{projects: p, checks: c, photos: ph, orders: o, fontPath: fontPath, now: now}
}

// doc wraps fpdf with the report's few text styles.
type doc struct {
	pdf  *fpdf.Fpdf
	font string
	tr   func(string) string
}

func (s *Service) newDoc() *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	// Uncompressed text streams: reports are small and searchable text lets
	// anyone check a SHA-256 in the file with grep.
	pdf.SetCompression(false)
	d := &doc{pdf: pdf, font: "Helvetica", tr: pdf.UnicodeTranslatorFromDescriptor("")}
	if s.fontPath != "" {
		pdf.AddUTF8Font("report", "", s.fontPath)
		d.font, d.tr = "report", func(s string) string { return s }
	}
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(d.font, "", 8)
		pdf.CellFormat(0, 6, fmt.Sprintf("fieldproof evidence report - page %d", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return d
}

func (d *doc) heading(size float64, text string) {
	d.pdf.SetFont(d.font, "", size)
	d.pdf.MultiCell(0, size*0.5, d.tr(text), "", "L", false)
	d.pdf.Ln(1)
}

func (d *doc) line(label, value string) {
	d.pdf.SetFont(d.font, "", 9)
	d.pdf.CellFormat(45, 5, d.tr(label), "", 0, "L", false, 0, "")
	d.pdf.MultiCell(0, 5, d.tr(value), "", "L", false)
}

// mono prints a hash in a small fixed-width font so it stays on one line,
// whole, where a reader can compare it character by character.
func (d *doc) mono(label, value string) {
	d.pdf.SetFont(d.font, "", 9)
	d.pdf.CellFormat(45, 5, d.tr(label), "", 0, "L", false, 0, "")
	d.pdf.SetFont("Courier", "", 6.5)
	d.pdf.CellFormat(0, 5, value, "", 1, "L", false, 0, "")
}

// ProjectReport writes the project's evidence report to w. Office, admin
// and inspectors may print one for any project they see.
func (s *Service) ProjectReport(ctx context.Context, p auth.Principal, projectID string, w io.Writer) error {
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
	d := s.newDoc()
	d.heading(16, fmt.Sprintf("Evidence report: %s %s", proj.Code, proj.Name))
	d.line("Printed", s.now().UTC().Format(time.RFC3339)+" for "+string(p.Role)+" "+p.UserID)
	d.line("Category", string(proj.Category))
	d.line("Township", proj.Township)
	d.line("Responsible unit", proj.Unit)
	d.line("Contractor", proj.Contractor.Name)
	d.line("Status", string(proj.Status))
	if proj.PlannedStart != nil && proj.PlannedEnd != nil {
		d.line("Schedule", proj.PlannedStart.Format(projects.DateLayout)+" to "+proj.PlannedEnd.Format(projects.DateLayout))
	}
	d.line("Progress", fmt.Sprintf("%.1f %%", proj.Progress.Percent))
	d.line("Behind schedule", fmt.Sprint(proj.BehindSchedule))
	d.pdf.Ln(3)

	d.heading(12, fmt.Sprintf("Checks (%d, newest first)", len(pg.Checks)))
	for _, c := range pg.Checks {
		d.line(c.CapturedAt.Format("2006-01-02 15:04 -07:00"), checkSummary(c))
	}
	d.pdf.Ln(3)
	d.heading(12, "Photos")
	n := 0
	for _, c := range pg.Checks {
		phs, err := s.photos.List(ctx, p, c.ID)
		if err != nil {
			return err
		}
		for _, ph := range phs {
			if n == MaxPhotos {
				d.line("", fmt.Sprintf("(more photos not shown; the report shows the newest %d)", MaxPhotos))
				return d.pdf.Output(w)
			}
			n++
			if err := s.photo(ctx, p, d, "check "+c.ID, ph); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		d.line("", "no photos")
	}
	return d.pdf.Output(w)
}

func checkSummary(c checks.Check) string {
	s := fmt.Sprintf("%s v%d: %s, by %s (check %s)", c.Type, c.TemplateVersion, strings.ToUpper(string(c.Result)), c.AuthorRole, c.ID)
	if c.Placement != nil {
		s += fmt.Sprintf(", at %s %s %.0f m", c.Placement.Chainage, c.Placement.Side, c.Placement.OffsetM)
	}
	if len(c.Flags) > 0 {
		s += ", flags: " + strings.Join(c.Flags, ", ")
	}
	if c.State() != checks.StateFiled {
		s += ", " + c.State()
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
	d.line("Photo", ph.ID+" of "+of)
	taken := "not recorded"
	if s, ok := cameraTime(ph.EXIF); ok {
		taken = s
	}
	d.line("Captured (EXIF)", taken)
	where := "no GPS in the file"
	if ph.EXIF.Lat != nil && ph.EXIF.Lon != nil {
		where = fmt.Sprintf("%.6f, %.6f", *ph.EXIF.Lat, *ph.EXIF.Lon)
	}
	d.line("Location (EXIF)", where)
	if ph.ChainageM != nil && ph.OffsetM != nil {
		d.line("Chainage", fmt.Sprintf("%s %s %.0f m", geo.FormatChainage(*ph.ChainageM), ph.Side, *ph.OffsetM))
	}
	d.mono("SHA-256", ph.SHA256)
	d.line("Received", ph.CreatedAt.UTC().Format(time.RFC3339))
	d.pdf.SetLeftMargin(10)
	if y := top + 40; d.pdf.GetY() < y {
		d.pdf.SetY(y)
	}
	d.pdf.Ln(2)
	return d.pdf.Error()
}
