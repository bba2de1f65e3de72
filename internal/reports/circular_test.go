package reports

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/testenv"
)

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(testenv.Tool(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}

// The circular's PDF reads, as a person copying from it would, the county,
// the period and version, every headline figure with its Chinese label,
// the unit with its leader, the project behind with its gap, the missing
// report, the overdue order with its deadline in the county's zone, the
// chart titles and bars' counts, and the commended unit.
func TestCircularPDFSpeaksChinese(t *testing.T) {
	s, err := NewService(nil, nil, nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 6, 9, 16, 30, 0, 0, time.UTC) // 2026-06-10 00:30 in Beijing
	c := circulars.Compute(circulars.Input{
		County: "青山县", Period: circulars.Period{Year: 2026, Month: time.June}, At: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		Units: []circulars.Unit{{ID: "t", Name: "县交通运输局", Leader: "王强"}, {ID: "w", Name: "县水利局", Leader: "李梅"}},
		Projects: []circulars.ProjectFacts{
			{ID: "r1", Code: "RD-01", Name: "上坝村通村公路", UnitID: "t", Township: "青山乡", Status: circulars.Behind, GapPoints: -12.5},
			{ID: "r2", Code: "RD-02", Name: "下坝村通村公路", UnitID: "t", Township: "青山乡", Status: circulars.Stalled, GapPoints: -55},
			{ID: "w1", Code: "WS-01", Name: "河塘镇饮水工程", UnitID: "w", Township: "河塘镇", Status: circulars.Ahead, GapPoints: 15},
		},
		Reports: []circulars.ReportFacts{{ProjectID: "r2", Code: "RD-02", Name: "下坝村通村公路", UnitID: "t", Township: "青山乡",
			State: circulars.ReportMissing}},
		OrdersOpened: 4, OrdersClosed: 3,
		Overdue: []circulars.OverdueOrder{{ID: "o", Number: "ZG-2026-0007", ProjectCode: "RD-01", ProjectName: "上坝村通村公路",
			UnitID: "t", Deadline: deadline}},
		LookBackInspected: 9, LookBackFindings: 2,
	})
	var buf bytes.Buffer
	m := circulars.Meta{Version: 2, Made: time.Date(2026, 7, 2, 1, 0, 0, 0, time.UTC)}
	if err := s.CircularPDF(c, m, i18n.ZH, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	for _, want := range []string{
		"青山县重点民生实事项目督查通报", "2026年6月", "第2版", "序时进度截至 2026-06-30",
		"项目总数 3", "慢序时 1", "停滞（过半未动工） 1", "超序时 1", "应报月报 1", "未报 1",
		"本月下达整改通知 4", "本月整改销号 3", "逾期未整改 1", "回头看检查 9", "回头看发现问题 2",
		"项目序时进度情况（个）", "各责任单位慢序时项目（个）",
		"县交通运输局（负责人：王强）", "RD-02 下坝村通村公路（青山乡，停滞）落后序时 55.0 个百分点",
		"RD-01 上坝村通村公路（青山乡，慢序时）落后序时 12.5 个百分点",
		"未报月报（1）", "ZG-2026-0007 RD-01 上坝村通村公路，整改期限 2026-06-10",
		"县水利局（负责人：李梅），1 个项目均超序时或已完工", "青山县 督查通报 第1页",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// English on request, same figures.
	buf.Reset()
	if err := s.CircularPDF(c, circulars.Meta{Made: m.Made}, i18n.EN, &buf); err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	for _, want := range []string{"preview (not published)", "Projects 3", "县交通运输局 (responsible leader: 王强)"} {
		if !strings.Contains(text, want) {
			t.Errorf("English PDF lacks %q:\n%s", want, text)
		}
	}
}
