package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// TreeStore keeps the tree: its size, its nodes and its checkpoints.
type TreeStore interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// LockTree, inside InTx, locks the tree until commit and returns its
	// size: a second sealer waits, then sees what the first sealed.
	LockTree(ctx context.Context) (size int64, err error)
	// Legacy returns up to n entries with seq > after in seq order: entries
	// of the old chain not yet in the tree.
	Legacy(ctx context.Context, after int64, n int) ([]Entry, error)
	// Unsealed returns up to n committed, unsealed entries in ID order.
	Unsealed(ctx context.Context, n int) ([]Entry, error)
	// Nodes reads stored nodes; a missing one is an error.
	Nodes(ctx context.Context, ids []compact.NodeID) ([][]byte, error)
	// Seal, inside InTx, gives es their Seq and LeafHash, stores nodes
	// and cp, and sets the tree's size to cp.Size.
	Seal(ctx context.Context, es []Entry, nodes []Node, cp Checkpoint) error
	// LatestCheckpoint is the newest checkpoint; found is false before the
	// first seal.
	LatestCheckpoint(ctx context.Context) (cp Checkpoint, found bool, err error)
	// Checkpoint is the one of the given size (errs.ErrNotFound when none).
	Checkpoint(ctx context.Context, size int64) (Checkpoint, error)
	// Checkpoints calls fn for every checkpoint, by size.
	Checkpoints(ctx context.Context, fn func(Checkpoint) error) error
}

// Node is one stored tree node.
type Node struct {
	ID   compact.NodeID
	Hash []byte
}

// SealHook runs inside the sealing transaction (ctx carries it), once per
// batch, with the batch's entries in seq order (Seq set).
type SealHook func(ctx context.Context, es []Entry) error

// OnSeal adds h to the hooks every sealed batch runs. Register hooks while
// wiring, before the sealer starts.
func (s *Service) OnSeal(h SealHook) { s.hooks = append(s.hooks, h) }

// SealOptions tune the sealer.
type SealOptions struct {
	// Batch is the most entries one sealing transaction takes.
	Batch int
	// Lag observes, per sealed entry, the time from its append to its
	// seal (nil: not observed).
	Lag func(time.Duration)
}

func (o SealOptions) withDefaults() SealOptions {
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	return o
}

// ChainBrokenError stops sealing: an entry of the old hash chain does not
// follow from its predecessor, so the tree would seal a forgery. Writes go
// on (their entries wait unsealed) until the operator restores the log.
type ChainBrokenError struct{ Problem }

func (e *ChainBrokenError) Error() string {
	return fmt.Sprintf("audit: the old hash chain is broken at entry %d (%s); sealing stopped", e.Seq, e.Reason)
}

var hasher = rfc6962.DefaultHasher

var factory = &compact.RangeFactory{Hash: hasher.HashChildren}

// SealNow seals every entry committed so far, batch by batch, and returns
// how many it sealed. Tests and the CLI call it; the sealer loop too.
func (s *Service) SealNow(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.sealBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (s *Service) sealBatch(ctx context.Context) (int, error) {
	var sealed []Entry
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		size, err := s.store.LockTree(ctx)
		if err != nil {
			return err
		}
		es, err := s.store.Legacy(ctx, size, s.sealing.Batch)
		if err != nil {
			return err
		}
		if len(es) > 0 {
			if err := s.checkLegacy(ctx, size, es); err != nil {
				return err
			}
		} else {
			if es, err = s.store.Unsealed(ctx, s.sealing.Batch); err != nil || len(es) == 0 {
				return err
			}
			for i := range es {
				es[i].Seq = size + int64(i) + 1
			}
		}
		rng, err := s.rangeAt(ctx, size)
		if err != nil {
			return err
		}
		var nodes []Node
		visit := func(id compact.NodeID, h []byte) { nodes = append(nodes, Node{ID: id, Hash: h}) }
		for i := range es {
			es[i].LeafHash = LeafHash(es[i])
			if err := rng.Append(es[i].LeafHash, visit); err != nil {
				return err
			}
		}
		root, err := rng.GetRootHash(nil)
		if err != nil {
			return err
		}
		cp, err := s.key.sign(int64(rng.End()), root, s.now().UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		if err := s.store.Seal(ctx, es, nodes, cp); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, es); err != nil {
				return fmt.Errorf("seal hook: %w", err)
			}
		}
		sealed = es
		return nil
	})
	if err != nil {
		return 0, err
	}
	if s.sealing.Lag != nil {
		now := s.now()
		for _, e := range sealed {
			s.sealing.Lag(now.Sub(e.At))
		}
	}
	return len(sealed), nil
}

// checkLegacy verifies that the old chain's entries es (seq order, after
// the tree's size) follow from their predecessors, as the chain's own
// verification did: no gap, each prev_hash its predecessor's hash, each
// hash over its content. Only then do they become leaves.
func (s *Service) checkLegacy(ctx context.Context, size int64, es []Entry) error {
	prev := GenesisHash
	if size > 0 {
		last, err := s.store.Get(ctx, size)
		if err != nil {
			return err
		}
		if last.Hash == "" {
			return &ChainBrokenError{Problem{Seq: es[0].Seq, Reason: "an old-chain entry after entries sealed into the tree (inserted)"}}
		}
		prev = last.Hash
	}
	for i, e := range es {
		var reason string
		switch {
		case e.Seq != size+int64(i)+1:
			reason = fmt.Sprintf("entry %d follows entry %d: entries are missing", e.Seq, size+int64(i))
		case e.PrevHash != prev:
			reason = "its prev_hash is not the hash of the entry before it (removed or reordered entries)"
		case chainHash(e) != e.Hash:
			reason = "its content does not match its hash (edited)"
		}
		if reason != "" {
			return &ChainBrokenError{Problem{Seq: e.Seq, Reason: reason}}
		}
		prev = e.Hash
	}
	return nil
}

// rangeAt rebuilds the compact range of a tree of size leaves — the roots
// of its perfect subtrees — from stored nodes.
func (s *Service) rangeAt(ctx context.Context, size int64) (*compact.Range, error) {
	ids := compact.RangeNodes(0, uint64(size), nil)
	hashes, err := s.store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	return factory.NewRange(0, uint64(size), hashes)
}

// Sealer seals on a timer while it holds the sealer lease.
type Sealer struct {
	Service  *Service
	Interval time.Duration
	// TryLease takes or keeps the sealer lease for until; false when
	// another replica holds it.
	TryLease func(ctx context.Context, until time.Time) (bool, error)
	// Failed reports a failed round (logged by the caller).
	Failed func(error)
}

// Run seals every Interval until ctx ends. The lease outlasts several
// intervals, so a holder keeps it by renewing and a dead holder's lapses.
// A failing round (a broken old chain, the database away) is reported and
// retried after a doubling pause of up to a minute, not every interval.
func (r Sealer) Run(ctx context.Context) {
	if r.Interval <= 0 {
		return
	}
	wait := r.Interval
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.round(ctx)
		switch {
		case err == nil:
			wait = r.Interval
		case ctx.Err() == nil:
			if r.Failed != nil {
				r.Failed(err)
			}
			wait = min(2*wait, time.Minute)
		}
		t.Reset(wait)
	}
}

func (r Sealer) round(ctx context.Context) error {
	held, err := r.TryLease(ctx, time.Now().Add(10*r.Interval+5*time.Second))
	if err != nil || !held {
		return err
	}
	_, err = r.Service.SealNow(ctx)
	return err
}

var errStop = errors.New("stop")
