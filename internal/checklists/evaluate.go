package checklists

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Outcome is the judgement of one item or of a whole check.
type Outcome string

// The outcomes. NA: an optional item left unanswered, or a text item, which
// records an observation and never fails a check.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	NA   Outcome = "na"
)

// ItemResult is one item's judgement.
type ItemResult struct {
	Key    string
	Result Outcome
}

// Evaluation is what the server computes from a check's answers; the client
// never sends it.
type Evaluation struct {
	Items  []ItemResult
	Result Outcome // fail if any item fails, else pass
}

// Evaluate judges answers (decoded JSON: bool, float64 or json.Number,
// string, []any) against t. Answers that do not fit the template are a 422
// naming every field as "answers.<key>", so a phone can show them all at once.
func Evaluate(t Template, answers map[string]any) (Evaluation, error) {
	v := errs.NewValidation(errs.KindUnprocessable)
	known := map[string]bool{}
	for _, it := range t.Items {
		known[it.Key] = true
	}
	// Sorted so the field list is stable from one request to the next.
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Check(!known[k], "answers."+k, "unknown_item", "not an item of "+string(t.Type)+" v"+fmt.Sprint(t.Version))
	}

	ev := Evaluation{Result: Pass}
	for _, it := range t.Items {
		field := "answers." + it.Key
		a, present := answers[it.Key]
		if !present || a == nil {
			if it.Required {
				v.Add(field, "required", "this item must be answered")
			}
			ev.Items = append(ev.Items, ItemResult{Key: it.Key, Result: NA})
			continue
		}
		out, msg := judge(it, a)
		if msg != "" {
			v.Add(field, "wrong_type", msg)
			continue
		}
		if out == Fail {
			ev.Result = Fail
		}
		ev.Items = append(ev.Items, ItemResult{Key: it.Key, Result: out})
	}
	if err := v.Err(); err != nil {
		return Evaluation{}, err
	}
	return ev, nil
}

// judge returns the outcome, or a message when the answer has the wrong shape.
func judge(it Item, a any) (Outcome, string) {
	switch it.Type {
	case ItemYesNo:
		b, ok := a.(bool)
		if !ok {
			return "", "must be true or false"
		}
		if b == it.PassWhen {
			return Pass, ""
		}
		return Fail, ""
	case ItemNumber:
		x, ok := number(a)
		if !ok {
			return "", "must be a number"
		}
		if (it.Min != nil && x < *it.Min) || (it.Max != nil && x > *it.Max) {
			return Fail, ""
		}
		return Pass, ""
	case ItemChoice:
		s, ok := a.(string)
		if !ok || !contains(it.Options, s) {
			return "", fmt.Sprintf("must be one of %v", it.Options)
		}
		if contains(it.FailOptions, s) {
			return Fail, ""
		}
		return Pass, ""
	case ItemText:
		s, ok := a.(string)
		if !ok {
			return "", "must be text"
		}
		if len(s) > 4000 {
			return "", "at most 4000 characters"
		}
		return NA, ""
	case ItemPhoto:
		ids, ok := stringList(a)
		if !ok {
			return "", "must be a list of photo UUIDs"
		}
		if len(ids) == 0 {
			if it.Required {
				return "", "at least one photo is required"
			}
			return NA, ""
		}
		return Pass, ""
	}
	return "", "unknown item type"
}

func number(a any) (float64, bool) {
	switch n := a.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func stringList(a any) ([]string, bool) {
	switch l := a.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := x.(string)
			if !ok || s == "" {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// PhotoIDs returns the photo UUIDs the answers name in photo items, so the
// check can count them among the photos it announces.
func PhotoIDs(t Template, answers map[string]any) []string {
	var out []string
	for _, it := range t.Items {
		if it.Type != ItemPhoto {
			continue
		}
		if ids, ok := stringList(answers[it.Key]); ok {
			out = append(out, ids...)
		}
	}
	return out
}
