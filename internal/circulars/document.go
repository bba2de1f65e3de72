package circulars

import (
	"encoding/json"
	"io"
	"time"
)

// The JSON form of a circular: the document a program reads, and the bytes
// a publication stores. Its shape is the API's Circular schema
// (api/openapi.yaml); it is written here, not in the HTTP layer, because
// a published circular's JSON is a stored file like its PDF, made once by
// the service and served unchanged.

type docFigures struct {
	Projects          int `json:"projects"`
	OnSchedule        int `json:"on_schedule"`
	Behind            int `json:"behind"`
	Stalled           int `json:"stalled"`
	Completed         int `json:"completed"`
	Ahead             int `json:"ahead"`
	NotStarted        int `json:"not_started"`
	ReportsDue        int `json:"reports_due"`
	ReportsOnTime     int `json:"reports_on_time"`
	ReportsLate       int `json:"reports_late"`
	ReportsMissing    int `json:"reports_missing"`
	OrdersOpened      int `json:"orders_opened"`
	OrdersClosed      int `json:"orders_closed"`
	OrdersOverdue     int `json:"orders_overdue"`
	LookBackInspected int `json:"look_back_inspected"`
	LookBackFindings  int `json:"look_back_findings"`
}

type docProject struct {
	ProjectID string   `json:"project_id"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Township  string   `json:"township"`
	Status    string   `json:"status,omitempty"`
	GapPoints *float64 `json:"gap_points,omitempty"`
}

type docOrder struct {
	OrderID     string `json:"order_id"`
	Number      string `json:"number"`
	ProjectCode string `json:"project_code"`
	ProjectName string `json:"project_name"`
	Deadline    string `json:"deadline"`
}

type docUnit struct {
	UnitID         string       `json:"unit_id"`
	Unit           string       `json:"unit"`
	Leader         string       `json:"leader"`
	Projects       int          `json:"projects"`
	Behind         []docProject `json:"behind"`
	MissingReports []docProject `json:"missing_reports"`
	LateReports    []docProject `json:"late_reports"`
	OverdueOrders  []docOrder   `json:"overdue_orders"`
}

type docAhead struct {
	UnitID   string `json:"unit_id"`
	Unit     string `json:"unit"`
	Leader   string `json:"leader"`
	Projects int    `json:"projects"`
}

type document struct {
	County  string     `json:"county"`
	Period  string     `json:"period"`
	AsOf    string     `json:"as_of"`
	Version int        `json:"version"`
	Made    time.Time  `json:"generated_at"`
	Figures docFigures `json:"figures"`
	Units   []docUnit  `json:"units"`
	Ahead   []docAhead `json:"ahead"`
}

func figuresDoc(f Figures) docFigures { return docFigures(f) }

func refsDoc(rs []ProjectRef) []docProject {
	out := make([]docProject, len(rs))
	for i, r := range rs {
		out[i] = docProject{ProjectID: r.ProjectID, Code: r.Code, Name: r.Name, Township: r.Township}
	}
	return out
}

// WriteJSON writes the circular's JSON document to w. Deadlines are
// written as instants (RFC 3339, UTC).
func WriteJSON(w io.Writer, c Circular, m Meta) error {
	d := document{County: c.County, Period: c.Period.String(), AsOf: c.At.Format("2006-01-02"), Version: m.Version,
		Made: m.Made.UTC(), Figures: figuresDoc(c.Figures), Units: make([]docUnit, len(c.Units)),
		Ahead: make([]docAhead, len(c.Ahead))}
	for i, u := range c.Units {
		du := docUnit{UnitID: u.ID, Unit: u.Name, Leader: u.Leader, Projects: u.Projects,
			Behind: make([]docProject, len(u.Behind)), MissingReports: refsDoc(u.MissingReports),
			LateReports: refsDoc(u.LateReports), OverdueOrders: make([]docOrder, len(u.OverdueOrders))}
		for j, b := range u.Behind {
			gap := b.GapPoints
			du.Behind[j] = docProject{ProjectID: b.ProjectID, Code: b.Code, Name: b.Name, Township: b.Township,
				Status: string(b.Status), GapPoints: &gap}
		}
		for j, o := range u.OverdueOrders {
			du.OverdueOrders[j] = docOrder{OrderID: o.ID, Number: o.Number, ProjectCode: o.ProjectCode,
				ProjectName: o.ProjectName, Deadline: o.Deadline.UTC().Format(time.RFC3339)}
		}
		d.Units[i] = du
	}
	for i, a := range c.Ahead {
		d.Ahead[i] = docAhead{UnitID: a.ID, Unit: a.Name, Leader: a.Leader, Projects: a.Projects}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}
