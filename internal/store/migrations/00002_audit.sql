-- +goose Up
-- The audit log is append-only: every write in fieldproof adds one row, in
-- the same transaction as the write. Each row carries the hash of the one
-- before it, so editing, removing or reordering rows breaks the chain and
-- `fieldproof audit verify` names the first bad entry. seq is assigned by
-- the writer (previous seq + 1) under a lock, so a gap is a removal.
CREATE TABLE audit_log (
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
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);

-- +goose Down
DROP TABLE audit_log;
