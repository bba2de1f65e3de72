package projects

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fieldproof/fieldproof/internal/errs"
)

func invalidFile(code, msg string) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: code, Message: msg}
}

// readCSV reads a header row of column names and the data rows under it.
// Spreadsheet habits are tolerated where harmless: a UTF-8 byte-order mark,
// blank trailing rows, upper-case category and status. A file in another
// encoding (GBK, as older Excel saves) is refused rather than guessed at.
func readCSV(r io.Reader) ([]importRow, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted per row below, for a per-row message
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalidFile("empty_file", "the file is empty; it needs a header row")
	}
	if err != nil {
		return nil, csvError(err)
	}
	if err := checkHeader(header); err != nil {
		return nil, err
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, tooManyRows()
		}
		line, _ := cr.FieldPos(0)
		row := importRow{line: line}
		name := rowNamer(len(rows))
		vals := make(map[string]string, len(header))
		for i, cell := range rec {
			if !utf8.ValidString(cell) {
				return nil, invalidFile("invalid_encoding", fmt.Sprintf("line %d is not UTF-8 text; save the file as CSV UTF-8", line))
			}
			if i < len(header) {
				vals[header[i]] = cell
			}
		}
		if len(rec) != len(header) {
			row.fail(strings.TrimSuffix(name(""), "."), "field_count",
				fmt.Sprintf("has %d fields; the header has %d", len(rec), len(header)))
		}
		row.fromValues(name, vals)
		rows = append(rows, row)
	}
	return rows, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return invalidFile("invalid_csv", fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
	}
	return err // a read error, e.g. the body limit
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkHeader normalises the header in place and refuses unknown, repeated
// or missing columns: a misspelt column would otherwise import as empty.
func checkHeader(h []string) error {
	v := errs.NewValidation(errs.KindInvalid)
	seen := map[string]bool{}
	for i, c := range h {
		c = strings.ToLower(strings.TrimSpace(c))
		h[i] = c
		switch {
		case !isImportColumn(c):
			v.Add(fmt.Sprintf("header[%d]", i), "unknown_column",
				fmt.Sprintf("%q is not a column; use %s%s", c, strings.Join(importColumns, ","), indicatorColumnsHint))
		case seen[c]:
			v.Add(fmt.Sprintf("header[%d]", i), "duplicate_column", fmt.Sprintf("%q appears twice", c))
		}
		seen[c] = true
	}
	for _, c := range requiredColumns {
		v.Check(!seen[c], "header", "missing_column", fmt.Sprintf("the column %q is required", c))
	}
	return v.Err()
}
