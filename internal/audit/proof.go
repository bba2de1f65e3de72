package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/transparency-dev/merkle/proof"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// InclusionProof shows that Entry is the leaf at Seq-1 of the tree that
// Checkpoint signs.
type InclusionProof struct {
	Entry      Entry
	Checkpoint Checkpoint
	Hashes     [][]byte
}

// ConsistencyProof shows that the tree of checkpoint To extends that of
// From.
type ConsistencyProof struct {
	From, To Checkpoint
	Hashes   [][]byte
}

// Checkpoint returns the latest signed checkpoint (errs.ErrNotFound before
// the first seal).
func (s *Service) Checkpoint(ctx context.Context) (Checkpoint, error) {
	cp, found, err := s.store.LatestCheckpoint(ctx)
	if err == nil && !found {
		err = fmt.Errorf("audit checkpoint: %w", errs.ErrNotFound)
	}
	return cp, err
}

// VerifierKey is the public key that checks checkpoints.
func (s *Service) VerifierKey() string { return s.key.VerifierKey }

// checkpointAt is the checkpoint of size, or the latest for size 0.
func (s *Service) checkpointAt(ctx context.Context, size int64) (Checkpoint, error) {
	if size == 0 {
		return s.Checkpoint(ctx)
	}
	return s.store.Checkpoint(ctx, size)
}

// Inclusion proves the entry at seq against the checkpoint of size (0: the
// latest). An entry not yet sealed, or past that checkpoint, is not found.
func (s *Service) Inclusion(ctx context.Context, seq, size int64) (InclusionProof, error) {
	cp, err := s.checkpointAt(ctx, size)
	if err != nil {
		return InclusionProof{}, err
	}
	if seq < 1 || seq > cp.Size {
		return InclusionProof{}, outOfRange("seq", fmt.Sprintf("must be 1 to the checkpoint's size %d", cp.Size))
	}
	e, err := s.store.Get(ctx, seq)
	if err != nil {
		return InclusionProof{}, err
	}
	nodes, err := proof.Inclusion(uint64(seq-1), uint64(cp.Size))
	if err != nil {
		return InclusionProof{}, err
	}
	hashes, err := s.proofHashes(ctx, nodes)
	return InclusionProof{Entry: e, Checkpoint: cp, Hashes: hashes}, err
}

// Consistency proves that the tree of checkpoint to (0: the latest)
// extends that of checkpoint from.
func (s *Service) Consistency(ctx context.Context, from, to int64) (ConsistencyProof, error) {
	cpTo, err := s.checkpointAt(ctx, to)
	if err != nil {
		return ConsistencyProof{}, err
	}
	if from < 1 || from > cpTo.Size {
		return ConsistencyProof{}, outOfRange("from", fmt.Sprintf("must be 1 to %d", cpTo.Size))
	}
	cpFrom, err := s.store.Checkpoint(ctx, from)
	if err != nil {
		return ConsistencyProof{}, err
	}
	nodes, err := proof.Consistency(uint64(from), uint64(cpTo.Size))
	if err != nil {
		return ConsistencyProof{}, err
	}
	hashes, err := s.proofHashes(ctx, nodes)
	return ConsistencyProof{From: cpFrom, To: cpTo, Hashes: hashes}, err
}

// proofHashes reads a proof's nodes and folds its ephemeral node.
func (s *Service) proofHashes(ctx context.Context, nodes proof.Nodes) ([][]byte, error) {
	hashes, err := s.store.Nodes(ctx, nodes.IDs)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// VerifyInclusion checks p offline with only the verifier key: the
// checkpoint's signature, the entry's leaf hash from its content, and the
// path to the signed root.
func VerifyInclusion(p InclusionProof, verifierKey string) error {
	if err := verifyCheckpoint(p.Checkpoint, verifierKey); err != nil {
		return err
	}
	return proof.VerifyInclusion(hasher, uint64(p.Entry.Seq-1), uint64(p.Checkpoint.Size), LeafHash(p.Entry), p.Hashes, p.Checkpoint.Root)
}

// VerifyConsistency checks p offline: both checkpoints' signatures and that
// the later tree extends the earlier. Two signed trees of one size with
// different roots (a fork) fail here.
func VerifyConsistency(p ConsistencyProof, verifierKey string) error {
	for _, cp := range []Checkpoint{p.From, p.To} {
		if err := verifyCheckpoint(cp, verifierKey); err != nil {
			return err
		}
	}
	return proof.VerifyConsistency(hasher, uint64(p.From.Size), uint64(p.To.Size), p.Hashes, p.From.Root, p.To.Root)
}

func outOfRange(field, msg string) error {
	v := errs.NewValidation(errs.KindInvalid)
	v.Add(field, "out_of_range", msg)
	return v.Err()
}

// VerifyLeafProof checks a proof as an evidence report or the API prints
// it, with no entry fields: the leaf data's hash, folded up the audit path
// from leaf index, must be the root of the signed checkpoint note, and the
// leaf data must name that place (its seq is index + 1).
func VerifyLeafProof(leafData []byte, index int64, checkpointNote string, hashes [][]byte, verifierKey string) error {
	_, size, root, err := OpenCheckpoint(checkpointNote, verifierKey)
	if err != nil {
		return err
	}
	var fields []string
	if err := json.Unmarshal(leafData, &fields); err != nil || len(fields) < 2 || fields[0] != leafVersion {
		return errors.New("leaf data is not an audit entry's encoding")
	}
	if fields[1] != strconv.FormatInt(index+1, 10) {
		return fmt.Errorf("leaf data is entry %s, not the entry at leaf index %d", fields[1], index)
	}
	if index < 0 || index >= size {
		return fmt.Errorf("leaf index %d is outside the checkpoint's tree of %d", index, size)
	}
	return proof.VerifyInclusion(hasher, uint64(index), uint64(size), hasher.HashLeaf(leafData), hashes, root)
}

// Evidence is where a record's entry stands in the log: Proof is nil until
// the entry is sealed; Found is false when there is no such entry.
type Evidence struct {
	Found bool
	Entry Entry
	Proof *InclusionProof
}

// EvidenceOf is the evidence of the newest entry of action on the entity
// (a photo's "photo.upload"), with its inclusion proof against the latest
// checkpoint once sealed.
func (s *Service) EvidenceOf(ctx context.Context, entity, entityID, action string) (Evidence, error) {
	e, found, err := s.Find(ctx, entity, entityID, action)
	if err != nil || !found || !e.Sealed() {
		return Evidence{Found: found, Entry: e}, err
	}
	p, err := s.Inclusion(ctx, e.Seq, 0)
	if err != nil {
		return Evidence{}, err
	}
	return Evidence{Found: true, Entry: e, Proof: &p}, nil
}
