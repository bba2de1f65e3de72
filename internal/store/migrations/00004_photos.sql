-- +goose Up
-- A photo's id is the client's photo UUID: one UUID names one photo forever,
-- which is what makes a phone's retries idempotent. parent_id carries no
-- foreign key because a parent may be a check or (later) a rectification
-- response; the parent's service answers for it through photos.Parents.
CREATE TABLE photos (
    id               TEXT PRIMARY KEY,
    parent_kind      TEXT NOT NULL,
    parent_id        TEXT NOT NULL,
    project_id       TEXT NOT NULL,
    uploaded_by      TEXT NOT NULL,
    object_key       TEXT NOT NULL UNIQUE,
    sha256           TEXT NOT NULL,
    size_bytes       BIGINT NOT NULL,
    content_type     TEXT NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    exif             JSONB NOT NULL DEFAULT '{}',
    lat              DOUBLE PRECISION,
    lon              DOUBLE PRECISION,
    altitude         DOUBLE PRECISION,
    taken_at         TIMESTAMPTZ,
    taken_offset     TEXT NOT NULL DEFAULT '',
    make             TEXT NOT NULL DEFAULT '',
    model            TEXT NOT NULL DEFAULT '',
    orientation      INTEGER NOT NULL DEFAULT 0,
    phone_lat        DOUBLE PRECISION,
    phone_lon        DOUBLE PRECISION,
    phone_time       TIMESTAMPTZ,
    flags            JSONB NOT NULL DEFAULT '{}',
    chainage_m       DOUBLE PRECISION,
    offset_m         DOUBLE PRECISION,
    side             TEXT NOT NULL DEFAULT '',
    phash            BIGINT,
    rendition_status TEXT NOT NULL DEFAULT 'pending',
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX photos_parent ON photos (parent_id, created_at);
-- duplicate detection looks photos up by content hash.
CREATE INDEX photos_sha256 ON photos (sha256);
CREATE INDEX photos_project ON photos (project_id);

-- The durable job queue: renditions survive a restart because the work to
-- do is a row, not a goroutine. A claimer takes a lease (locked_until); a
-- replica that dies leaves a lease that simply expires.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      JSONB NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    locked_by    TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);

-- Direct-upload sessions: the object lands under staging_key first and only
-- becomes a photo once its size, type, dimensions and SHA-256 check out.
CREATE TABLE uploads (
    id              TEXT PRIMARY KEY,
    parent_id       TEXT NOT NULL,
    photo_id        TEXT NOT NULL,
    staging_key     TEXT NOT NULL,
    expected_size   BIGINT NOT NULL,
    expected_sha256 TEXT NOT NULL,
    content_type    TEXT NOT NULL DEFAULT '',
    expires_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX uploads_expires ON uploads (expires_at);

-- +goose Down
DROP TABLE uploads;
DROP TABLE jobs;
DROP TABLE photos;
