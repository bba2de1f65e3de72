// Package checklists holds the checklist templates a check answers and the
// rules that judge the answers. Templates are versioned: a check records the
// (type, version) it answered, and editing a template always makes a new
// version, so an old check is always judged and shown against the exact
// items its author saw.
package checklists

import (
	"fmt"
	"math"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Type names a kind of check; each has its own template versions.
type Type string

// The template types. DOMAIN.md describes each checklist.
const (
	TypeSignage        Type = "signage"
	TypeConcreteMix    Type = "concrete_mix"
	TypeSafety         Type = "safety"
	TypeProgress       Type = "progress"
	TypePostCompletion Type = "post_completion"
	TypeGeneral        Type = "general"
	// TypeVerification is the on-site check that closes a rectification order.
	TypeVerification Type = "verification"
)

// Types lists every template type.
var Types = []Type{TypeSignage, TypeConcreteMix, TypeSafety, TypeProgress, TypePostCompletion, TypeGeneral, TypeVerification}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, k := range Types {
		if t == k {
			return true
		}
	}
	return false
}

// ItemType is how an item is answered and judged.
type ItemType string

// The item types.
const (
	ItemYesNo  ItemType = "yes_no"
	ItemNumber ItemType = "number"
	ItemChoice ItemType = "choice"
	ItemText   ItemType = "text"
	// ItemPhoto is answered with the client UUIDs of the photos the check
	// carries for this item; a required photo item needs at least one.
	ItemPhoto ItemType = "photo"
)

// Item is one question of a template. Only the fields of its type are used.
type Item struct {
	Key      string
	Label    string
	Type     ItemType
	Required bool
	// PassWhen (yes_no): the answer that passes.
	PassWhen bool
	// Unit, Min, Max (number): the answer passes when Min <= x <= Max; a nil
	// bound is open.
	Unit     string
	Min, Max *float64
	// Options and FailOptions (choice): the allowed answers and those that fail.
	Options     []string
	FailOptions []string
}

// Template is one version of a type's checklist.
type Template struct {
	Type    Type
	Version int
	Title   string
	Items   []Item
}

// ptr makes number limits readable in the defaults.
func ptr(f float64) *float64 { return &f }

// Validate checks a template before it is stored as a new version, so no
// check can ever be judged against an item that cannot be answered.
func (t Template) Validate() error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(!t.Type.Valid(), "type", "unknown_type", "unknown checklist type")
	v.Check(len(t.Items) == 0, "items", "required", "a template needs at least one item")
	v.Check(len(t.Items) > 200, "items", "too_many", "a template has at most 200 items")
	seen := map[string]bool{}
	for i, it := range t.Items {
		f := fmt.Sprintf("items[%d]", i)
		v.Check(!validKey(it.Key), f+".key", "invalid", "key must be 1-64 characters of a-z, 0-9 and _")
		v.Check(seen[it.Key], f+".key", "duplicate", "keys must be unique")
		seen[it.Key] = true
		v.Check(it.Label == "", f+".label", "required", "label is required")
		switch it.Type {
		case ItemYesNo, ItemText, ItemPhoto:
		case ItemNumber:
			bad := it.Min != nil && it.Max != nil && *it.Min > *it.Max
			bad = bad || (it.Min != nil && (math.IsNaN(*it.Min) || math.IsInf(*it.Min, 0)))
			bad = bad || (it.Max != nil && (math.IsNaN(*it.Max) || math.IsInf(*it.Max, 0)))
			v.Check(bad, f+".min", "invalid", "min must be a finite number not above max")
		case ItemChoice:
			v.Check(len(it.Options) == 0, f+".options", "required", "a choice item needs options")
			for _, o := range it.FailOptions {
				v.Check(!contains(it.Options, o), f+".fail_options", "invalid", "fail option "+o+" is not an option")
			}
		default:
			v.Add(f+".type", "invalid", "type must be yes_no, number, choice, text or photo")
		}
	}
	return v.Err()
}

func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
