package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// An export is JSON lines: one header, then every sealed entry in seq
// order, then every checkpoint — read after the entries, so each exported
// entry is covered by an exported checkpoint. An entry's line carries its
// leaf data itself (the canonical JSON array its leaf hash is over, see
// LeafData), so a verifier hashes exactly what it reads:
//
//	{"type":"entry","leaf_hash":"<hex, as stored>","leaf":["fieldproof-audit-leaf-v1","<seq>",…]}
//
// With only the verifier key (published apart from the export),
// VerifyExport checks all of it.
type exportLine struct {
	Type string `json:"type"` // "header" or "checkpoint"; entries: see entryLine

	// header
	Origin      string `json:"origin,omitempty"`
	VerifierKey string `json:"verifier_key,omitempty"`
	LeafFormat  string `json:"leaf_format,omitempty"`

	// checkpoint
	Size int64     `json:"size,omitempty"`
	Root []byte    `json:"root,omitempty"`
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at,omitzero"`
}

const (
	entryPrefix = `{"type":"entry","leaf_hash":"`
	leafField   = `","leaf":`
)

var leafPrefix = []byte(`["` + leafVersion + `","`)

// entryLine is the entry's export line (with its newline).
func entryLine(e Entry) []byte {
	b := make([]byte, 0, 512)
	b = append(b, entryPrefix...)
	b = hex.AppendEncode(b, e.LeafHash)
	b = append(b, leafField...)
	b = append(b, LeafData(e)...)
	return append(b, "}\n"...)
}

// parseEntryLine reads an entry line: the stored leaf hash (nil when none),
// the leaf data as written, and the seq the leaf data names.
func parseEntryLine(line []byte) (leafHash, leaf []byte, seq int64, err error) {
	rest, ok := bytes.CutPrefix(line, []byte(entryPrefix))
	if !ok {
		return nil, nil, 0, errors.New("not an entry line")
	}
	h, rest, ok := bytes.Cut(rest, []byte(leafField))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return nil, nil, 0, errors.New("entry line: no leaf")
	}
	if len(h) > 0 {
		if leafHash, err = hex.DecodeString(string(h)); err != nil {
			return nil, nil, 0, errors.New("entry line: leaf_hash is not hex")
		}
	}
	leaf = rest[:len(rest)-1]
	digits, ok := bytes.CutPrefix(leaf, leafPrefix)
	if end := bytes.IndexByte(digits, '"'); ok && end > 0 {
		seq, err = strconv.ParseInt(string(digits[:end]), 10, 64)
	}
	if !ok || seq < 1 || err != nil {
		return nil, nil, 0, errors.New("entry line: the leaf does not start with its format and seq")
	}
	return leafHash, leaf, seq, nil
}

// Export writes the sealed log, its checkpoints and the verifier key to w.
func (s *Service) Export(ctx context.Context, w io.Writer) (entries int64, err error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(exportLine{Type: "header", Origin: s.key.Origin, VerifierKey: s.key.VerifierKey, LeafFormat: leafVersion}); err != nil {
		return 0, err
	}
	err = s.store.Scan(ctx, 0, func(e Entry) error {
		entries++
		_, err := bw.Write(entryLine(e))
		return err
	})
	if err != nil {
		return entries, err
	}
	err = s.store.Checkpoints(ctx, func(cp Checkpoint) error {
		return enc.Encode(exportLine{Type: "checkpoint", Size: cp.Size, Root: cp.Root, Note: cp.Note, At: cp.At})
	})
	if err != nil {
		return entries, err
	}
	return entries, bw.Flush()
}

// VerifyExport checks an export against verifierKey (the published key, not
// the export's own header): every checkpoint's signature, every entry's
// leaf from its content, the tree rebuilt from the entries against every
// checkpoint, and that the entries are gap-free and end at the latest
// checkpoint. It reads r twice (checkpoints first), so r must seek.
func VerifyExport(r io.ReadSeeker, verifierKey string) (Report, error) {
	var cps []Checkpoint
	err := eachLine(r, func(line []byte) error {
		if !bytes.HasPrefix(line, []byte(`{"type":"checkpoint"`)) {
			return nil
		}
		var l exportLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("checkpoint line: %w", err)
		}
		cps = append(cps, Checkpoint{Size: l.Size, Root: l.Root, Note: l.Note, At: l.At})
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Report{}, err
	}
	v := newTreeVerifier(verifierKey, cps)
	err = eachLine(r, func(line []byte) error {
		if !bytes.HasPrefix(line, []byte(`{"type":"entry"`)) {
			return nil
		}
		stored, leaf, seq, err := parseEntryLine(line)
		if err != nil {
			return err
		}
		if !v.addLeaf(seq, hasher.HashLeaf(leaf), stored) {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return v.r, err
	}
	return v.finish(), nil
}

func eachLine(r io.Reader, fn func([]byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}
