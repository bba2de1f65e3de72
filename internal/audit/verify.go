package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/transparency-dev/merkle/compact"
)

// Problem is the first bad entry a verification found.
type Problem struct {
	Seq    int64 // the first bad entry
	Reason string
}

// Report is what a verification found.
type Report struct {
	// Entries is how many entries verified, from seq 1.
	Entries int64
	// Size and Root are the latest checkpoint's (Root in hex).
	Size    int64
	Root    string
	Problem *Problem
}

// treeVerifier rebuilds the tree from entries in seq order and checks it
// against signed checkpoints — the one verification behind the live log's
// Verify and an export's VerifyExport.
type treeVerifier struct {
	key  string
	cps  []Checkpoint // by size
	next int
	rng  *compact.Range
	r    Report
	// lastGood is the size of the last checkpoint that matched.
	lastGood int64
}

func newTreeVerifier(key string, cps []Checkpoint) *treeVerifier {
	v := &treeVerifier{key: key, rng: factory.NewEmptyRange(0)}
	sort.SliceStable(cps, func(i, j int) bool { return cps[i].Size < cps[j].Size })
	v.cps = cps
	for i, cp := range cps {
		if err := verifyCheckpoint(cp, key); err != nil {
			v.fail(cp.Size, fmt.Sprintf("checkpoint %d: %v", cp.Size, err))
			return v
		}
		if i > 0 && cps[i-1].Size == cp.Size && !bytes.Equal(cps[i-1].Root, cp.Root) {
			v.fail(cp.Size, fmt.Sprintf("two signed checkpoints of size %d with different roots (a forked log)", cp.Size))
			return v
		}
	}
	if n := len(cps); n > 0 {
		v.r.Size, v.r.Root = cps[n-1].Size, hex.EncodeToString(cps[n-1].Root)
	}
	return v
}

func (v *treeVerifier) fail(seq int64, reason string) {
	if v.r.Problem == nil {
		v.r.Problem = &Problem{Seq: seq, Reason: reason}
	}
}

// add takes the next entry; false once a problem is found.
func (v *treeVerifier) add(e Entry) bool {
	return v.addLeaf(e.Seq, LeafHash(e), e.LeafHash)
}

// addLeaf takes the next entry as its seq, its leaf hash recomputed from its
// content, and the leaf hash stored with it (nil: none).
func (v *treeVerifier) addLeaf(seq int64, leaf, stored []byte) bool {
	if v.r.Problem != nil {
		return false
	}
	want := int64(v.rng.End()) + 1
	switch {
	case seq > v.r.Size:
		v.fail(seq, fmt.Sprintf("entry %d is past the latest signed checkpoint (size %d): inserted", seq, v.r.Size))
	case seq > want:
		v.fail(want, fmt.Sprintf("entry %d follows entry %d: entries are missing", seq, want-1))
	case seq < want:
		v.fail(seq, fmt.Sprintf("entry %d appears again after entry %d (duplicated or reordered)", seq, want-1))
	}
	if v.r.Problem != nil {
		return false
	}
	if stored != nil && !bytes.Equal(leaf, stored) {
		v.fail(seq, "its content does not match its leaf hash (edited, or moved to another seq)")
		return false
	}
	_ = v.rng.Append(leaf, nil) // appending to a range from 0 cannot fail
	v.r.Entries++
	for v.next < len(v.cps) && v.cps[v.next].Size == seq {
		root, _ := v.rng.GetRootHash(nil)
		if !bytes.Equal(root, v.cps[v.next].Root) {
			v.fail(v.lastGood+1, fmt.Sprintf("entries %d to %d do not hash to the root signed in checkpoint %d (edited, reordered or replaced)",
				v.lastGood+1, seq, seq))
			v.r.Entries = v.lastGood
			return false
		}
		v.lastGood = seq
		v.next++
	}
	return true
}

// finish checks that the entries reached the latest checkpoint.
func (v *treeVerifier) finish() Report {
	if end := int64(v.rng.End()); v.r.Problem == nil && end < v.r.Size {
		v.fail(end+1, fmt.Sprintf("the log ends at entry %d but checkpoint %d is signed: entries are missing", end, v.r.Size))
	}
	return v.r
}

// Verify checks the live log: every sealed entry's leaf from its content,
// the tree rebuilt from them against every signed checkpoint, and that no
// entry lies past the latest checkpoint. It names the first bad entry.
func (s *Service) Verify(ctx context.Context) (Report, error) {
	var cps []Checkpoint
	if err := s.store.Checkpoints(ctx, func(cp Checkpoint) error { cps = append(cps, cp); return nil }); err != nil {
		return Report{}, err
	}
	v := newTreeVerifier(s.key.VerifierKey, cps)
	var beyond int64
	err := s.store.Scan(ctx, 0, func(e Entry) error {
		// Sealed after the checkpoints were read: checked below.
		if e.Seq > v.r.Size && e.Seq == int64(v.rng.End())+1 {
			beyond = e.Seq
			return errStop
		}
		if !v.add(e) {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return v.r, err
	}
	if beyond > 0 && v.r.Problem == nil {
		// Every seal signs its checkpoint in its own transaction, so an
		// entry sealed since is covered by a newer checkpoint.
		cp, found, err := s.store.LatestCheckpoint(ctx)
		if err != nil {
			return v.r, err
		}
		if !found || cp.Size < beyond {
			v.fail(beyond, fmt.Sprintf("entry %d is past the latest signed checkpoint: inserted", beyond))
		}
		return v.r, nil
	}
	return v.finish(), nil
}
