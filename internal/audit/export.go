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
	"time"
)

// An export is JSON lines: one header, then every sealed entry in seq
// order, then every checkpoint — read after the entries, so each exported
// entry is covered by an exported checkpoint. With only the verifier key
// (published apart from the export), VerifyExport checks all of it.
type exportLine struct {
	Type string `json:"type"` // "header", "entry" or "checkpoint"

	// header
	Origin      string `json:"origin,omitempty"`
	VerifierKey string `json:"verifier_key,omitempty"`
	LeafFormat  string `json:"leaf_format,omitempty"`

	// entry
	Seq       int64     `json:"seq,omitempty"`
	At        time.Time `json:"at,omitzero"`
	ActorID   string    `json:"actor_id,omitempty"`
	ActorRole string    `json:"actor_role,omitempty"`
	Action    string    `json:"action,omitempty"`
	Entity    string    `json:"entity,omitempty"`
	EntityID  string    `json:"entity_id,omitempty"`
	Changes   string    `json:"changes,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	PrevHash  string    `json:"prev_hash,omitempty"`
	Hash      string    `json:"hash,omitempty"`
	LeafHash  string    `json:"leaf_hash,omitempty"`

	// checkpoint
	Size int64  `json:"size,omitempty"`
	Root []byte `json:"root,omitempty"`
	Note string `json:"note,omitempty"`
}

func entryLine(e Entry) exportLine {
	return exportLine{Type: "entry", Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
		Entity: e.Entity, EntityID: e.EntityID, Changes: e.Changes, RequestID: e.RequestID, PrevHash: e.PrevHash,
		Hash: e.Hash, LeafHash: hex.EncodeToString(e.LeafHash)}
}

func (l exportLine) entry() (Entry, error) {
	var leaf []byte // none recorded: only the checkpoints can judge the entry
	if l.LeafHash != "" {
		var err error
		if leaf, err = hex.DecodeString(l.LeafHash); err != nil {
			return Entry{}, fmt.Errorf("entry %d: leaf_hash is not hex", l.Seq)
		}
	}
	return Entry{Seq: l.Seq, At: l.At, ActorID: l.ActorID, ActorRole: l.ActorRole, Action: l.Action, Entity: l.Entity,
		EntityID: l.EntityID, Changes: l.Changes, RequestID: l.RequestID, PrevHash: l.PrevHash, Hash: l.Hash, LeafHash: leaf}, nil
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
		return enc.Encode(entryLine(e))
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
		var l exportLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("entry line: %w", err)
		}
		e, err := l.entry()
		if err != nil {
			return err
		}
		if !v.add(e) {
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
