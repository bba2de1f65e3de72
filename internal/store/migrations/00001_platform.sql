-- +goose Up
CREATE TABLE townships (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL DEFAULT 'bureau',
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL,
    unit_id              TEXT REFERENCES units(id),
    badge_no             TEXT,
    phone                TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    rotated_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL
);

CREATE TABLE projects (
    id                  TEXT PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    category            TEXT NOT NULL,
    township_id         TEXT NOT NULL REFERENCES townships(id),
    unit_id             TEXT NOT NULL REFERENCES units(id),
    responsible_leader  TEXT NOT NULL DEFAULT '',
    contractor_name     TEXT NOT NULL DEFAULT '',
    contractor_contact  TEXT NOT NULL DEFAULT '',
    budget_cents        BIGINT,
    funding_source      TEXT NOT NULL DEFAULT '',
    planned_start       DATE,
    planned_end         DATE,
    status              TEXT NOT NULL,
    target_quantity     DOUBLE PRECISION,
    target_unit         TEXT NOT NULL DEFAULT '',
    lat                 DOUBLE PRECISION,
    lon                 DOUBLE PRECISION,
    route               TEXT,
    geofence_m          INTEGER NOT NULL,
    progress_percent    DOUBLE PRECISION NOT NULL DEFAULT 0,
    progress_quantity   DOUBLE PRECISION,
    progress_date       DATE,
    on_track_until      TIMESTAMPTZ,
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX projects_status ON projects (status);
CREATE INDEX projects_category ON projects (category);
CREATE INDEX projects_township ON projects (township_id);
CREATE INDEX projects_unit ON projects (unit_id);
CREATE INDEX projects_on_track ON projects (on_track_until);
CREATE INDEX projects_lat_lon ON projects (lat, lon);

CREATE TABLE progress_reports (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects(id),
    report_date  DATE NOT NULL,
    quantity     DOUBLE PRECISION,
    percent      DOUBLE PRECISION NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    reported_by  TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX progress_reports_project ON progress_reports (project_id, report_date);

CREATE TABLE project_assignments (
    project_id   TEXT NOT NULL REFERENCES projects(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    role         TEXT NOT NULL,
    badge_no     TEXT,
    assigned_by  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_assignments_user ON project_assignments (user_id);

-- +goose Down
DROP TABLE project_assignments;
DROP TABLE progress_reports;
DROP TABLE projects;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE units;
DROP TABLE townships;
