package audit

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	type rec struct {
		Name         string
		UnitID       string
		PasswordHash string `audit:"-"`
		Budget       *int64
		hidden       int
	}
	one, two := int64(1), int64(2)
	got := Diff(rec{Name: "a", UnitID: "u", PasswordHash: "x", Budget: &one, hidden: 1},
		rec{Name: "b", UnitID: "u", PasswordHash: "y", Budget: &two, hidden: 2})
	want := map[string][2]any{"name": {"a", "b"}, "budget": {&one, &two}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
	if Diff(rec{}, 3) != nil || Diff(1, 2) != nil {
		t.Fatal("non-structs must give nil")
	}
	if snake("UnitID") != "unit_id" || snake("PlannedStart") != "planned_start" {
		t.Fatal(snake("UnitID"), snake("PlannedStart"))
	}
}
