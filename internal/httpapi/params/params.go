// Package params reads URL query parameters the same way on every route:
// unknown or repeated parameters are refused (a misspelt filter that
// silently lists or exports everything is a bug nobody sees), and values
// that do not parse are named in one 400 with every field at fault.
package params

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Reader reads one query's values, collecting every problem.
type Reader struct {
	vals url.Values
	v    *errs.Validation
}

// Read checks that vals holds only allowed parameters, each at most once,
// and returns a Reader for their values. Call Err when done.
func Read(vals url.Values, allowed ...string) *Reader {
	r := &Reader{vals: vals, v: errs.NewValidation(errs.KindInvalid)}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		switch {
		case !ok && len(allowed) == 0:
			r.v.Add(k, "unknown_parameter", "this route takes no parameters")
		case !ok:
			r.v.Add(k, "unknown_parameter", "is not a parameter of this route; use "+strings.Join(allowed, ", "))
		case len(vals[k]) > 1:
			r.v.Add(k, "repeated", "must be given at most once")
		}
	}
	return r
}

// String is the value of name, "" when absent.
func (r *Reader) String(name string) string { return r.vals.Get(name) }

// Int is a whole number, nil when absent.
func (r *Reader) Int(name string) *int {
	s, ok := r.vals[name]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil {
		r.v.Add(name, "invalid", "must be a whole number")
		return nil
	}
	return &n
}

// Bool is true or false, nil when absent.
func (r *Reader) Bool(name string) *bool {
	switch r.vals.Get(name) {
	case "":
		return nil
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	r.v.Add(name, "invalid", "must be true or false")
	return nil
}

// Time is an RFC 3339 time, nil when absent.
func (r *Reader) Time(name string) *time.Time {
	s := r.vals.Get(name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		r.v.Add(name, "invalid", "must be an RFC 3339 time, e.g. 2026-05-01T09:30:00+08:00")
		return nil
	}
	return &t
}

// Fail records a problem found by the caller.
func (r *Reader) Fail(name, code, msg string) { r.v.Add(name, code, msg) }

// Err is nil, or one 400 naming every parameter at fault.
func (r *Reader) Err() error { return r.v.Err() }
