-- +goose Up
-- The audit log's Merkle tree (RFC 6962). audit_tree is its one state row:
-- the sealer locks it for the whole sealing transaction, so two sealers
-- (replicas) take turns and never give two entries one seq.
CREATE TABLE audit_tree (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    size  BIGINT NOT NULL
);
INSERT INTO audit_tree (id, size) VALUES (1, 0);

-- Every node of the tree once its subtree is complete (leaves are level 0),
-- as the compact range emits them: proofs are read from here, never by
-- rehashing leaves.
CREATE TABLE audit_tree_nodes (
    level  INTEGER NOT NULL,
    idx    BIGINT NOT NULL,
    hash   BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- A signed checkpoint (C2SP tlog-checkpoint, a signed note) per sealed
-- batch: the tree's size and root, signed with the audit key.
CREATE TABLE audit_checkpoints (
    size  BIGINT PRIMARY KEY,
    root  BYTEA NOT NULL,
    note  TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_tree_nodes;
DROP TABLE audit_tree;
