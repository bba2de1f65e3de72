package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/go-pdf/fpdf"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/i18n"
)

// CircularPDF draws the monthly supervision circular (督查通报) on A4 in
// lang, with the evidence reports' embedded CJK font: the title with the
// county's name and the period, the headline figures, two bar charts the
// office would otherwise draw by hand (projects by schedule status, and
// projects behind schedule by unit), the tables of each unit with a
// problem under its responsible leader's name, and the units commended.
// The document is laid out whole before the first byte goes to w.
func (s *Service) CircularPDF(c circulars.Circular, m circulars.Meta, lang i18n.Lang, w io.Writer) error {
	zone := m.Zone
	if zone == nil {
		zone = s.zone
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.AddUTF8FontFromBytes(font, "", s.font)
	d := &doc{pdf: pdf, lang: lang, zone: zone}
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(0, 6, d.t("circular.footer", c.County, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont(font, "", 18)
	pdf.MultiCell(0, 9, d.t("circular.title", c.County), "", "C", false)
	sub := d.t("circular.period", c.Period.Year, int(c.Period.Month)) + "　"
	if m.Version > 0 {
		sub += d.t("circular.version", m.Version)
	} else {
		sub += d.t("circular.preview")
	}
	pdf.SetFont(font, "", 11)
	pdf.MultiCell(0, 6, sub, "", "C", false)
	pdf.SetFont(font, "", 9)
	pdf.MultiCell(0, 5, d.t("circular.as_of", c.At.Format("2006-01-02"))+"　"+
		d.t("circular.made", m.Made.In(zone).Format("2006-01-02 15:04 -07:00")), "", "C", false)
	pdf.Ln(4)

	d.heading(13, d.t("circular.headline"))
	keys, values := circulars.FigureList(c.Figures)
	for i := range keys {
		// Two figures a line: label, value; label, value.
		pdf.SetFont(font, "", 10)
		pdf.CellFormat(55, 6, d.t(i18n.Key("circular.fig."+keys[i])), "1", 0, "L", false, 0, "")
		pdf.CellFormat(30, 6, strconv.Itoa(values[i]), "1", 0, "R", false, 0, "")
		if i%2 == 0 {
			pdf.CellFormat(5, 6, "", "", 0, "", false, 0, "")
		} else {
			pdf.Ln(-1)
		}
	}
	if len(keys)%2 == 1 {
		pdf.Ln(-1)
	}
	pdf.Ln(4)

	f := c.Figures
	d.heading(11, d.t("circular.chart.status"))
	d.bars([]bar{
		{d.t("circular.fig.on_schedule"), f.OnSchedule}, {d.t("circular.fig.behind"), f.Behind},
		{d.t("circular.fig.stalled"), f.Stalled}, {d.t("circular.fig.completed"), f.Completed},
		{d.t("circular.fig.ahead"), f.Ahead}, {d.t("circular.fig.not_started"), f.NotStarted},
	})
	pdf.Ln(3)
	d.heading(11, d.t("circular.chart.behind"))
	var behind []bar
	for _, u := range c.Units {
		if len(u.Behind) > 0 {
			behind = append(behind, bar{u.Name, len(u.Behind)})
		}
	}
	slices.SortStableFunc(behind, func(a, b bar) int { return cmp.Compare(b.n, a.n) })
	if len(behind) == 0 {
		d.line("", d.t("circular.chart.none"))
	}
	d.bars(behind)
	pdf.Ln(4)

	d.heading(13, d.t("circular.units"))
	listed := false
	for _, u := range c.Units {
		if !u.HasIssues() {
			continue
		}
		listed = true
		d.unitSection(u)
	}
	if !listed {
		d.line("", d.t("circular.units.none"))
	}
	pdf.Ln(3)
	d.heading(13, d.t("circular.ahead"))
	for _, a := range c.Ahead {
		d.item(d.t("circular.ahead.item", a.Name, d.leader(a.Leader), a.Projects))
	}
	if len(c.Ahead) == 0 {
		d.line("", d.t("circular.ahead.none"))
	}
	return pdf.Output(w)
}

func (d *doc) leader(name string) string {
	if name == "" {
		return d.t("circular.unit.noleader")
	}
	return name
}

// unitSection prints one unit's problems under its name and leader.
func (d *doc) unitSection(u circulars.UnitSection) {
	if d.pdf.GetY() > 250 {
		d.pdf.AddPage()
	}
	d.heading(11, d.t("circular.unit.heading", u.Name, d.leader(u.Leader)))
	if len(u.Behind) > 0 {
		d.sub(d.t("circular.unit.behind"), len(u.Behind))
		for _, b := range u.Behind {
			d.item(fmt.Sprintf("%s %s（%s，%s）%s", b.Code, b.Name, b.Township,
				d.t(i18n.Key("circular.status."+string(b.Status))), d.t("circular.unit.gap", -b.GapPoints)))
		}
	}
	if len(u.MissingReports) > 0 {
		d.sub(d.t("circular.unit.missing"), len(u.MissingReports))
		for _, r := range u.MissingReports {
			d.item(fmt.Sprintf("%s %s（%s）", r.Code, r.Name, r.Township))
		}
	}
	if len(u.LateReports) > 0 {
		d.sub(d.t("circular.unit.late"), len(u.LateReports))
		for _, r := range u.LateReports {
			d.item(fmt.Sprintf("%s %s（%s）", r.Code, r.Name, r.Township))
		}
	}
	if len(u.OverdueOrders) > 0 {
		d.sub(d.t("circular.unit.overdue"), len(u.OverdueOrders))
		for _, o := range u.OverdueOrders {
			d.item(fmt.Sprintf("%s %s %s，%s", o.Number, o.ProjectCode, o.ProjectName,
				d.t("circular.unit.deadline", o.Deadline.In(d.zone).Format("2006-01-02"))))
		}
	}
	d.pdf.Ln(2)
}

func (d *doc) sub(title string, n int) {
	d.pdf.SetFont(font, "", 10)
	d.pdf.CellFormat(0, 6, fmt.Sprintf("%s（%d）", title, n), "", 1, "L", false, 0, "")
}

func (d *doc) item(text string) {
	d.pdf.SetFont(font, "", 9)
	d.pdf.SetX(16)
	d.pdf.MultiCell(0, 5, "· "+text, "", "L", false)
}

// bar is one bar of a chart: a label and a count.
type bar struct {
	label string
	n     int
}

// bars draws a horizontal bar chart: the label, a bar as long as its
// share of the largest count, and the count after it — the chart the
// office draws by hand for the circular.
func (d *doc) bars(bs []bar) {
	most := 0
	for _, b := range bs {
		most = max(most, b.n)
	}
	const labelW, barW, h = 50.0, 110.0, 6.0
	d.pdf.SetFillColor(70, 110, 170)
	for _, b := range bs {
		if d.pdf.GetY() > 270 {
			d.pdf.AddPage()
		}
		x, y := d.pdf.GetX(), d.pdf.GetY()
		d.pdf.SetFont(font, "", 9)
		d.pdf.CellFormat(labelW, h, b.label, "", 0, "R", false, 0, "")
		w := 0.0
		if most > 0 {
			w = barW * float64(b.n) / float64(most)
		}
		if w > 0 {
			d.pdf.Rect(x+labelW+2, y+1, w, h-2, "F")
		}
		d.pdf.SetXY(x+labelW+4+w, y)
		d.pdf.CellFormat(20, h, strconv.Itoa(b.n), "", 1, "L", false, 0, "")
	}
}
