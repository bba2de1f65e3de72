package reports

import (
	"bytes"
	"context"

	"github.com/go-pdf/fpdf"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/geo"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// shot is a photo with what it documents ("check …", "response …").
type shot struct {
	of string
	ph photos.Photo
}

// Column geometry of the before/after pages, in mm on A4.
const (
	colLeft, colRight, colWidth = 10.0, 108.0, 92.0
	thumbWidth                  = 40.0
)

// beforeAfter prints the defect's photos beside the rectification photos,
// row by row: the office compares them side by side, as on paper.
func (s *Service) beforeAfter(ctx context.Context, p auth.Principal, d *doc, before, after []shot) error {
	d.pdf.SetFont(font, "", 10)
	d.pdf.CellFormat(colRight-colLeft, 6, d.t("report.order.before"), "B", 0, "L", false, 0, "")
	d.pdf.CellFormat(colWidth, 6, d.t("report.order.after"), "B", 1, "L", false, 0, "")
	d.pdf.Ln(2)
	rows := max(len(before), len(after))
	if rows == 0 {
		d.line("", d.t("report.photos.none.yet"))
	}
	for i := 0; i < rows && i < MaxPhotos; i++ {
		if d.pdf.GetY() > 215 {
			d.pdf.AddPage()
		}
		top, bottom := d.pdf.GetY(), d.pdf.GetY()
		for col, list := range [][]shot{before, after} {
			if i >= len(list) {
				continue
			}
			x := colLeft
			if col == 1 {
				x = colRight
			}
			y, err := s.photoCell(ctx, p, d, x, top, list[i])
			if err != nil {
				return err
			}
			bottom = max(bottom, y)
		}
		d.pdf.SetXY(colLeft, bottom+3)
	}
	return d.pdf.Error()
}

// photoCell draws one photo (thumbnail, then its facts) in a column and
// returns where it ends.
func (s *Service) photoCell(ctx context.Context, p auth.Principal, d *doc, x, y float64, sh shot) (float64, error) {
	thumb, ok, err := s.photos.ThumbnailBytes(ctx, p, sh.ph.ID)
	if err != nil {
		return y, err
	}
	ty := y
	if ok {
		name := "thumb-" + sh.ph.ID
		info := d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(thumb))
		d.pdf.ImageOptions(name, x, y, thumbWidth, 0, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		if info != nil && info.Width() > 0 {
			ty = y + thumbWidth*info.Height()/info.Width() + 1
		}
	} else {
		ty = y + 1
	}
	ph := sh.ph
	lines := []string{d.t("report.cell.photo", ph.ID, sh.of), d.t("report.cell.captured", d.taken(ph)), d.t("report.cell.at", d.where(ph))}
	if ph.ChainageM != nil && ph.OffsetM != nil {
		lines = append(lines, d.t("report.cell.chainage", geo.FormatChainage(*ph.ChainageM), d.v("side", ph.Side), *ph.OffsetM))
	}
	lines = append(lines, d.t("report.cell.received", d.at(ph.CreatedAt)))
	al, err := s.auditLine(ctx, d, ph.ID)
	if err != nil {
		return y, err
	}
	if al != "" {
		lines = append(lines, al)
	}
	d.pdf.SetFont(font, "", 7)
	for _, l := range lines {
		d.pdf.SetXY(x, ty)
		d.pdf.MultiCell(colWidth, 3.5, l, "", "L", false)
		ty = d.pdf.GetY()
	}
	// The hash on one line, in a fixed-width font, whole.
	d.pdf.SetXY(x, ty)
	d.pdf.SetFont("Courier", "", 5.5)
	d.pdf.CellFormat(colWidth, 3.5, "sha256 "+ph.SHA256, "", 1, "L", false, 0, "")
	return d.pdf.GetY(), d.pdf.Error()
}
