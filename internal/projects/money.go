package projects

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Budgets are kept as integer fen: a float cannot hold 0.1 yuan exactly,
// and budgets are summed and compared with audit figures.
var yuanPattern = regexp.MustCompile(`^[0-9]{1,13}(\.[0-9]{1,2})?$`)

var errYuan = errors.New("must be a plain decimal amount in yuan with at most two decimals, like 1234567.89")

// ParseYuan reads a decimal yuan amount into fen.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if !yuanPattern.MatchString(s) {
		return 0, errYuan
	}
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errYuan
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errYuan
	}
	return w*100 + f, nil
}

// FormatYuan writes fen as a decimal yuan amount with two decimals.
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
