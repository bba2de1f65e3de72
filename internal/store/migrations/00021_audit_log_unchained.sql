-- +goose Up
-- The audit log stops being a hash chain appended under one global lock
-- and becomes the leaves of a Merkle tree sealed in the background
-- (internal/audit, docs/ARCHITECTURE.md). A write now inserts its entry
-- with a surrogate id and no seq; the sealer gives it seq (its leaf index
-- + 1, gap-free, in sealing order) and leaf_hash, in the transaction that
-- extends the tree and signs a checkpoint over it.
--
-- Entries written under the chain keep their seq, prev_hash and hash; they
-- have no leaf_hash yet. The sealer verifies their chain and makes them the
-- tree's first leaves (in seq order) before it seals anything newer, and
-- refuses to if the chain is broken. Entries sealed into the tree have
-- prev_hash and hash empty.
CREATE TABLE audit_log_tree (
    id          BIGSERIAL PRIMARY KEY,
    seq         BIGINT UNIQUE,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    changes     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL DEFAULT '',
    hash        TEXT NOT NULL DEFAULT '',
    leaf_hash   TEXT
);
INSERT INTO audit_log_tree (seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash)
SELECT seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash
FROM audit_log ORDER BY seq;
DROP TABLE audit_log;
ALTER TABLE audit_log_tree RENAME TO audit_log;
-- The sealer's queue: unsealed entries in id order.
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);

-- +goose Down
-- Only a log that was never sealed past the chain goes back.
CREATE TABLE audit_log_chain (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    changes     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
INSERT INTO audit_log_chain SELECT seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash
FROM audit_log WHERE seq IS NOT NULL AND hash <> '';
DROP TABLE audit_log;
ALTER TABLE audit_log_chain RENAME TO audit_log;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
