-- +goose Up
-- The monthly supervision cycle (issue 16 items 2 and 3).

-- Fixed photo points (定点照片): the spots a project's monthly photos are
-- taken from, month after month, so the office compares like with like.
CREATE TABLE photo_points (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id),
    name        TEXT NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    bearing     DOUBLE PRECISION NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX photo_points_project ON photo_points (project_id, created_at);

-- A period ("2026-06") is open until the office closes it; only closed
-- periods have a row. Due dates are configuration, never stored.
CREATE TABLE monthly_periods (
    period     TEXT PRIMARY KEY,
    closed_at  TIMESTAMPTZ NOT NULL,
    closed_by  TEXT NOT NULL
);

-- One report per project and period. values and photos are JSON arrays
-- ([{"indicator_id", "value", "flags"}], [{"point_id", "photo_id",
-- "caption"}]). submitted_at is the FIRST submission: it alone decides
-- on time or late, so a report returned for correction does not turn late.
CREATE TABLE monthly_reports (
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    project_id      TEXT NOT NULL REFERENCES projects (id),
    period          TEXT NOT NULL,
    state           TEXT NOT NULL,
    report_values   TEXT NOT NULL DEFAULT '[]',
    photos          TEXT NOT NULL DEFAULT '[]',
    narrative       TEXT NOT NULL DEFAULT '',
    problems        TEXT NOT NULL DEFAULT '',
    help_requested  TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    submitted_at    TIMESTAMPTZ,
    resubmitted_at  TIMESTAMPTZ,
    returned_at     TIMESTAMPTZ,
    returned_by     TEXT NOT NULL DEFAULT '',
    return_reason   TEXT NOT NULL DEFAULT '',
    accepted_at     TIMESTAMPTZ,
    accepted_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, period)
);
CREATE INDEX monthly_reports_period ON monthly_reports (period, project_id);

-- Reminders and overdue notices sent: the row is claimed in the same
-- transaction as the notifications, so however many replicas run the loop,
-- a unit hears once per period and kind.
CREATE TABLE monthly_notices (
    period   TEXT NOT NULL,
    unit_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    sent_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (period, unit_id, kind)
);

-- +goose Down
DROP TABLE monthly_notices;
DROP TABLE monthly_reports;
DROP TABLE monthly_periods;
DROP TABLE photo_points;
