package projectapi

import (
	"encoding/json"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type contractorJSON struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

type pointJSON struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
}

// toPoint requires both members: a missing one must not become 0°.
func (p pointJSON) toPoint(field string) (projects.Point, error) {
	v := errs.NewValidation(errs.KindInvalid)
	v.Check(p.Lat == nil, field+".lat", "required", "is required")
	v.Check(p.Lon == nil, field+".lon", "required", "is required")
	if err := v.Err(); err != nil {
		return projects.Point{}, err
	}
	return projects.Point{Lat: *p.Lat, Lon: *p.Lon}, nil
}

type routeJSON struct {
	Type        string      `json:"type"`
	Coordinates [][]float64 `json:"coordinates"`
}

func (r routeJSON) toGeoLine() projects.GeoLine {
	return projects.GeoLine{Type: r.Type, Coordinates: r.Coordinates}
}

type createProjectRequest struct {
	Code              string          `json:"code"`
	Name              string          `json:"name"`
	Category          string          `json:"category"`
	Township          string          `json:"township"`
	ResponsibleUnit   string          `json:"responsible_unit"`
	ResponsibleLeader string          `json:"responsible_leader"`
	Contractor        *contractorJSON `json:"contractor"`
	Budget            *json.Number    `json:"budget"`
	FundingSource     string          `json:"funding_source"`
	PlannedStart      *string         `json:"planned_start"`
	PlannedEnd        *string         `json:"planned_end"`
	Status            string          `json:"status"`
	TargetQuantity    *float64        `json:"target_quantity"`
	TargetUnit        string          `json:"target_unit"`
	Location          *pointJSON      `json:"location"`
	Route             *routeJSON      `json:"route"`
	GeofenceM         *int            `json:"geofence_m"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (r createProjectRequest) toNew() (projects.NewProject, error) {
	np := projects.NewProject{Code: r.Code, Name: r.Name, Category: projects.Category(r.Category),
		Township: r.Township, Unit: r.ResponsibleUnit, ResponsibleLeader: r.ResponsibleLeader,
		FundingSource: r.FundingSource, PlannedStart: str(r.PlannedStart), PlannedEnd: str(r.PlannedEnd),
		Status: projects.Status(r.Status), TargetQuantity: r.TargetQuantity, TargetUnit: r.TargetUnit,
		GeofenceM: r.GeofenceM}
	if r.Contractor != nil {
		np.Contractor = projects.Contractor{Name: r.Contractor.Name, Contact: r.Contractor.Contact}
	}
	if r.Budget != nil {
		np.Budget = r.Budget.String()
	}
	if r.Location != nil {
		p, err := r.Location.toPoint("location")
		if err != nil {
			return projects.NewProject{}, err
		}
		np.Location = &p
	}
	if r.Route != nil {
		g := r.Route.toGeoLine()
		np.Route = &g
	}
	return np, nil
}

type contractorPatch struct {
	Name    *string `json:"name"`
	Contact *string `json:"contact"`
}

// updateProjectRequest lists what PATCH may change. code is not here: it is
// fixed at creation (see projects.Update), and status has its own endpoint;
// the strict decoder answers either with 400 unknown_field.
type updateProjectRequest struct {
	Name              *string               `json:"name"`
	Category          *string               `json:"category"`
	Township          *string               `json:"township"`
	ResponsibleUnit   *string               `json:"responsible_unit"`
	ResponsibleLeader *string               `json:"responsible_leader"`
	Contractor        *contractorPatch      `json:"contractor"`
	Budget            nullable[json.Number] `json:"budget"`
	FundingSource     *string               `json:"funding_source"`
	PlannedStart      nullable[string]      `json:"planned_start"`
	PlannedEnd        nullable[string]      `json:"planned_end"`
	TargetQuantity    nullable[float64]     `json:"target_quantity"`
	TargetUnit        *string               `json:"target_unit"`
	Location          nullable[pointJSON]   `json:"location"`
	Route             nullable[routeJSON]   `json:"route"`
	GeofenceM         *int                  `json:"geofence_m"`
}

func (r updateProjectRequest) toUpdate() (projects.Update, error) {
	u := projects.Update{Name: r.Name, Township: r.Township, Unit: r.ResponsibleUnit,
		ResponsibleLeader: r.ResponsibleLeader, FundingSource: r.FundingSource, TargetUnit: r.TargetUnit,
		GeofenceM: r.GeofenceM, PlannedStart: projects.Optional[string](r.PlannedStart),
		PlannedEnd: projects.Optional[string](r.PlannedEnd), TargetQuantity: projects.Optional[float64](r.TargetQuantity)}
	if r.Category != nil {
		c := projects.Category(*r.Category)
		u.Category = &c
	}
	if r.Contractor != nil {
		u.ContractorName, u.ContractorContact = r.Contractor.Name, r.Contractor.Contact
	}
	u.Budget.Set = r.Budget.Set
	if r.Budget.Value != nil {
		s := r.Budget.Value.String()
		u.Budget.Value = &s
	}
	u.Location.Set = r.Location.Set
	if r.Location.Value != nil {
		p, err := r.Location.Value.toPoint("location")
		if err != nil {
			return projects.Update{}, err
		}
		u.Location.Value = &p
	}
	u.Route.Set = r.Route.Set
	if r.Route.Value != nil {
		g := r.Route.Value.toGeoLine()
		u.Route.Value = &g
	}
	return u, nil
}

type statusRequest struct {
	Status string `json:"status"`
}

type pointOut struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type routeOut struct {
	Type        string       `json:"type"`
	Coordinates [][2]float64 `json:"coordinates"`
}

type progressOut struct {
	Percent  float64  `json:"percent"`
	Quantity *float64 `json:"quantity"`
	Date     *string  `json:"date"` // null until the first report
}

// projectResponse is a project in a list. The route is left out (a road may
// have thousands of positions); has_route says whether GET /projects/{id}
// will return one.
type projectResponse struct {
	ID                string         `json:"id"`
	Code              string         `json:"code"`
	Name              string         `json:"name"`
	Category          string         `json:"category"`
	Township          string         `json:"township"`
	ResponsibleUnit   string         `json:"responsible_unit"`
	ResponsibleLeader string         `json:"responsible_leader"`
	Contractor        contractorJSON `json:"contractor"`
	Budget            *json.Number   `json:"budget"`
	FundingSource     string         `json:"funding_source"`
	PlannedStart      *string        `json:"planned_start"`
	PlannedEnd        *string        `json:"planned_end"`
	Status            string         `json:"status"`
	TargetQuantity    *float64       `json:"target_quantity"`
	TargetUnit        string         `json:"target_unit"`
	Location          *pointOut      `json:"location"`
	HasRoute          bool           `json:"has_route"`
	GeofenceM         int            `json:"geofence_m"`
	Progress          progressOut    `json:"progress"`
	ElapsedPercent    *float64       `json:"elapsed_percent"`
	BehindSchedule    bool           `json:"behind_schedule"`
	Schedule          *scheduleBrief `json:"schedule"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`
}

// scheduleBrief is a project's schedule status (序时进度) as lists show
// it: its worst indicator's status and gap; GET /projects/{id}/schedule
// has the indicators. Null where it was not computed.
type scheduleBrief struct {
	Status    string  `json:"status"`
	GapPoints float64 `json:"gap_points"`
}

// projectDetail is one project, with its route.
type projectDetail struct {
	projectResponse
	Route *routeOut `json:"route"`
}

func dateOut(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(projects.DateLayout)
	return &s
}

func toProjectResponse(p projects.Project) projectResponse {
	r := projectResponse{ID: p.ID, Code: p.Code, Name: p.Name, Category: string(p.Category), Township: p.Township,
		ResponsibleUnit: p.Unit, ResponsibleLeader: p.ResponsibleLeader,
		Contractor:    contractorJSON{Name: p.Contractor.Name, Contact: p.Contractor.Contact},
		FundingSource: p.FundingSource, PlannedStart: dateOut(p.PlannedStart), PlannedEnd: dateOut(p.PlannedEnd),
		Status: string(p.Status), TargetQuantity: p.TargetQuantity, TargetUnit: p.TargetUnit, HasRoute: p.HasRoute,
		GeofenceM:      p.GeofenceM,
		Progress:       progressOut{Percent: p.Progress.Percent, Quantity: p.Progress.Quantity, Date: dateOut(p.Progress.Date)},
		ElapsedPercent: p.ElapsedPercent, BehindSchedule: p.BehindSchedule, CreatedAt: p.CreatedAt.UTC(),
		UpdatedAt: p.UpdatedAt.UTC()}
	if p.Schedule != nil {
		r.Schedule = &scheduleBrief{Status: string(p.Schedule.Status), GapPoints: p.Schedule.GapPoints}
	}
	if p.BudgetCents != nil {
		// A JSON number with exactly two decimals, built from integer fen.
		n := json.Number(projects.FormatYuan(*p.BudgetCents))
		r.Budget = &n
	}
	if p.Location != nil {
		r.Location = &pointOut{Lat: p.Location.Lat, Lon: p.Location.Lon}
	}
	return r
}

func toProjectDetail(p projects.Project) projectDetail {
	d := projectDetail{projectResponse: toProjectResponse(p)}
	if len(p.Route) > 0 {
		d.Route = &routeOut{Type: "LineString", Coordinates: p.Route}
	}
	return d
}

type listResponse[T any] struct {
	Items []T `json:"items"`
}

type pageResponse struct {
	Items      []projectResponse `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// ProjectJSON is a project with its route as GET /projects/{id} shows it,
// for other handlers that embed projects (the phones' sync).
func ProjectJSON(p projects.Project) any { return toProjectDetail(p) }

// AssignmentJSON is an assignment as GET /projects/{id}/assignments shows it.
func AssignmentJSON(a projects.Assignment) any { return toAssignmentResponse(a) }
