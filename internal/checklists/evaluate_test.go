package checklists

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/fieldproof/fieldproof/internal/errs"
)

func defaultOf(t *testing.T, ty Type) Template {
	t.Helper()
	for _, d := range Defaults() {
		if d.Type == ty {
			return d
		}
	}
	t.Fatalf("no default %s", ty)
	return Template{}
}

func TestDefaultsValid(t *testing.T) {
	seen := map[Type]bool{}
	for _, d := range Defaults() {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.Type, err)
		}
		if d.Version != 1 {
			t.Errorf("%s: version %d", d.Type, d.Version)
		}
		seen[d.Type] = true
	}
	for _, ty := range Types {
		if !seen[ty] {
			t.Errorf("no default for %s", ty)
		}
	}
}

func goodConcrete() map[string]any {
	return map[string]any{
		"mix_matches_design": true, "slump_mm": json.Number("30"), "thickness_cm": 19.0,
		"width_m": 3.5, "strength_grade": "C30", "curing": true, "joints_cut": true,
	}
}

func TestEvaluateItems(t *testing.T) {
	tpl := defaultOf(t, TypeConcreteMix)
	cases := []struct {
		name   string
		key    string
		val    any
		result Outcome
		item   Outcome
	}{
		{"yes_no pass", "curing", true, Pass, Pass},
		{"yes_no fail", "curing", false, Fail, Fail},
		{"number in range", "slump_mm", 50.0, Pass, Pass},
		{"number above max", "slump_mm", json.Number("80"), Fail, Fail},
		{"number below min", "thickness_cm", 16.0, Fail, Fail},
		{"choice pass", "strength_grade", "C35", Pass, Pass},
		{"choice failing option", "strength_grade", "C25", Fail, Fail},
		{"optional photo given", "mix_photo", []any{"a1b2"}, Pass, Pass},
		{"optional photo empty", "mix_photo", []any{}, Pass, NA},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := goodConcrete()
			a[c.key] = c.val
			ev, err := Evaluate(tpl, a)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Result != c.result {
				t.Errorf("result %s, want %s", ev.Result, c.result)
			}
			for _, it := range ev.Items {
				if it.Key == c.key && it.Result != c.item {
					t.Errorf("item %s, want %s", it.Result, c.item)
				}
			}
		})
	}
}

func TestEvaluateYesFailsAndText(t *testing.T) {
	pc := defaultOf(t, TypePostCompletion)
	a := map[string]any{"in_use": true, "functioning": true, "maintained": true, "keeper_and_rules": true, "damage_found": true}
	if ev, err := Evaluate(pc, a); err != nil || ev.Result != Fail {
		t.Fatalf("damage found: %v %v", ev.Result, err)
	}
	pr := defaultOf(t, TypeProgress)
	ev, err := Evaluate(pr, map[string]any{"percent_complete": 40.0, "note": "slow"})
	if err != nil || ev.Result != Pass || ev.Items[1].Result != NA {
		t.Fatalf("progress: %+v %v", ev, err)
	}
}

func TestEvaluateInvalid(t *testing.T) {
	tpl := defaultOf(t, TypeSignage)
	a := map[string]any{
		"banner": "yes", "banner_photo": []any{"p1"}, "sign_board": true, "sign_board_photo": []any{},
		"notice_board": true, "extra": 1.0,
	}
	_, err := Evaluate(tpl, a)
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindUnprocessable {
		t.Fatalf("want 422, got %v", err)
	}
	want := map[string]string{
		"answers.extra": "unknown_item", "answers.banner": "wrong_type",
		"answers.sign_board_photo": "wrong_type", "answers.notice_board_photo": "required",
	}
	got := map[string]string{}
	for _, f := range e.Fields {
		got[f.Field] = f.Code
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
}

func TestTemplateValidate(t *testing.T) {
	bad := Template{Type: "nope", Items: []Item{
		{Key: "A", Label: "x", Type: ItemYesNo},
		{Key: "n", Label: "", Type: ItemNumber, Min: ptr(5), Max: ptr(1)},
		{Key: "n", Label: "c", Type: ItemChoice, Options: []string{"a"}, FailOptions: []string{"b"}},
		{Key: "z", Label: "z", Type: "slider"},
	}}
	err := bad.Validate()
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) != 7 {
		t.Fatalf("got %v", err)
	}
}
