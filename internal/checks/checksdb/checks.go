package checksdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/policy/scopesql"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entCheck    = store.NewEntity("check")
	entDecision = store.NewEntity("decision")
	entPhoto    = store.NewEntity("photo")
)

// Store implements checks.Store.
type Store struct{ db *store.DB }

var _ checks.Store = (*Store)(nil)

// New returns the check store.
func New(db *store.DB) *Store { return &Store{db: db} }

type checkRow struct {
	Seq             int64 `gorm:"primaryKey;autoIncrement"`
	ID              string
	ProjectID       string
	Type            string
	TemplateVersion int
	Answers         string
	Items           string
	Result          string
	Notes           string
	Lat             float64
	Lon             float64
	AccuracyM       float64
	CapturedAt      time.Time
	CapturedOffsetS int
	Flags           string
	ChainageM       *float64
	OffsetM         *float64
	Side            string
	PhotoIds        string
	AuthorID        string
	AuthorRole      string
	RequestHash     string
	CreatedAt       time.Time `gorm:"autoCreateTime:false"`
	ReturnedAt      *time.Time
	ReturnedBy      string
	ReturnNote      string
	Supersedes      string
	SupersededBy    string
	TaskID          string
}

func (checkRow) TableName() string { return "checks" }

// itemResultJSON is the stored shape of one item's verdict.
type itemResultJSON struct {
	Key    string `json:"key"`
	Result string `json:"result"`
}

func toCheckRow(c checks.Check) (checkRow, error) {
	answers, err := json.Marshal(c.Answers)
	if err != nil {
		return checkRow{}, fmt.Errorf("encode answers: %w", err)
	}
	items := make([]itemResultJSON, len(c.Items))
	for i, it := range c.Items {
		items[i] = itemResultJSON{Key: it.Key, Result: string(it.Result)}
	}
	itemsJSON, _ := json.Marshal(items)
	ids := c.PhotoIDs
	if ids == nil {
		ids = []string{}
	}
	idsJSON, _ := json.Marshal(ids)
	_, offset := c.CapturedAt.Zone()
	r := checkRow{ID: c.ID, ProjectID: c.ProjectID, Type: string(c.Type), TemplateVersion: c.TemplateVersion,
		Answers: string(answers), Items: string(itemsJSON), Result: string(c.Result), Notes: c.Notes,
		Lat: c.Location.Lat, Lon: c.Location.Lon, AccuracyM: c.Location.AccuracyM,
		CapturedAt: c.CapturedAt.UTC(), CapturedOffsetS: offset, Flags: "," + strings.Join(c.Flags, ",") + ",",
		PhotoIds: string(idsJSON), AuthorID: c.AuthorID, AuthorRole: string(c.AuthorRole),
		RequestHash: c.RequestHash, CreatedAt: c.CreatedAt.UTC(), Supersedes: c.Supersedes, SupersededBy: c.SupersededBy,
		TaskID: c.TaskID}
	if c.Return != nil {
		at := c.Return.At.UTC()
		r.ReturnedAt, r.ReturnedBy, r.ReturnNote = &at, c.Return.By, c.Return.Note
	}
	if r.Flags == ",," {
		r.Flags = ","
	}
	if p := c.Placement; p != nil {
		r.ChainageM, r.OffsetM, r.Side = &p.ChainageM, &p.OffsetM, p.Side
	}
	return r, nil
}

func (r checkRow) toDomain() (checks.Check, error) {
	c := checks.Check{ID: r.ID, Seq: r.Seq, ProjectID: r.ProjectID, Type: checklists.Type(r.Type),
		TemplateVersion: r.TemplateVersion, Result: checklists.Outcome(r.Result), Notes: r.Notes,
		Location:   checks.Location{Lat: r.Lat, Lon: r.Lon, AccuracyM: r.AccuracyM},
		CapturedAt: r.CapturedAt.In(store.ZoneOf(r.CapturedOffsetS)), AuthorID: r.AuthorID,
		AuthorRole: auth.Role(r.AuthorRole), RequestHash: r.RequestHash, CreatedAt: r.CreatedAt.UTC(),
		Supersedes: r.Supersedes, SupersededBy: r.SupersededBy, TaskID: r.TaskID}
	if r.ReturnedAt != nil {
		c.Return = &checks.Return{Note: r.ReturnNote, By: r.ReturnedBy, At: r.ReturnedAt.UTC()}
	}
	if err := json.Unmarshal([]byte(r.Answers), &c.Answers); err != nil {
		return checks.Check{}, fmt.Errorf("decode answers of check %s: %w", r.ID, err)
	}
	var items []itemResultJSON
	if err := json.Unmarshal([]byte(r.Items), &items); err != nil {
		return checks.Check{}, fmt.Errorf("decode items of check %s: %w", r.ID, err)
	}
	for _, it := range items {
		c.Items = append(c.Items, checklists.ItemResult{Key: it.Key, Result: checklists.Outcome(it.Result)})
	}
	if err := json.Unmarshal([]byte(r.PhotoIds), &c.PhotoIDs); err != nil {
		return checks.Check{}, fmt.Errorf("decode photo ids of check %s: %w", r.ID, err)
	}
	for _, f := range strings.Split(r.Flags, ",") {
		if f != "" {
			c.Flags = append(c.Flags, f)
		}
	}
	if r.ChainageM != nil && r.OffsetM != nil {
		c.Placement = checks.NewPlacement(*r.ChainageM, *r.OffsetM, r.Side)
	}
	return c, nil
}

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// Insert adds a check; a taken id is a conflict.
func (s *Store) Insert(ctx context.Context, c checks.Check) error {
	row, err := toCheckRow(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entCheck, "insert check")
}

// Get loads one check by its client id.
func (s *Store) Get(ctx context.Context, id string) (checks.Check, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row checkRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return checks.Check{}, store.Translate(err, entCheck, "load check")
	}
	return row.toDomain()
}

// GetMany loads the checks of ids that exist.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]checks.Check, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []checkRow
	if err := s.db.Conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entCheck, "load checks")
	}
	return store.Convert(rows, checkRow.toDomain)
}

// List runs a filtered keyset page, newest first.
func (s *Store) List(ctx context.Context, f checks.Filter) ([]checks.Check, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&checkRow{})
	eq := map[string]string{"checks.project_id": f.ProjectID, "checks.type": f.Type, "checks.result": f.Result,
		"checks.author_id": f.AuthorID}
	for col, v := range eq {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	scope, scopeArgs := scopesql.Check(f.Scope)
	q = q.Where(scope, scopeArgs...)
	switch f.State {
	case checks.StateFiled:
		q = q.Where("checks.returned_at IS NULL AND checks.superseded_by = ''")
	case checks.StateReturned:
		q = q.Where("checks.returned_at IS NOT NULL AND checks.superseded_by = ''")
	case checks.StateSuperseded:
		q = q.Where("checks.superseded_by <> ''")
	}
	if f.Flag != "" {
		q = q.Where("checks.flags LIKE ?", "%,"+f.Flag+",%")
	}
	if f.PhotoFlag != "" {
		// Photo flags are JSON object keys; the quoted key is unique enough
		// in that small document to find with LIKE on both engines.
		q = q.Where(`EXISTS (SELECT 1 FROM photos ph WHERE ph.parent_id = checks.id AND CAST(ph.flags AS TEXT) LIKE ?)`,
			`%"`+f.PhotoFlag+`"%`)
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
		return nil, store.Translate(err, entCheck, "list checks")
	}
	return store.Convert(rows, checkRow.toDomain)
}
