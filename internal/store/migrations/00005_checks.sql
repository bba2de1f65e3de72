-- +goose Up
-- One row per check: a visit by one person to one project. id is the
-- client's UUID (a phone retries with the same id), seq orders lists and
-- pages them (keyset) without trusting phone clocks. request_hash is the
-- digest of the body as first filed: a retry with the same body answers the
-- stored check, a different body under the same id is refused.
CREATE TABLE checks (
    seq               BIGSERIAL PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    project_id        TEXT NOT NULL REFERENCES projects (id),
    type              TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    answers           JSONB NOT NULL,
    items             JSONB NOT NULL,
    result            TEXT NOT NULL,
    notes             TEXT NOT NULL DEFAULT '',
    lat               DOUBLE PRECISION NOT NULL,
    lon               DOUBLE PRECISION NOT NULL,
    accuracy_m        DOUBLE PRECISION NOT NULL,
    captured_at       TIMESTAMPTZ NOT NULL,
    -- the phone's UTC offset in seconds, so captured_at reads back as the
    -- inspector wrote it (local time on site)
    captured_offset_s INTEGER NOT NULL,
    -- flags as ",off_site,low_accuracy," so one LIKE finds a flag on both
    -- engines
    flags             TEXT NOT NULL DEFAULT ',',
    chainage_m        DOUBLE PRECISION,
    offset_m          DOUBLE PRECISION,
    side              TEXT NOT NULL DEFAULT '',
    photo_ids         JSONB NOT NULL,
    author_id         TEXT NOT NULL REFERENCES users (id),
    author_role       TEXT NOT NULL,
    request_hash      TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX checks_project ON checks (project_id, seq);
CREATE INDEX checks_author ON checks (author_id, seq);
CREATE INDEX checks_captured ON checks (captured_at);

-- +goose Down
DROP TABLE checks;
