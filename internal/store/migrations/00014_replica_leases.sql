-- +goose Up
-- A running Idempotency-Key is held by its request (owner) for a lease it
-- renews; a retry takes over a key whose lease lapsed, so a request that
-- died with its replica no longer strands the key until it expires.
-- Keys claimed before this migration have no lease and may be taken over.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN lease_until TIMESTAMPTZ;

-- An upload records the object key it is about to put before the put; the
-- row's transaction consumes the intent, so an object always has a live
-- intent or a row until the upload has failed. The orphan sweeper removes
-- only objects with neither, and claims a lapsed intent (deletes it) before
-- removing its object, after which the upload can no longer commit.
CREATE TABLE object_intents (
    key         TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX object_intents_expires ON object_intents (expires_at);

-- Named leases for work one replica at a time should do (the orphan sweep).
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    held_until  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE leases;
DROP TABLE object_intents;
ALTER TABLE idempotency_keys DROP COLUMN lease_until;
ALTER TABLE idempotency_keys DROP COLUMN owner;
