package monthlydb

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/store"
)

// chunk bounds an IN list well under both engines' bound-parameter limits.
const chunk = 400

func chunked(ids []string, fn func([]string) error) error {
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

type placeRow struct {
	ID       string
	ReportID string
	Period   string
	Seq      int64
}

func (r placeRow) place() monthly.ReportPlace {
	return monthly.ReportPlace{ReportID: r.ReportID, Period: monthly.Period(r.Period), Seq: r.Seq}
}

// ReportPlacesOfPhotos maps those of photoIDs that belong to a monthly
// report to that report's period and filing order.
func (s *Store) ReportPlacesOfPhotos(ctx context.Context, photoIDs []string) (map[string]monthly.ReportPlace, error) {
	out := map[string]monthly.ReportPlace{}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := chunked(photoIDs, func(ids []string) error {
		var rows []placeRow
		err := s.db.Conn(ctx).Table("photos").
			Select("photos.id, monthly_reports.id AS report_id, monthly_reports.period, monthly_reports.seq").
			Joins("JOIN monthly_reports ON monthly_reports.id = photos.parent_id").
			Where("photos.parent_kind = ? AND photos.id IN ?", monthly.ParentKind, ids).Scan(&rows).Error
		for _, r := range rows {
			out[r.ID] = r.place()
		}
		return err
	})
	if err != nil {
		return nil, store.Translate(err, entReport, "find report photos")
	}
	return out, nil
}

// refExpr reads a photo reference (flags.<flag>.photo_id) out of the
// flags column: jsonb operators on PostgreSQL, json_extract on SQLite.
func (s *Store) refExpr(flag string) string {
	if s.db.Dialect() == store.Postgres {
		return "(photos.flags -> '" + flag + "' ->> 'photo_id')"
	}
	return "json_extract(photos.flags, '$." + flag + ".photo_id')"
}

// ReportPhotosReferring maps each of photoIDs to the report photos whose
// duplicate or possible_reuse reference names it: the pipeline links a
// repeat to whichever of the two it processed first, so the link is read
// both ways. One query whatever the number of ids: it reads the report
// photos that carry a reference at all (a repeat is the exception, not
// the rule) and keeps those naming one of photoIDs.
func (s *Store) ReportPhotosReferring(ctx context.Context, photoIDs []string) (map[string][]monthly.ReportPlace, error) {
	out := map[string][]monthly.ReportPlace{}
	if len(photoIDs) == 0 {
		return out, nil
	}
	want := make(map[string]bool, len(photoIDs))
	for _, id := range photoIDs {
		want[id] = true
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	dup, reuse := s.refExpr("duplicate"), s.refExpr("possible_reuse")
	var rows []struct {
		ID, ReportID, Period string
		Seq                  int64
		Dup, Reuse           *string
	}
	err := s.db.Conn(ctx).Table("photos").
		Select("photos.id, "+dup+" AS dup, "+reuse+" AS reuse, monthly_reports.id AS report_id, "+
			"monthly_reports.period, monthly_reports.seq").
		Joins("JOIN monthly_reports ON monthly_reports.id = photos.parent_id").
		Where("photos.parent_kind = ? AND ("+dup+" IS NOT NULL OR "+reuse+" IS NOT NULL)", monthly.ParentKind).
		Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entReport, "find report photos referring")
	}
	for _, r := range rows {
		for _, ref := range []*string{r.Dup, r.Reuse} {
			if ref != nil && want[*ref] {
				out[*ref] = append(out[*ref], placeRow{ID: r.ID, ReportID: r.ReportID, Period: r.Period, Seq: r.Seq}.place())
			}
		}
	}
	return out, nil
}
