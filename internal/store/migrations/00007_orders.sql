-- +goose Up
-- Rectification orders (整改通知). The yearly number ZG-2026-0001 comes from
-- order_counters, bumped by one upsert in the order's own transaction: the
-- row lock (PostgreSQL) or the single writer (SQLite) serialises concurrent
-- creations, and the UNIQUE number is the last line of defence.
CREATE TABLE order_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE orders (
    seq                   BIGSERIAL PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    number                TEXT NOT NULL UNIQUE,
    project_id            TEXT NOT NULL REFERENCES projects (id),
    -- the responsible unit, copied from the project when the order is issued
    unit_id               TEXT NOT NULL REFERENCES units (id),
    source_check_id       TEXT NOT NULL DEFAULT '',
    -- the failed item keys of the source check the order is about
    items                 JSONB NOT NULL,
    defect                TEXT NOT NULL,
    severity              TEXT NOT NULL,
    required_action       TEXT NOT NULL,
    -- the office's internal notes; never shown to contractors or volunteers
    notes                 TEXT NOT NULL DEFAULT '',
    deadline              TIMESTAMPTZ NOT NULL,
    status                TEXT NOT NULL,
    -- set once by the overdue job: the conditional UPDATE that sets it is
    -- what makes escalation happen exactly once across replicas
    escalated_at          TIMESTAMPTZ,
    last_response_at      TIMESTAMPTZ,
    verification_check_id TEXT NOT NULL DEFAULT '',
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    closed_at             TIMESTAMPTZ
);
CREATE INDEX orders_project ON orders (project_id, seq);
CREATE INDEX orders_unit ON orders (unit_id, seq);
CREATE INDEX orders_status ON orders (status, deadline);
CREATE INDEX orders_source_check ON orders (source_check_id);

-- Every transition: who, when, why. The order's timeline.
CREATE TABLE order_events (
    seq         BIGSERIAL PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    check_id    TEXT NOT NULL DEFAULT '',
    response_id TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, seq);

-- The responsible unit's answer: what was done, and the photos it carries
-- (photos.parent_id = response id, parent_kind 'order_response'). The
-- server makes the id (a retry is covered by Idempotency-Key), so a client
-- can never give a response the id of a check and take over its photos.
CREATE TABLE order_responses (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    project_id   TEXT NOT NULL,
    text         TEXT NOT NULL,
    photo_ids    JSONB NOT NULL,
    lat          DOUBLE PRECISION,
    lon          DOUBLE PRECISION,
    accuracy_m   DOUBLE PRECISION,
    captured_at  TIMESTAMPTZ,
    captured_offset_s INTEGER NOT NULL DEFAULT 0,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_responses_order ON order_responses (order_id, submitted_at);

-- The office's triage of failed checks filed by volunteers: one decision
-- per check, issued (with the order) or dismissed (with the reason).
CREATE TABLE order_triage (
    check_id   TEXT PRIMARY KEY REFERENCES checks (id),
    decision   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    order_id   TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL
);

-- What concerns each user, one row per recipient.
CREATE TABLE notifications (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id),
    event        TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    order_number TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    read_at      TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, seq);

-- The county's own messaging: signed POSTs to admin-configured endpoints.
CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    -- ",order.issued,order.overdue," or "," for every event
    events     TEXT NOT NULL DEFAULT ',',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- One delivery per (event, webhook); the body is fixed when the event
-- happens so every attempt signs and sends the same bytes.
CREATE TABLE webhook_deliveries (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    webhook_id   TEXT NOT NULL REFERENCES webhooks (id),
    event        TEXT NOT NULL,
    order_id     TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);

-- The delivery log: every attempt, its answer or error, and when.
CREATE TABLE webhook_attempts (
    seq         BIGSERIAL PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt     INTEGER NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE notifications;
DROP TABLE order_triage;
DROP TABLE order_responses;
DROP TABLE order_events;
DROP TABLE orders;
DROP TABLE order_counters;
