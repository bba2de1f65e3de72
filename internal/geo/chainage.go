package geo

import (
	"fmt"
	"math"
)

// FormatChainage writes a chainage in road-engineering station form,
// kilometres + metres: 12350 -> "K12+350", 850.4 -> "K0+850". It rounds to
// whole metres before splitting, so 999.6 carries to "K1+000" instead of
// producing "K0+1000". Negative values (before the line's start) get a
// leading minus, "-K0+050"; NaN and infinities give "".
func FormatChainage(m float64) string {
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return ""
	}
	r := math.Round(m) + 0 // + 0 turns the -0 of rounding -0.4 into 0
	sign := ""
	if r < 0 {
		sign, r = "-", -r
	}
	km := math.Floor(r / 1000)
	return fmt.Sprintf("%sK%.0f+%03.0f", sign, km, r-km*1000)
}
