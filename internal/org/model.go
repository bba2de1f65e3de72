// Package org keeps the county's managed lists of townships and responsible
// units. Projects name them; users belong to a unit. Names are the keys
// people type, so they are unique and compared exactly after trimming.
package org

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Township is a township (乡镇) of the county.
type Township struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// UnitKind says what sort of body a responsible unit is.
type UnitKind string

// The unit kinds.
const (
	KindBureau     UnitKind = "bureau"
	KindTownship   UnitKind = "township"
	KindContractor UnitKind = "contractor"
)

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	return k == KindBureau || k == KindTownship || k == KindContractor
}

// Unit is a responsible unit (责任单位): a bureau, a township government or a
// contracting firm.
type Unit struct {
	ID   string
	Name string
	Kind UnitKind
	// Leader is the unit's responsible leader (负责人): its head, who
	// answers for its projects (一把手负责制) and whom the monthly
	// circular names. "" until entered.
	Leader    string
	CreatedAt time.Time
}

// MaxNameLen bounds township and unit names (in characters).
const MaxNameLen = 100

// CleanName trims a name; two names that differ only in surrounding spaces
// are the same place.
func CleanName(s string) string { return strings.TrimSpace(s) }

// CheckName validates an already cleaned name, reporting it as field.
func CheckName(v *errs.Validation, field, name string) {
	switch {
	case name == "":
		v.Add(field, "required", "is required")
	case utf8.RuneCountInString(name) > MaxNameLen:
		v.Add(field, "too_long", "must be at most 100 characters")
	case !utf8.ValidString(name):
		v.Add(field, "invalid", "must be valid UTF-8 text")
	}
}
