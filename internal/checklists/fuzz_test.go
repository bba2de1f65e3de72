package checklists

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzEvaluate: any JSON answers against every default template are judged
// or refused with field errors; never a panic, and a judged check has one
// known outcome per item.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		`{"percent_complete": 40, "note": "base course"}`,
		`{"slump_mm": 30, "thickness_cm": 18, "width_m": 3.5, "strength_grade": "C30", "mix_matches_design": true, "curing": true, "joints_cut": true}`,
		`{"banner": true, "banner_photo": ["0b6b2f3e-6f0a-4a7e-9a39-5b9f1c1f2d11"], "sign_board": false}`,
		`{"slump_mm": "wet", "strength_grade": 30, "colour": null}`,
		`{"percent_complete": 1e309}`, `{"banner_photo": [1, {}, ""]}`, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var answers map[string]any
		if dec.Decode(&answers) != nil {
			return
		}
		for _, tpl := range Defaults() {
			ev, err := Evaluate(tpl, answers)
			if err != nil {
				continue
			}
			if len(ev.Items) != len(tpl.Items) || (ev.Result != Pass && ev.Result != Fail) {
				t.Fatalf("%s: %+v", tpl.Type, ev)
			}
			for _, it := range ev.Items {
				if it.Result != Pass && it.Result != Fail && it.Result != NA {
					t.Fatalf("%s: item %s outcome %q", tpl.Type, it.Key, it.Result)
				}
			}
		}
	})
}
