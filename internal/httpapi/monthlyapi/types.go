package monthlyapi

import (
	"strconv"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
)

type valueJSON struct {
	IndicatorID string   `json:"indicator_id"`
	Value       *float64 `json:"value"`
}

type photoRefJSON struct {
	PointID string `json:"point_id"`
	PhotoID string `json:"photo_id"`
	Caption string `json:"caption"`
}

// contentRequest is the body of an edit, and the content of a create.
type contentRequest struct {
	Values        []valueJSON    `json:"values"`
	Narrative     string         `json:"narrative"`
	Problems      string         `json:"problems"`
	HelpRequested string         `json:"help_requested"`
	Photos        []photoRefJSON `json:"photos"`
}

type createRequest struct {
	ID        string `json:"id"`
	ProjectID string `json:"project_id"`
	Period    string `json:"period"`
	contentRequest
}

func (r contentRequest) toDomain() (monthly.Content, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	c := monthly.Content{Narrative: r.Narrative, Problems: r.Problems, HelpRequested: r.HelpRequested}
	for i, x := range r.Values {
		if x.Value == nil {
			v.Add("values["+strconv.Itoa(i)+"].value", "required", "value is required")
			continue
		}
		c.Values = append(c.Values, monthly.IndicatorValue{IndicatorID: x.IndicatorID, Value: *x.Value})
	}
	for _, ph := range r.Photos {
		c.Photos = append(c.Photos, monthly.ReportPhoto{PointID: ph.PointID, PhotoID: ph.PhotoID, Caption: ph.Caption})
	}
	return c, v.Err()
}

type reportValueJSON struct {
	IndicatorID string   `json:"indicator_id"`
	Value       float64  `json:"value"`
	Flags       []string `json:"flags"`
}

type urlsJSON struct {
	Original  string `json:"original"`
	Preview   string `json:"preview"`
	Thumbnail string `json:"thumbnail"`
}

type storedPhotoJSON struct {
	ID              string     `json:"id"`
	SHA256          string     `json:"sha256"`
	ContentType     string     `json:"content_type"`
	Width           int        `json:"width"`
	Height          int        `json:"height"`
	Lat             *float64   `json:"lat"`
	Lon             *float64   `json:"lon"`
	TakenAt         *time.Time `json:"taken_at"`
	RenditionStatus string     `json:"rendition_status"`
	URLs            urlsJSON   `json:"urls"`
	UploadedBy      string     `json:"uploaded_by"`
	CreatedAt       time.Time  `json:"created_at"`
}

func toStoredJSON(ph photos.Photo) storedPhotoJSON {
	base := "/api/v1/photos/" + ph.ID + "/"
	out := storedPhotoJSON{ID: ph.ID, SHA256: ph.SHA256, ContentType: ph.ContentType, Width: ph.Width, Height: ph.Height,
		Lat: ph.EXIF.Lat, Lon: ph.EXIF.Lon, RenditionStatus: ph.RenditionStatus,
		URLs:       urlsJSON{Original: base + photos.Original, Preview: base + photos.Preview, Thumbnail: base + photos.Thumbnail},
		UploadedBy: ph.UploadedBy, CreatedAt: ph.CreatedAt}
	if t, ok := ph.EXIF.TakenInstant(); ok {
		out.TakenAt = &t
	}
	return out
}

type reportPhotoJSON struct {
	PointID string           `json:"point_id"`
	PhotoID string           `json:"photo_id"`
	Caption string           `json:"caption"`
	Flags   []string         `json:"flags"`
	Stored  *storedPhotoJSON `json:"stored"`
}

type returnedJSON struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

type acceptedJSON struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

type reportJSON struct {
	ID            string            `json:"id"`
	ProjectID     string            `json:"project_id"`
	Period        string            `json:"period"`
	State         string            `json:"state"`
	Values        []reportValueJSON `json:"values"`
	Narrative     string            `json:"narrative"`
	Problems      string            `json:"problems"`
	HelpRequested string            `json:"help_requested"`
	Photos        []reportPhotoJSON `json:"photos"`
	Flags         []string          `json:"flags"`
	AuthorID      string            `json:"author_id"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	SubmittedAt   *time.Time        `json:"submitted_at"`
	ResubmittedAt *time.Time        `json:"resubmitted_at"`
	Returned      *returnedJSON     `json:"returned"`
	Accepted      *acceptedJSON     `json:"accepted"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toReportJSON(r monthly.Report) reportJSON {
	out := reportJSON{ID: r.ID, ProjectID: r.ProjectID, Period: string(r.Period), State: string(r.State),
		Values: []reportValueJSON{}, Narrative: r.Narrative, Problems: r.Problems, HelpRequested: r.HelpRequested,
		Photos: []reportPhotoJSON{}, Flags: nonNil(r.Flags()), AuthorID: r.AuthorID, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, ResubmittedAt: r.ResubmittedAt}
	for _, v := range r.Values {
		out.Values = append(out.Values, reportValueJSON{IndicatorID: v.IndicatorID, Value: v.Value, Flags: nonNil(v.Flags)})
	}
	for _, ph := range r.Photos {
		pj := reportPhotoJSON{PointID: ph.PointID, PhotoID: ph.PhotoID, Caption: ph.Caption, Flags: nonNil(r.PhotoFlags[ph.PhotoID])}
		if st, ok := r.Stored[ph.PhotoID]; ok {
			sj := toStoredJSON(st)
			pj.Stored = &sj
		}
		out.Photos = append(out.Photos, pj)
	}
	if r.ReturnedAt != nil {
		out.Returned = &returnedJSON{Reason: r.ReturnReason, By: r.ReturnedBy, At: *r.ReturnedAt}
	}
	if r.AcceptedAt != nil {
		out.Accepted = &acceptedJSON{By: r.AcceptedBy, At: *r.AcceptedAt}
	}
	return out
}

type pointRequest struct {
	Name    string   `json:"name"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
	Bearing *float64 `json:"bearing"`
	Note    string   `json:"note"`
}

type pointJSON struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"project_id"`
	Name      string    `json:"name"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	Bearing   float64   `json:"bearing"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toPointJSON(p monthly.Point) pointJSON {
	return pointJSON{ID: p.ID, ProjectID: p.ProjectID, Name: p.Name, Lat: p.Lat, Lon: p.Lon, Bearing: p.Bearing,
		Note: p.Note, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
}

type seriesEntryJSON struct {
	Period   string          `json:"period"`
	ReportID string          `json:"report_id"`
	State    string          `json:"state"`
	Caption  string          `json:"caption"`
	Flags    []string        `json:"flags"`
	Photo    storedPhotoJSON `json:"photo"`
}

type seriesJSON struct {
	Point   pointJSON         `json:"point"`
	Entries []seriesEntryJSON `json:"entries"`
}

type projectReportJSON struct {
	ProjectID   string     `json:"project_id"`
	ProjectCode string     `json:"project_code"`
	ProjectName string     `json:"project_name"`
	UnitID      string     `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	TownshipID  string     `json:"township_id"`
	Township    string     `json:"township"`
	ReportID    *string    `json:"report_id"`
	State       string     `json:"state"`
	Standing    string     `json:"standing"`
	SubmittedAt *time.Time `json:"submitted_at"`
	Late        bool       `json:"late"`
	Flags       []string   `json:"flags"`
}

type countJSON struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Projects       int    `json:"projects"`
	OnTime         int    `json:"on_time"`
	Late           int    `json:"late"`
	Missing        int    `json:"missing"`
	OverdueMissing int    `json:"overdue_missing"`
	Submitted      int    `json:"submitted"`
	Returned       int    `json:"returned"`
	Accepted       int    `json:"accepted"`
}

type statusJSON struct {
	Period     string              `json:"period"`
	DueAt      time.Time           `json:"due_at"`
	Closed     bool                `json:"closed"`
	Projects   []projectReportJSON `json:"projects"`
	ByUnit     []countJSON         `json:"by_unit"`
	ByTownship []countJSON         `json:"by_township"`
}

func counts(cs []monthly.StatusCount) []countJSON {
	out := make([]countJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, countJSON{ID: c.ID, Name: c.Name, Projects: c.Projects, OnTime: c.OnTime, Late: c.Late,
			Missing: c.Missing, OverdueMissing: c.OverdueMissing, Submitted: c.Submitted, Returned: c.Returned,
			Accepted: c.Accepted})
	}
	return out
}

func toStatusJSON(st monthly.PeriodStatus) statusJSON {
	out := statusJSON{Period: string(st.Period), DueAt: st.DueAt, Closed: st.Closed,
		Projects: make([]projectReportJSON, 0, len(st.Projects)), ByUnit: counts(st.ByUnit), ByTownship: counts(st.ByTownship)}
	for _, pr := range st.Projects {
		pj := projectReportJSON{ProjectID: pr.ProjectID, ProjectCode: pr.ProjectCode, ProjectName: pr.ProjectName,
			UnitID: pr.UnitID, UnitName: pr.UnitName, TownshipID: pr.TownshipID, Township: pr.Township,
			State: string(pr.State), Standing: pr.Standing(), SubmittedAt: pr.SubmittedAt, Late: pr.Late, Flags: nonNil(pr.Flags)}
		if pr.ReportID != "" {
			id := pr.ReportID
			pj.ReportID = &id
		}
		out.Projects = append(out.Projects, pj)
	}
	return out
}
