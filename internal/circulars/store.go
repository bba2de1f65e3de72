package circulars

import (
	"context"
	"io"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Format is a circular's file format.
type Format string

// The formats: the document the office sends (PDF), the tables for a
// spreadsheet (CSV) and the figures for programs (JSON).
const (
	PDF  Format = "pdf"
	CSV  Format = "csv"
	JSON Format = "json"
)

// Formats lists every format, in the order a publication stores them.
var Formats = []Format{PDF, CSV, JSON}

// ContentType is the media type a format is served with.
func (f Format) ContentType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case CSV:
		return "text/csv; charset=utf-8"
	}
	return "application/json"
}

// File is one stored file of a published circular.
type File struct {
	Format      Format
	Key         string
	SHA256      string
	Size        int64
	ContentType string
}

// Published is a published circular as recorded.
type Published struct {
	ID      string
	Seq     int64
	Period  string
	Version int
	County  string
	AsOf    time.Time
	Figures Figures
	// SHA256 is the PDF's: the circular's own hash.
	SHA256      string
	Files       []File
	PublishedBy string
	PublishedAt time.Time
}

// File returns the stored file of format f.
func (p Published) File(f Format) (File, bool) {
	for _, x := range p.Files {
		if x.Format == f {
			return x, true
		}
	}
	return File{}, false
}

// Store keeps the published circulars. Insert joins the transaction InTx
// hands its fn.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// LastVersion is the highest version published for period (0: none).
	LastVersion(ctx context.Context, period string) (int, error)
	// Insert adds a publication; a taken (period, version) or id is
	// errs.ErrConflict.
	Insert(ctx context.Context, c Published) error
	Get(ctx context.Context, id string) (Published, error)
	// List returns up to limit publications before beforeSeq (0: from the
	// newest), newest first; period "" lists every period.
	List(ctx context.Context, period string, beforeSeq int64, limit int) ([]Published, error)
}

// Gatherer collects a period's facts; the service adds the county name
// and the date. at is the instant whose schedule status the circular
// reports (the end of the period, or now while it runs).
type Gatherer interface {
	Gather(ctx context.Context, period Period, at time.Time) (Input, error)
}

// Renderer draws a circular as a PDF (internal/reports implements it with
// the evidence reports' Chinese font).
type Renderer interface {
	CircularPDF(c Circular, m Meta, lang i18n.Lang, w io.Writer) error
}

// Meta is what a document says about itself beyond the figures: its
// version (0 for a preview) and when it was made.
type Meta struct {
	Version int
	Made    time.Time
	Zone    *time.Location
}

func (m Meta) zone() *time.Location {
	if m.Zone == nil {
		return time.UTC
	}
	return m.Zone
}

// Auditor records writes in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// Jobs enqueues background work in the caller's transaction.
type Jobs interface {
	Enqueue(ctx context.Context, j jobs.Job, now time.Time) error
}

// The sources the default gatherer (Sources) reads. Each is a bulk query
// (a few per circular whatever the number of projects), never one per
// project.

// Programme reads the county's facts for a period straight from the
// database (internal/circulars/circularsdb).
type Programme interface {
	// Units lists every responsible unit with its leader.
	Units(ctx context.Context) ([]Unit, error)
	// Projects lists the programme's projects in a period: those under
	// construction, and those whose planned window meets [from, to]
	// (dates, inclusive).
	Projects(ctx context.Context, from, to time.Time) ([]projects.Project, error)
	// Orders counts the orders issued and closed in [start, end) and
	// lists those still open at overdueAt with their deadline before it.
	Orders(ctx context.Context, start, end, overdueAt time.Time) (opened, closed int, overdue []OverdueOrder, err error)
	// LookBack counts the look-back inspections filed in [start, end)
	// and those that failed (a finding).
	LookBack(ctx context.Context, start, end time.Time) (inspected, findings int, err error)
}

// Schedule is a project's schedule status and gap at a date.
type Schedule struct {
	Status    ScheduleStatus
	GapPoints float64
}

// Schedules judges projects' time-proportional progress at a date (wired
// to internal/projects' indicators and ScheduleOf).
type Schedules interface {
	SchedulesOf(ctx context.Context, ps []projects.Project, at time.Time) (map[string]Schedule, error)
}

// Reports says, for a period, which projects owed a monthly report and
// whether it came on time, late or not at all (wired to internal/monthly's
// period status). programme is the circular's project list, for a source
// that needs it.
type Reports interface {
	ReportsOf(ctx context.Context, period Period, programme []projects.Project) ([]ReportFacts, error)
}
