package org

import "context"

// Store is what the org service needs from persistence.
type Store interface {
	ListTownships(ctx context.Context, limit int) ([]Township, error)
	TownshipByName(ctx context.Context, name string) (Township, error)
	// InsertTownship fails with errs.ErrConflict when the name is taken.
	InsertTownship(ctx context.Context, t Township) error
	// InsertTownshipIfAbsent inserts t unless its name exists, without
	// failing; it never aborts an enclosing transaction.
	InsertTownshipIfAbsent(ctx context.Context, t Township) error

	ListUnits(ctx context.Context, limit int) ([]Unit, error)
	UnitByName(ctx context.Context, name string) (Unit, error)
	InsertUnit(ctx context.Context, u Unit) error
	InsertUnitIfAbsent(ctx context.Context, u Unit) error
	// UnitByID loads a unit; errs.ErrNotFound when there is none.
	UnitByID(ctx context.Context, id string) (Unit, error)
	// SetUnitLeader writes a unit's leader.
	SetUnitLeader(ctx context.Context, id, leader string) error
}
