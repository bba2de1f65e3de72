-- +goose Up
-- Returned for correction: the office sends a check back to its author
-- with a note; the author's amended check supersedes it. Both rows stay,
-- linked both ways, so the record shows what was first filed.
ALTER TABLE checks ADD COLUMN returned_at TIMESTAMPTZ;
ALTER TABLE checks ADD COLUMN returned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN return_note TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN supersedes TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN superseded_by TEXT NOT NULL DEFAULT '';

-- The office's decision on a flagged check or photo. One decision per
-- subject, final: a changed mind is a new fact for the audit log, not an
-- overwrite.
CREATE TABLE flag_decisions (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    check_id     TEXT NOT NULL REFERENCES checks (id),
    decision     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_kind, subject_id)
);
CREATE INDEX flag_decisions_check ON flag_decisions (check_id);

-- +goose Down
DROP TABLE flag_decisions;
ALTER TABLE checks DROP COLUMN superseded_by;
ALTER TABLE checks DROP COLUMN supersedes;
ALTER TABLE checks DROP COLUMN return_note;
ALTER TABLE checks DROP COLUMN returned_by;
ALTER TABLE checks DROP COLUMN returned_at;
