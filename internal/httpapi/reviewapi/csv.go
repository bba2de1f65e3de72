package reviewapi

import "strings"

// utf8BOM makes Excel read the file as UTF-8, so Chinese names open
// correctly instead of as mojibake in the system code page.
const utf8BOM = "\ufeff"

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (=, +, -, @) or that older Excel versions also treat
// so after stripping (tab, carriage return).
const formulaStart = "=+-@\t\r"

// cell defuses a text cell against formula injection (CSV injection): a
// cell that would start a formula is prefixed with a single quote, which
// spreadsheets show as text. Every cell from user input goes through it;
// numbers the server formats itself do not, so a negative coordinate stays
// a number.
func cell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}
