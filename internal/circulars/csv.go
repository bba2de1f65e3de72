package circulars

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/fieldproof/fieldproof/internal/i18n"
)

// utf8BOM makes Excel read the file as UTF-8, so Chinese names open
// correctly instead of as mojibake in the system code page.
const utf8BOM = "\ufeff"

// cell defuses a text cell against formula injection: a cell that would
// start a formula (=, +, -, @, tab, CR) is prefixed with a quote, which
// spreadsheets show as text. Names come from people; numbers the server
// formats itself are left alone, so a negative gap stays a number.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes the circular as one CSV table, one row per line of the
// circular's tables: the headline figures (figure, value), then per unit
// its projects behind, missing and late reports and overdue orders, then
// the units ahead. Deadlines are dates in the county's zone. Column headers and names of tables and statuses are in
// lang. Rows go out as they are made (buffered), never the whole file at
// once.
func WriteCSV(w io.Writer, c Circular, m Meta, lang i18n.Lang) error {
	zone := m.zone()
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // as Excel writes CSV
	t := func(k string, args ...any) string { return i18n.T(lang, i18n.Key(k), args...) }
	header := []string{}
	for _, k := range []string{"section", "unit", "leader", "project_code", "project_name", "township", "status", "gap",
		"order", "deadline", "figure", "value"} {
		header = append(header, t("circular.csv."+k))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := func(section string, u Unit, code, name, township, status, gap, order, deadline, figure, value string) error {
		return cw.Write([]string{section, cell(u.Name), cell(u.Leader), cell(code), cell(name), cell(township), status, gap,
			cell(order), deadline, figure, value})
	}
	summary := t("circular.csv.summary")
	for _, fv := range figureList(c.Figures) {
		if err := row(summary, Unit{}, "", "", "", "", "", "", "", t("circular.fig."+fv.key), strconv.Itoa(fv.n)); err != nil {
			return err
		}
	}
	for _, u := range c.Units {
		for _, b := range u.Behind {
			if err := row(t("circular.unit.behind"), u.Unit, b.Code, b.Name, b.Township, t("circular.status."+string(b.Status)),
				strconv.FormatFloat(b.GapPoints, 'f', 1, 64), "", "", "", ""); err != nil {
				return err
			}
		}
		for _, r := range u.MissingReports {
			if err := row(t("circular.unit.missing"), u.Unit, r.Code, r.Name, r.Township, "", "", "", "", "", ""); err != nil {
				return err
			}
		}
		for _, r := range u.LateReports {
			if err := row(t("circular.unit.late"), u.Unit, r.Code, r.Name, r.Township, "", "", "", "", "", ""); err != nil {
				return err
			}
		}
		for _, o := range u.OverdueOrders {
			if err := row(t("circular.unit.overdue"), u.Unit, o.ProjectCode, o.ProjectName, "", "", "", o.Number,
				o.Deadline.In(zone).Format("2006-01-02"), "", ""); err != nil {
				return err
			}
		}
	}
	for _, a := range c.Ahead {
		if err := row(t("circular.csv.ahead"), a.Unit, "", "", "", "", "", "", "", "", strconv.Itoa(a.Projects)); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// figureValue is one headline figure with its catalog key.
type figureValue struct {
	key string
	n   int
}

// figureList is the headline figures in the order the circular prints
// them.
func figureList(f Figures) []figureValue {
	return []figureValue{
		{"projects", f.Projects}, {"on_schedule", f.OnSchedule}, {"behind", f.Behind}, {"stalled", f.Stalled},
		{"completed", f.Completed}, {"ahead", f.Ahead}, {"not_started", f.NotStarted},
		{"reports_due", f.ReportsDue}, {"reports_on_time", f.ReportsOnTime}, {"reports_late", f.ReportsLate},
		{"reports_missing", f.ReportsMissing},
		{"orders_opened", f.OrdersOpened}, {"orders_closed", f.OrdersClosed}, {"orders_overdue", f.OrdersOverdue},
		{"look_back_inspected", f.LookBackInspected}, {"look_back_findings", f.LookBackFindings},
	}
}

// FigureList is the headline figures in print order, each with its
// catalog key "circular.fig.<key>", for renderers.
func FigureList(f Figures) (keys []string, values []int) {
	for _, fv := range figureList(f) {
		keys, values = append(keys, fv.key), append(values, fv.n)
	}
	return keys, values
}
