package checklists

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Stored is a template version with who made it and when.
type Stored struct {
	Template
	CreatedBy string // empty for the seeded defaults
	CreatedAt time.Time
}

// Store keeps template versions. Insert must fail with a conflict
// (errs.KindConflict) when (type, version) exists: that unique key is what
// makes seeding and concurrent edits safe without a lock.
type Store interface {
	// InTx runs fn in one transaction that Insert and the audit log join.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	Insert(ctx context.Context, s Stored) error
	Get(ctx context.Context, t Type, version int) (Stored, error)
	// Latest returns the highest version of every type that has one.
	Latest(ctx context.Context) ([]Stored, error)
}

// Auditor records a write in the caller's transaction. Template versions
// are audited like every write, and phones learn of new versions from that
// log (GET /api/v1/sync).
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// Service manages templates.
type Service struct {
	store Store
	now   func() time.Time
	audit Auditor
}

// NewService builds the service; now is the clock (time.Now in
// production); audit may be nil (nothing recorded).
func NewService(s Store, now func() time.Time, audit Auditor) *Service {
	return &Service{store: s, now: now, audit: audit}
}

// insert stores a version and its audit entry together.
func (s *Service) insert(ctx context.Context, p auth.Principal, st Stored) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.Insert(ctx, st); err != nil {
			return err
		}
		if s.audit == nil {
			return nil
		}
		return s.audit.Record(ctx, p, "checklist.publish", "checklist", EntityID(st.Type, st.Version),
			map[string]any{"title": st.Title, "items": len(st.Items)})
	})
}

// EntityID names a template version in the audit log and the sync feed.
func EntityID(t Type, version int) string { return fmt.Sprintf("%s/%d", t, version) }

// Seed inserts the default v1 templates that are missing. Several replicas
// may start at once: a conflict means another one seeded first, which is fine.
func (s *Service) Seed(ctx context.Context) error {
	for _, d := range Defaults() {
		err := s.insert(ctx, auth.Principal{}, Stored{Template: d, CreatedAt: s.now().UTC()})
		if err != nil && !isConflict(err) {
			return fmt.Errorf("seed %s template: %w", d.Type, err)
		}
	}
	return nil
}

// Current returns the latest version of every type.
func (s *Service) Current(ctx context.Context) ([]Stored, error) {
	return s.store.Latest(ctx)
}

// Get returns one version; checks use it to judge and to show old answers.
func (s *Service) Get(ctx context.Context, t Type, version int) (Stored, error) {
	if !t.Valid() || version < 1 {
		return Stored{}, errs.NotFound("checklist")
	}
	return s.store.Get(ctx, t, version)
}

// Publish stores items as the next version of t. Old versions are never
// changed, so checks that answered them keep their meaning. Two editors
// publishing at once both get a version: the loser of the unique key retries
// on the next number.
func (s *Service) Publish(ctx context.Context, p auth.Principal, t Type, title string, items []Item) (Stored, error) {
	if err := policy.Templates(p); err != nil {
		return Stored{}, err
	}
	tpl := Template{Type: t, Title: title, Items: items}
	if err := tpl.Validate(); err != nil {
		return Stored{}, err
	}
	for attempt := 0; attempt < 5; attempt++ {
		next, err := s.nextVersion(ctx, t)
		if err != nil {
			return Stored{}, err
		}
		tpl.Version = next
		st := Stored{Template: tpl, CreatedBy: p.UserID, CreatedAt: s.now().UTC()}
		err = s.insert(ctx, p, st)
		if err == nil {
			return st, nil
		}
		if !isConflict(err) {
			return Stored{}, fmt.Errorf("publish %s template: %w", t, err)
		}
	}
	return Stored{}, errs.Conflict("template_busy", "the template is being edited by someone else; try again")
}

func (s *Service) nextVersion(ctx context.Context, t Type) (int, error) {
	all, err := s.store.Latest(ctx)
	if err != nil {
		return 0, fmt.Errorf("latest %s template: %w", t, err)
	}
	for _, x := range all {
		if x.Type == t {
			return x.Version + 1, nil
		}
	}
	return 1, nil
}

func isConflict(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Kind == errs.KindConflict
}
