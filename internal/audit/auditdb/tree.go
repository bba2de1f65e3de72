package auditdb

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"gorm.io/gorm"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/store"
)

var (
	entTree       = store.NewEntity("audit_tree")
	entCheckpoint = store.NewEntity("audit_checkpoint")
)

type nodeRow struct {
	Level int    `gorm:"primaryKey;autoIncrement:false"`
	Idx   int64  `gorm:"primaryKey;autoIncrement:false"`
	Hash  []byte `gorm:"column:hash"`
}

func (nodeRow) TableName() string { return "audit_tree_nodes" }

type checkpointRow struct {
	Size int64 `gorm:"primaryKey;autoIncrement:false"`
	Root []byte
	Note string
	At   time.Time
}

func (checkpointRow) TableName() string { return "audit_checkpoints" }

func (r checkpointRow) toDomain() audit.Checkpoint {
	return audit.Checkpoint{Size: r.Size, Root: r.Root, Note: r.Note, At: r.At.UTC()}
}

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// LockTree locks the tree's state row until commit. SQLite needs no row
// lock: its transactions here are IMMEDIATE, so this one is the only writer.
func (s *Store) LockTree(ctx context.Context) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := "SELECT size FROM audit_tree WHERE id = 1"
	if s.db.Dialect() == store.Postgres {
		q += " FOR UPDATE"
	}
	var size []int64
	if err := s.db.Conn(ctx).Raw(q).Scan(&size).Error; err != nil {
		return 0, store.Translate(err, entTree, "lock audit_tree")
	}
	if len(size) != 1 {
		return 0, errors.New("audit_tree has no state row")
	}
	return size[0], nil
}

// Legacy returns old-chain entries past the tree, by seq.
func (s *Store) Legacy(ctx context.Context, after int64, n int) ([]audit.Entry, error) {
	return s.entries(ctx, "seq > ?", after, "seq", n)
}

// Unsealed returns committed, unsealed entries by id.
func (s *Store) Unsealed(ctx context.Context, n int) ([]audit.Entry, error) {
	return s.entries(ctx, "seq IS NULL", nil, "id", n)
}

func (s *Store) entries(ctx context.Context, where string, arg any, order string, n int) ([]audit.Entry, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx)
	if arg != nil {
		q = q.Where(where, arg)
	} else {
		q = q.Where(where)
	}
	var rows []auditRow
	if err := q.Order(order).Limit(n).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entAuditLog, "load audit entries to seal")
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// Nodes reads nodes by id, in the order asked.
func (s *Store) Nodes(ctx context.Context, ids []compact.NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return [][]byte{}, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	// A proof or a range has at most ~2·64 nodes: one query, OR-ed pairs.
	q := s.db.Conn(ctx).Model(&nodeRow{})
	cond := s.db.Conn(ctx)
	for i, id := range ids {
		if i == 0 {
			cond = cond.Where("level = ? AND idx = ?", id.Level, id.Index)
		} else {
			cond = cond.Or("level = ? AND idx = ?", id.Level, id.Index)
		}
	}
	var rows []nodeRow
	if err := q.Where(cond).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entTree, "load audit tree nodes")
	}
	byID := make(map[compact.NodeID][]byte, len(rows))
	for _, r := range rows {
		byID[compact.NewNodeID(uint(r.Level), uint64(r.Idx))] = r.Hash
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("audit tree node (%d, %d) is missing", id.Level, id.Index)
		}
		out[i] = h
	}
	return out, nil
}

// Seal records a sealed batch: seq and leaf hash on each entry (an old-chain
// entry keeps its seq), the new nodes, the checkpoint and the tree's size.
func (s *Store) Seal(ctx context.Context, es []audit.Entry, nodes []audit.Node, cp audit.Checkpoint) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	tx := s.db.Conn(ctx)
	for _, e := range es {
		res := tx.Model(&auditRow{}).Where("id = ? AND (seq IS NULL OR seq = ?)", e.ID, e.Seq).
			Updates(map[string]any{"seq": e.Seq, "leaf_hash": hex.EncodeToString(e.LeafHash)})
		if res.Error != nil {
			return store.Translate(res.Error, entAuditLog, "seal audit entry")
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("seal audit entry %d: sealed by another sealer", e.ID)
		}
	}
	rows := make([]nodeRow, len(nodes))
	for i, n := range nodes {
		rows[i] = nodeRow{Level: int(n.ID.Level), Idx: int64(n.ID.Index), Hash: n.Hash}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return store.Translate(err, entTree, "insert audit tree nodes")
		}
	}
	c := checkpointRow{Size: cp.Size, Root: cp.Root, Note: cp.Note, At: cp.At.UTC()}
	if err := tx.Create(&c).Error; err != nil {
		return store.Translate(err, entCheckpoint, "insert audit checkpoint")
	}
	return store.Translate(tx.Exec("UPDATE audit_tree SET size = ? WHERE id = 1", cp.Size).Error, entTree, "update audit_tree")
}

// LatestCheckpoint returns the largest checkpoint.
func (s *Store) LatestCheckpoint(ctx context.Context) (audit.Checkpoint, bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r checkpointRow
	err := s.db.Conn(ctx).Order("size DESC").Limit(1).Take(&r).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return audit.Checkpoint{}, false, nil
	case err != nil:
		return audit.Checkpoint{}, false, store.Translate(err, entCheckpoint, "load audit checkpoint")
	}
	return r.toDomain(), true, nil
}

// Checkpoint returns the checkpoint of size.
func (s *Store) Checkpoint(ctx context.Context, size int64) (audit.Checkpoint, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r checkpointRow
	if err := s.db.Conn(ctx).Where("size = ?", size).Take(&r).Error; err != nil {
		return audit.Checkpoint{}, store.Translate(err, entCheckpoint, "load audit checkpoint")
	}
	return r.toDomain(), nil
}

// Checkpoints reads every checkpoint by size, in batches.
func (s *Store) Checkpoints(ctx context.Context, fn func(audit.Checkpoint) error) error {
	const batch = 1000
	var after int64 = -1
	for {
		var rows []checkpointRow
		qctx, cancel := s.db.Ctx(ctx)
		err := s.db.Conn(qctx).Where("size > ?", after).Order("size").Limit(batch).Find(&rows).Error
		cancel()
		if err != nil {
			return store.Translate(err, entCheckpoint, "scan audit checkpoints")
		}
		for _, r := range rows {
			if err := fn(r.toDomain()); err != nil {
				return err
			}
			after = r.Size
		}
		if len(rows) < batch {
			return nil
		}
	}
}
