package checksdb

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/store"
)

// MarkReturned records the office's return unless the check was already
// returned or superseded.
func (s *Store) MarkReturned(ctx context.Context, id string, r checks.Return) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&checkRow{}).
		Where("id = ? AND returned_at IS NULL AND superseded_by = ''", id).
		Updates(map[string]any{"returned_at": r.At.UTC(), "returned_by": r.By, "return_note": r.Note})
	if res.Error != nil {
		return store.Translate(res.Error, entCheck, "return check")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("return check %s: %w", id, errs.ErrConflict)
	}
	return nil
}

// MarkSuperseded links a returned check to its amendment, once.
func (s *Store) MarkSuperseded(ctx context.Context, oldID, newID string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&checkRow{}).Where("id = ? AND superseded_by = ''", oldID).
		Update("superseded_by", newID)
	if res.Error != nil {
		return store.Translate(res.Error, entCheck, "supersede check")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("supersede check %s: %w", oldID, errs.ErrConflict)
	}
	return nil
}

type flagDecisionRow struct {
	SubjectKind string `gorm:"primaryKey"`
	SubjectID   string `gorm:"primaryKey"`
	CheckID     string
	Decision    string
	Reason      string
	DecidedBy   string
	DecidedAt   time.Time
}

func (flagDecisionRow) TableName() string { return "flag_decisions" }

// InsertDecision records a decision; a subject decided before is a conflict.
func (s *Store) InsertDecision(ctx context.Context, d checks.Decision) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	row := flagDecisionRow{SubjectKind: d.SubjectKind, SubjectID: d.SubjectID, CheckID: d.CheckID,
		Decision: d.Decision, Reason: d.Reason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt.UTC()}
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entDecision, "insert flag decision")
}

// flagNames are the keys of a photo's flags document.
func flagNames(doc string) ([]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return nil, fmt.Errorf("decode photo flags: %w", err)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// PhotoSubject returns the check a photo belongs to and its flag names.
func (s *Store) PhotoSubject(ctx context.Context, photoID string) (string, []string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row struct{ ParentID, Flags string }
	err := s.db.Conn(ctx).Table("photos").Select("parent_id, CAST(flags AS TEXT) AS flags").
		Where("id = ? AND parent_kind = ?", photoID, checks.ParentKind).Take(&row).Error
	if err != nil {
		return "", nil, store.Translate(err, entPhoto, "load photo flags")
	}
	names, err := flagNames(row.Flags)
	return row.ParentID, names, err
}

// undecidedPhoto: a flagged photo of the check with no decision yet.
const undecidedPhoto = `SELECT 1 FROM photos ph WHERE ph.parent_id = checks.id AND CAST(ph.flags AS TEXT) NOT IN ('{}', '')
	AND NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.subject_kind = 'photo' AND d.subject_id = ph.id)`

// undecidedCheck: the check itself has no decision yet.
const undecidedCheck = `NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.subject_kind = 'check' AND d.subject_id = checks.id)`

// ReviewQueue lists checks with an undecided check or photo flag. Township
// and unit are the project's, found by name through a join on projects.
func (s *Store) ReviewQueue(ctx context.Context, f checks.QueueFilter) ([]checks.QueueItem, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&checkRow{}).Where("checks.superseded_by = ''").
		Where(`(checks.flags <> ',' AND ` + undecidedCheck + `) OR EXISTS (` + undecidedPhoto + `)`)
	if f.Flag != "" {
		q = q.Where("checks.flags LIKE ? AND "+undecidedCheck, "%,"+f.Flag+",%")
	}
	if f.PhotoFlag != "" {
		// Photo flags are JSON object keys; see List.
		q = q.Where("EXISTS ("+undecidedPhoto+" AND CAST(ph.flags AS TEXT) LIKE ?)", `%"`+f.PhotoFlag+`"%`)
	}
	if f.CheckID != "" {
		q = q.Where("checks.id = ?", f.CheckID)
	}
	if f.ProjectID != "" {
		q = q.Where("checks.project_id = ?", f.ProjectID)
	}
	if f.AuthorID != "" {
		q = q.Where("checks.author_id = ?", f.AuthorID)
	}
	if f.Township != "" || f.Unit != "" {
		sub := s.db.Conn(ctx).Table("projects pr").Select("pr.id")
		if f.Township != "" {
			sub = sub.Joins("JOIN townships tw ON tw.id = pr.township_id").Where("tw.name = ?", f.Township)
		}
		if f.Unit != "" {
			sub = sub.Joins("JOIN units un ON un.id = pr.unit_id").Where("un.name = ?", f.Unit)
		}
		q = q.Where("checks.project_id IN (?)", sub)
	}
	if f.From != nil {
		q = q.Where("checks.captured_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("checks.captured_at < ?", f.To.UTC())
	}
	if f.BeforeSeq > 0 {
		q = q.Where("checks.seq < ?", f.BeforeSeq)
	}
	var rows []checkRow
	if err := q.Order("checks.seq DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entCheck, "review queue")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var decided []flagDecisionRow
	if err := s.db.Conn(ctx).Where("check_id IN ?", ids).Find(&decided).Error; err != nil {
		return nil, store.Translate(err, entDecision, "load flag decisions")
	}
	done := map[string]bool{}
	for _, d := range decided {
		done[d.SubjectKind+"/"+d.SubjectID] = true
	}
	var phs []struct{ ID, ParentID, Flags string }
	err := s.db.Conn(ctx).Table("photos").Select("id, parent_id, CAST(flags AS TEXT) AS flags").
		Where("parent_id IN ? AND CAST(flags AS TEXT) NOT IN ('{}', '')", ids).Order("created_at, id").Scan(&phs).Error
	if err != nil {
		return nil, store.Translate(err, entPhoto, "load flagged photos")
	}
	pending := map[string][]checks.Pending{}
	for _, ph := range phs {
		if done[checks.SubjectPhoto+"/"+ph.ID] {
			continue
		}
		names, err := flagNames(ph.Flags)
		if err != nil {
			return nil, err
		}
		if len(names) > 0 {
			pending[ph.ParentID] = append(pending[ph.ParentID], checks.Pending{Kind: checks.SubjectPhoto, ID: ph.ID, Flags: names})
		}
	}
	out := make([]checks.QueueItem, 0, len(rows))
	for _, r := range rows {
		c, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		item := checks.QueueItem{Check: c}
		if len(c.Flags) > 0 && !done[checks.SubjectCheck+"/"+c.ID] {
			item.Pending = append(item.Pending, checks.Pending{Kind: checks.SubjectCheck, ID: c.ID, Flags: c.Flags})
		}
		item.Pending = append(item.Pending, pending[c.ID]...)
		out = append(out, item)
	}
	return out, nil
}
