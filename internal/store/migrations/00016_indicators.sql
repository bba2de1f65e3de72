-- +goose Up
-- Assessment indicators (考核指标): a project is judged on one or more
-- indicators, each with a unit, a target and a plan. plan is a JSON array of
-- cumulative monthly shares, [{"month": "2026-06", "percent": 60}, ...]
-- (the share due by the end of that month); [] means linear between the
-- project's planned start and end. value/value_date are the latest
-- cumulative figure reported; on_track_until is the moment that figure stops
-- being enough for the plan (the same indexable trick as projects'), so the
-- project's own on_track_until is the earliest of its indicators'.
CREATE TABLE project_indicators (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects (id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    target         DOUBLE PRECISION NOT NULL,
    plan           JSONB NOT NULL DEFAULT '[]',
    value          DOUBLE PRECISION NOT NULL DEFAULT 0,
    value_date     DATE,
    on_track_until TIMESTAMPTZ,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX project_indicators_project ON project_indicators (project_id, position);

-- Every dated cumulative figure of an indicator: from a progress report, an
-- accepted monthly report, or carried over by this migration. source_id is
-- the progress report's or monthly report's id.
CREATE TABLE indicator_values (
    id           TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES project_indicators (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    value_date   DATE NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL DEFAULT '',
    reported_by  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX indicator_values_indicator ON indicator_values (indicator_id, value_date);
-- A figure is recorded once per source: retrying an acceptance records nothing twice.
CREATE UNIQUE INDEX indicator_values_source ON indicator_values (indicator_id, source, source_id);

-- Today's single target becomes each project's first indicator: its
-- quantity and unit when it has one ("工程量"), otherwise the share of the
-- work done, in percent ("形象进度"), so every project has at least one.
INSERT INTO project_indicators (id, project_id, position, name, unit, target, plan, value, value_date,
                                on_track_until, created_by, created_at, updated_at)
SELECT id || '-i1', id, 1,
       CASE WHEN target_quantity IS NULL THEN '形象进度' ELSE '工程量' END,
       CASE WHEN target_quantity IS NULL THEN '%' ELSE target_unit END,
       COALESCE(target_quantity, 100), '[]',
       CASE WHEN target_quantity IS NULL THEN progress_percent
            WHEN progress_quantity IS NOT NULL THEN progress_quantity
            ELSE progress_percent * target_quantity / 100 END,
       progress_date, on_track_until, created_by, created_at, updated_at
FROM projects;

INSERT INTO indicator_values (id, indicator_id, project_id, value_date, value, source, source_id, reported_by, created_at)
SELECT r.id || '-v1', p.id || '-i1', p.id, r.report_date,
       CASE WHEN p.target_quantity IS NULL THEN r.percent
            WHEN r.quantity IS NOT NULL THEN r.quantity
            ELSE r.percent * p.target_quantity / 100 END,
       'progress', r.id, r.reported_by, r.created_at
FROM progress_reports r JOIN projects p ON p.id = r.project_id;

-- +goose Down
DROP TABLE indicator_values;
DROP TABLE project_indicators;
