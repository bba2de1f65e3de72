package checklistsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entChecklist = store.NewEntity("checklist")
)

// Store implements checklists.Store.
type Store struct{ db *store.DB }

var _ checklists.Store = (*Store)(nil)

// New returns the checklist template store.
func New(db *store.DB) *Store { return &Store{db: db} }

type checklistRow struct {
	Type      string `gorm:"primaryKey"`
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Title     string
	Items     string // JSON of []itemJSON
	CreatedBy string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (checklistRow) TableName() string { return "checklist_templates" }

// itemJSON is the stored shape of an item: frozen here so a change to the
// domain struct cannot silently change how old versions read back.
type itemJSON struct {
	Key         string   `json:"key"`
	Label       string   `json:"label"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	PassWhen    bool     `json:"pass_when,omitempty"`
	Unit        string   `json:"unit,omitempty"`
	Min         *float64 `json:"min,omitempty"`
	Max         *float64 `json:"max,omitempty"`
	Options     []string `json:"options,omitempty"`
	FailOptions []string `json:"fail_options,omitempty"`
}

func toChecklistRow(s checklists.Stored) (checklistRow, error) {
	items := make([]itemJSON, len(s.Items))
	for i, it := range s.Items {
		items[i] = itemJSON{Key: it.Key, Label: it.Label, Type: string(it.Type), Required: it.Required,
			PassWhen: it.PassWhen, Unit: it.Unit, Min: it.Min, Max: it.Max, Options: it.Options, FailOptions: it.FailOptions}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return checklistRow{}, fmt.Errorf("encode template items: %w", err)
	}
	return checklistRow{Type: string(s.Type), Version: s.Version, Title: s.Title, Items: string(b),
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt}, nil
}

func (r checklistRow) toDomain() (checklists.Stored, error) {
	var items []itemJSON
	if err := json.Unmarshal([]byte(r.Items), &items); err != nil {
		return checklists.Stored{}, fmt.Errorf("decode template %s v%d: %w", r.Type, r.Version, err)
	}
	out := checklists.Stored{Template: checklists.Template{Type: checklists.Type(r.Type), Version: r.Version, Title: r.Title},
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	for _, it := range items {
		out.Items = append(out.Items, checklists.Item{Key: it.Key, Label: it.Label, Type: checklists.ItemType(it.Type),
			Required: it.Required, PassWhen: it.PassWhen, Unit: it.Unit, Min: it.Min, Max: it.Max,
			Options: it.Options, FailOptions: it.FailOptions})
	}
	return out, nil
}

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// Insert adds one version; an existing (type, version) is a conflict.
func (s *Store) Insert(ctx context.Context, st checklists.Stored) error {
	row, err := toChecklistRow(st)
	if err != nil {
		return err
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entChecklist, "insert checklist")
}

// Get loads one version.
func (s *Store) Get(ctx context.Context, t checklists.Type, version int) (checklists.Stored, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var row checklistRow
	err := s.db.Conn(ctx).Where("type = ? AND version = ?", string(t), version).Take(&row).Error
	if err != nil {
		return checklists.Stored{}, store.Translate(err, entChecklist, "load checklist")
	}
	return row.toDomain()
}

// Latest returns the highest version of each type, ordered by type.
func (s *Store) Latest(ctx context.Context) ([]checklists.Stored, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []checklistRow
	err := s.db.Conn(ctx).
		Where("version = (SELECT MAX(t2.version) FROM checklist_templates t2 WHERE t2.type = checklist_templates.type)").
		Order("type").Find(&rows).Error
	if err != nil {
		return nil, store.Translate(err, entChecklist, "list checklists")
	}
	out := make([]checklists.Stored, 0, len(rows))
	for _, r := range rows {
		d, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
