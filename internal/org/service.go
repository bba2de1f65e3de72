package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// listLimit bounds a list: a county has tens of townships and a few hundred
// units, so one page is the whole list.
const listLimit = 2000

// Service manages townships and units.
type Service struct {
	store Store
	now   func() time.Time
	audit Auditor
	inTx  func(ctx context.Context, fn func(ctx context.Context) error) error
}

// Option configures NewService.
type Option func(*Service)

// Audited makes the office's explicit creations (a township, a unit)
// audited, each in one transaction with its row (inTx). Names created on
// the way by a project write are covered by that write's own entry.
func Audited(a Auditor, inTx func(ctx context.Context, fn func(ctx context.Context) error) error) Option {
	return func(s *Service) { s.audit, s.inTx = a, inTx }
}

// NewService builds the service, complete once it returns.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, now: func() time.Time { return time.Now().UTC() }}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Auditor records a write in the caller's transaction.
type Auditor interface {
	Record(ctx context.Context, p auth.Principal, action, entity, entityID string, changes any) error
}

// write runs insert and its audit entry together.
func (s *Service) write(ctx context.Context, p auth.Principal, action, entity, id string, changes any, insert func(ctx context.Context) error) error {
	if s.audit == nil || s.inTx == nil {
		return insert(ctx)
	}
	return s.inTx(ctx, func(ctx context.Context) error {
		if err := insert(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, p, action, entity, id, changes)
	})
}

func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}

// ListTownships lists every township by name.
func (s *Service) ListTownships(ctx context.Context, p auth.Principal) ([]Township, error) {
	if err := policy.Global(p, policy.ViewOrganisation); err != nil {
		return nil, err
	}
	return s.store.ListTownships(ctx, listLimit)
}

// CreateTownship adds a township; a taken name is a conflict.
func (s *Service) CreateTownship(ctx context.Context, p auth.Principal, name string) (Township, error) {
	if err := policy.Global(p, policy.ManageOrganisation); err != nil {
		return Township{}, err
	}
	name = CleanName(name)
	v := errs.NewValidation(errs.KindUnprocessable)
	CheckName(v, "name", name)
	if err := v.Err(); err != nil {
		return Township{}, err
	}
	t, err := s.newTownship(name)
	if err != nil {
		return Township{}, err
	}
	err = s.write(ctx, p, "township.create", "township", t.ID, map[string]any{"name": t.Name},
		func(ctx context.Context) error { return s.store.InsertTownship(ctx, t) })
	if err != nil {
		if errors.Is(err, errs.ErrConflict) {
			return Township{}, errs.Conflict("township_exists", "a township named "+name+" already exists").Wrap(err)
		}
		return Township{}, err
	}
	return t, nil
}

func (s *Service) newTownship(name string) (Township, error) {
	id, err := newID()
	return Township{ID: id, Name: name, CreatedAt: s.now().UTC()}, err
}

// EnsureTownship returns the township with this name, creating it if new.
// It is meant for other services (a project names its township), so it
// checks no permission; the caller has already been authorised. Two callers
// ensuring one new name at once both get the same row.
func (s *Service) EnsureTownship(ctx context.Context, name string) (Township, error) {
	name = CleanName(name)
	v := errs.NewValidation(errs.KindUnprocessable)
	CheckName(v, "name", name)
	if err := v.Err(); err != nil {
		return Township{}, err
	}
	t, err := s.store.TownshipByName(ctx, name)
	if err == nil || !errors.Is(err, errs.ErrNotFound) {
		return t, err
	}
	if t, err = s.newTownship(name); err != nil {
		return Township{}, err
	}
	// Insert-if-absent then re-read, rather than insert and catch the
	// conflict: on PostgreSQL a failed INSERT poisons the enclosing
	// transaction (a project import runs in one), ON CONFLICT DO NOTHING
	// does not.
	if err := s.store.InsertTownshipIfAbsent(ctx, t); err != nil {
		return Township{}, err
	}
	return s.store.TownshipByName(ctx, name)
}

// ListUnits lists every responsible unit by name.
func (s *Service) ListUnits(ctx context.Context, p auth.Principal) ([]Unit, error) {
	if err := policy.Global(p, policy.ViewOrganisation); err != nil {
		return nil, err
	}
	return s.store.ListUnits(ctx, listLimit)
}

// CreateUnit adds a unit; an empty kind means bureau.
func (s *Service) CreateUnit(ctx context.Context, p auth.Principal, name string, kind UnitKind) (Unit, error) {
	if err := policy.Global(p, policy.ManageOrganisation); err != nil {
		return Unit{}, err
	}
	name = CleanName(name)
	if kind == "" {
		kind = KindBureau
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	CheckName(v, "name", name)
	v.Check(!kind.Valid(), "kind", "invalid", "must be one of bureau, township, contractor")
	if err := v.Err(); err != nil {
		return Unit{}, err
	}
	u, err := s.newUnit(name, kind)
	if err != nil {
		return Unit{}, err
	}
	err = s.write(ctx, p, "unit.create", "unit", u.ID, map[string]any{"name": u.Name, "kind": u.Kind},
		func(ctx context.Context) error { return s.store.InsertUnit(ctx, u) })
	if err != nil {
		if errors.Is(err, errs.ErrConflict) {
			return Unit{}, errs.Conflict("unit_exists", "a unit named "+name+" already exists").Wrap(err)
		}
		return Unit{}, err
	}
	return u, nil
}

// MaxLeaderLen bounds a unit leader's name and title (in characters).
const MaxLeaderLen = 100

// SetUnitLeader names a unit's responsible leader (负责人), "" to clear
// it; nil (the field left out) is refused. The office and admins edit
// units; the change is audited with the old and new names, since the
// circular prints it.
func (s *Service) SetUnitLeader(ctx context.Context, p auth.Principal, id string, leaderIn *string) (Unit, error) {
	if err := policy.Global(p, policy.ManageOrganisation); err != nil {
		return Unit{}, err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(leaderIn == nil, "leader", "required", "leader is required (an empty string clears it)")
	var leader string
	if leaderIn != nil {
		leader = strings.TrimSpace(*leaderIn)
	}
	v.Check(utf8.RuneCountInString(leader) > MaxLeaderLen, "leader", "too_long", "must be at most 100 characters")
	v.Check(!utf8.ValidString(leader), "leader", "invalid", "must be valid UTF-8 text")
	if err := v.Err(); err != nil {
		return Unit{}, err
	}
	var out Unit
	err := s.inTxOrNot(ctx, func(ctx context.Context) error {
		u, err := s.store.UnitByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.SetUnitLeader(ctx, id, leader); err != nil {
			return err
		}
		out = u
		out.Leader = leader
		if s.audit == nil {
			return nil
		}
		return s.audit.Record(ctx, p, "unit.update", "unit", id, map[string]any{"leader": map[string]string{"from": u.Leader, "to": leader}})
	})
	return out, err
}

func (s *Service) inTxOrNot(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.inTx == nil {
		return fn(ctx)
	}
	return s.inTx(ctx, fn)
}

func (s *Service) newUnit(name string, kind UnitKind) (Unit, error) {
	id, err := newID()
	return Unit{ID: id, Name: name, Kind: kind, CreatedAt: s.now().UTC()}, err
}

// EnsureUnit returns the unit with this name, creating it (as a bureau) if
// new; see EnsureTownship. A unit first named by a project or a user is taken
// to be a bureau, the commonest kind.
func (s *Service) EnsureUnit(ctx context.Context, name string) (Unit, error) {
	name = CleanName(name)
	v := errs.NewValidation(errs.KindUnprocessable)
	CheckName(v, "name", name)
	if err := v.Err(); err != nil {
		return Unit{}, err
	}
	u, err := s.store.UnitByName(ctx, name)
	if err == nil || !errors.Is(err, errs.ErrNotFound) {
		return u, err
	}
	if u, err = s.newUnit(name, KindBureau); err != nil {
		return Unit{}, err
	}
	if err := s.store.InsertUnitIfAbsent(ctx, u); err != nil {
		return Unit{}, err
	}
	return s.store.UnitByName(ctx, name)
}
