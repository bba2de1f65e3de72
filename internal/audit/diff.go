package audit

import (
	"reflect"
	"strings"
	"unicode"
)

// Diff lists the exported fields that differ between two values of the same
// struct type as {"field_name": [old, new]}, for an entry's changes. Field
// names are snake_cased; fields tagged `audit:"-"` (hashes, secrets) are
// left out. Anything that is not two structs of one type gives nil.
func Diff(before, after any) map[string][2]any {
	b, a := reflect.ValueOf(before), reflect.ValueOf(after)
	if b.Kind() != reflect.Struct || a.Type() != b.Type() {
		return nil
	}
	out := map[string][2]any{}
	t := b.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("audit") == "-" {
			continue
		}
		bv, av := b.Field(i).Interface(), a.Field(i).Interface()
		if !reflect.DeepEqual(bv, av) {
			out[snake(f.Name)] = [2]any{bv, av}
		}
	}
	return out
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 && !unicode.IsUpper(rune(s[i-1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
