package reviewapi

import (
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/params"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/review"
)

// orderFilter reads GET /orders' filters (without its paging).
func orderFilter(vals url.Values) (orders.ListQuery, error) {
	r := params.Read(vals, "status", "project_id", "unit_id", "severity", "overdue")
	q := orders.ListQuery{Status: r.String("status"), ProjectID: r.String("project_id"), UnitID: r.String("unit_id"),
		Severity: r.String("severity"), Overdue: r.Bool("overdue")}
	return q, r.Err()
}

var orderCSVHeader = []string{"number", "id", "project_code", "project_name", "township", "responsible_unit",
	"severity", "status", "overdue", "defect", "required_action", "failed_items", "source_check_id",
	"deadline", "created_at", "closed_at", "verification_check_id"}

func orderCSVRow(eo review.ExportedOrder) []string {
	closed := ""
	if eo.ClosedAt != nil {
		closed = eo.ClosedAt.UTC().Format(time.RFC3339)
	}
	overdue := "false"
	if eo.Overdue {
		overdue = "true"
	}
	// The office's internal notes are not exported: the file travels.
	return []string{cell(eo.Number), cell(eo.ID), cell(eo.Project.Code), cell(eo.Project.Name), cell(eo.Project.Township),
		cell(eo.Project.Unit), cell(string(eo.Severity)), cell(string(eo.Status)), overdue, cell(eo.Defect),
		cell(eo.RequiredAction), cell(strings.Join(eo.Items, ";")), cell(eo.SourceCheckID),
		eo.Deadline.UTC().Format(time.RFC3339), eo.CreatedAt.UTC().Format(time.RFC3339), closed, cell(eo.VerificationCheckID)}
}

// ordersCSV streams the orders matching GET /orders' filters as CSV.
func (h *handlers) ordersCSV(c *gin.Context) error {
	q, err := orderFilter(c.Request.URL.Query())
	if err != nil {
		return err
	}
	return streamCSV(c, "orders.csv", orderCSVHeader, func(row func([]string) error) error {
		return h.svc.ExportOrders(c.Request.Context(), mid.Principal(c), q, func(batch []review.ExportedOrder) error {
			return csvBatch(row, batch, orderCSVRow)
		})
	})
}

type orderPropsJSON struct {
	Number      string `json:"number"`
	ID          string `json:"id"`
	ProjectCode string `json:"project_code"`
	Township    string `json:"township"`
	Unit        string `json:"responsible_unit"`
	Severity    string `json:"severity"`
	Status      string `json:"status"`
	Overdue     bool   `json:"overdue"`
	Defect      string `json:"defect"`
	Deadline    string `json:"deadline"`
}

// openOrdersGeoJSON streams the open orders (issued, acknowledged or
// response submitted) matching the filters as points at their projects,
// for a web map or QGIS.
func (h *handlers) openOrdersGeoJSON(c *gin.Context) error {
	q, err := orderFilter(c.Request.URL.Query())
	if err != nil {
		return err
	}
	st := &stream{c: c, contentType: geoJSONType}
	fw := &featureWriter{st: st, w: c.Writer}
	err = h.svc.ExportOrders(c.Request.Context(), mid.Principal(c), q, func(batch []review.ExportedOrder) error {
		if err := fw.open(); err != nil {
			return err
		}
		for _, eo := range batch {
			if !eo.Status.Open() {
				continue
			}
			ft := featureJSON{ID: eo.ID, Properties: orderPropsJSON{Number: eo.Number, ID: eo.ID,
				ProjectCode: eo.Project.Code, Township: eo.Project.Township, Unit: eo.Project.Unit,
				Severity: string(eo.Severity), Status: string(eo.Status), Overdue: eo.Overdue, Defect: eo.Defect,
				Deadline: eo.Deadline.UTC().Format(time.RFC3339)}}
			if l := eo.Project.Location; l != nil {
				ft.Geometry = &geometryJSON{Type: "Point", Coordinates: [2]float64{l.Lon, l.Lat}}
			}
			if err := fw.write(ft); err != nil {
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
