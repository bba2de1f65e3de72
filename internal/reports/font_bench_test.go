package reports

import (
	"io"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/fieldproof/fieldproof/internal/i18n"
)

// BenchmarkPageEmbeddedFont is one report page in Chinese with the
// embedded font: fpdf parses the whole 4.6 MB font for every document,
// then embeds the subset of glyphs used.
func BenchmarkPageEmbeddedFont(b *testing.B) {
	s, err := NewService(nil, nil, nil, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d := s.newDoc(i18n.ZH)
		for range 20 {
			d.line(d.t("report.township"), "青山乡 上坝村通村公路 县交通运输局 2026-RD-001")
		}
		if err := d.pdf.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPageCoreFont is the baseline: the same page in the PDF core
// font the reports used before, which cannot show Chinese at all.
func BenchmarkPageCoreFont(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.SetCompression(false)
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 9)
		for range 20 {
			pdf.CellFormat(45, 5, "Township", "", 0, "L", false, 0, "")
			pdf.MultiCell(0, 5, "Qingshan Shangba village road County Transport Bureau 2026-RD-001", "", "L", false)
		}
		if err := pdf.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
