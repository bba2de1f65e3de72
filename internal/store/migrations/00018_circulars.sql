-- +goose Up
-- The head of each responsible unit (负责人, 一把手负责制), named in the
-- monthly circular beside the unit's projects behind schedule and its late
-- reports. '' until the office or an admin enters one.
ALTER TABLE units ADD COLUMN leader TEXT NOT NULL DEFAULT '';

-- Published monthly circulars (督查通报). A row is written once and never
-- updated: its files (PDF, CSV, JSON) sit in the object store under the
-- same retention as photo originals, each with its SHA-256 here and in the
-- audit entry of the publication. Publishing a period again adds the next
-- version; the unique (period, version) makes two racing publications end
-- with distinct versions, never one overwriting the other.
CREATE TABLE circulars (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    period       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    county       TEXT NOT NULL,
    as_of        DATE NOT NULL,
    -- the headline figures, so a list needs no object read
    figures      JSONB NOT NULL,
    -- the PDF's SHA-256: the circular's own hash
    sha256       TEXT NOT NULL,
    -- [{"format":"pdf","key":"circulars/..","sha256":"..","size":123,"content_type":".."}, ...]
    files        JSONB NOT NULL,
    published_by TEXT NOT NULL REFERENCES users (id),
    published_at TIMESTAMPTZ NOT NULL,
    UNIQUE (period, version)
);

-- +goose Down
DROP TABLE circulars;
ALTER TABLE units DROP COLUMN leader;
