-- +goose Up
-- Each run of the audit chain's verification (the CLI's `audit verify` or
-- the console's "verify now"), so the office can say when the chain was
-- last proven intact and by whom. Kept, never updated: a run that found
-- the chain broken stays on record after the chain is repaired.
CREATE TABLE audit_verifications (
    id             TEXT PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    -- a user id, or "cli" for the operator's command line
    by_actor       TEXT NOT NULL,
    ok             BOOLEAN NOT NULL,
    -- false when the run stopped at its deadline before the chain's end
    complete       BOOLEAN NOT NULL,
    entries        BIGINT NOT NULL,
    first_bad_seq  BIGINT,
    reason         TEXT NOT NULL DEFAULT '',
    head           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_verifications_at ON audit_verifications (at);

-- +goose Down
DROP TABLE audit_verifications;
