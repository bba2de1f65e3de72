// Package keyset holds the page cursors of the lists that page by a row's
// seq, newest first or oldest first (checks, orders, notifications,
// webhook deliveries, triage, campaigns and their tasks): opaque to
// clients, and checked the same way everywhere. The phone sync feed has
// its own cursor format (internal/phonesync).
package keyset

import (
	"encoding/base64"
	"strconv"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// Page sizes: the default and the most a caller may ask for.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Encode makes the cursor that continues after (or before) seq.
func Encode(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(seq, 10)))
}

// Decode reads a cursor made by Encode; false if it is not one.
func Decode(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil && n > 0
}

// Args checks a page's limit and cursor into v, naming the fields as the
// HTTP query parameters do, and answers the seq to continue from (0: the
// first page) and the page size.
func Args(v *errs.Validation, cursor string, limit *int) (seq int64, n int) {
	n = DefaultLimit
	if limit != nil {
		v.Check(*limit < 1 || *limit > MaxLimit, "limit", "out_of_range", "must be 1 to 200")
		n = *limit
	}
	if cursor != "" {
		var ok bool
		seq, ok = Decode(cursor)
		v.Check(!ok, "cursor", "invalid", "not a cursor from this list")
	}
	return seq, n
}
