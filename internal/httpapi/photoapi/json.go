package photoapi

import (
	"github.com/fieldproof/fieldproof/internal/httpapi/auditapi"

	"time"

	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// photoJSON is the API shape of a photo; the object key stays internal.
type photoJSON struct {
	ID              string       `json:"id"`
	CheckID         string       `json:"check_id"`
	ProjectID       string       `json:"project_id"`
	UploadedBy      string       `json:"uploaded_by"`
	SHA256          string       `json:"sha256"`
	SizeBytes       int64        `json:"size_bytes"`
	ContentType     string       `json:"content_type"`
	Width           int          `json:"width"`
	Height          int          `json:"height"`
	EXIF            exifJSON     `json:"exif"`
	Phone           phoneJSON    `json:"phone"`
	Flags           photos.Flags `json:"flags"`
	Placement       *placement   `json:"placement"`
	RenditionStatus string       `json:"rendition_status"`
	CreatedAt       time.Time    `json:"created_at"`
	// Audit is the upload's audit-log evidence; GET /photos/{id} only.
	Audit *auditJSON `json:"audit,omitempty"`
}

// auditJSON is the photo's upload entry in the audit log: its seq and
// inclusion proof once sealed (both null before, for about a second).
type auditJSON struct {
	Seq   *int64                  `json:"seq"`
	Proof *auditapi.InclusionJSON `json:"proof"`
}

// exifJSON is the API shape of what was read from the file. taken_at is
// only ever an instant: a camera that recorded no UTC offset gets no
// taken_at, only its wall clock in taken_at_local, so no client can read
// that clock as UTC.
type exifJSON struct {
	Lat          *float64   `json:"lat,omitempty"`
	Lon          *float64   `json:"lon,omitempty"`
	Altitude     *float64   `json:"altitude,omitempty"`
	TakenAt      *time.Time `json:"taken_at,omitempty"`
	TakenAtLocal *string    `json:"taken_at_local,omitempty"`
	OffsetKnown  bool       `json:"offset_known"`
	Make         string     `json:"make,omitempty"`
	Model        string     `json:"model,omitempty"`
	Orientation  int        `json:"orientation"`
	Warnings     []string   `json:"warnings,omitempty"`
}

func toEXIFJSON(e photos.EXIF) exifJSON {
	out := exifJSON{Lat: e.Lat, Lon: e.Lon, Altitude: e.Altitude, OffsetKnown: e.OffsetKnown, Make: e.Make,
		Model: e.Model, Orientation: e.Orientation, Warnings: e.Warnings}
	if t, ok := e.TakenInstant(); ok {
		out.TakenAt = &t
	}
	if s, ok := e.TakenLocal(); ok {
		out.TakenAtLocal = &s
	}
	return out
}

type phoneJSON struct {
	Lat     *float64   `json:"lat,omitempty"`
	Lon     *float64   `json:"lon,omitempty"`
	TakenAt *time.Time `json:"taken_at,omitempty"`
}

// placement is where along the project's road the photo's own GPS puts it,
// in the same shape as a check's.
type placement struct {
	ChainageM float64 `json:"chainage_m"`
	Chainage  string  `json:"chainage"`
	OffsetM   float64 `json:"offset_m"`
	Side      string  `json:"side"`
}

func toJSON(p photos.Photo) photoJSON {
	out := photoJSON{ID: p.ID, CheckID: p.ParentID, ProjectID: p.ProjectID, UploadedBy: p.UploadedBy,
		SHA256: p.SHA256, SizeBytes: p.SizeBytes, ContentType: p.ContentType, Width: p.Width, Height: p.Height,
		EXIF: toEXIFJSON(p.EXIF), Phone: phoneJSON{Lat: p.PhoneLat, Lon: p.PhoneLon, TakenAt: p.PhoneTime},
		Flags: p.Flags, RenditionStatus: p.RenditionStatus, CreatedAt: p.CreatedAt}
	if p.ChainageM != nil && p.OffsetM != nil {
		out.Placement = &placement{ChainageM: *p.ChainageM, Chainage: geo.FormatChainage(*p.ChainageM),
			OffsetM: *p.OffsetM, Side: p.Side}
	}
	return out
}
