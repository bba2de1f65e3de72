-- +goose Up
-- Checklist templates, one row per (type, version). A version is never
-- updated: checks reference (type, version), and the primary key is what
-- makes concurrent seeding and concurrent edits safe. items is the item list
-- as JSON (its shape belongs to internal/checklists, not to SQL).
CREATE TABLE checklist_templates (
    type        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    items       JSONB NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (type, version)
);

-- Idempotency-Key records. The row is inserted before the handler runs
-- (status 0 = in progress), so two requests with one key cannot both run;
-- the key is per user, so one client cannot replay another's answer.
CREATE TABLE idempotency_keys (
    user_id       TEXT NOT NULL,
    key           TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE checklist_templates;
