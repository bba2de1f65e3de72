-- +goose Up
-- Every status a project has had, from the instant it took it: written in
-- the same transaction as the project's creation or import and as every
-- status change. A past period or date is judged with the status of its
-- time (who owed a monthly report for it; whether the project was done by
-- then), never with today's. seq orders changes made in the same instant.
CREATE TABLE project_status_history (
    seq        BIGSERIAL PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id),
    status     TEXT NOT NULL,
    from_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_status_history_project ON project_status_history (project_id, from_at, seq);

-- Seed from what the database already says. Each project starts at its
-- creation with the status its first audited change moved it from (the
-- audit log's project.status entries are {"status":["from","to"]}, read
-- with LIKE so the same text runs on both engines), or its current status
-- when it never changed; then each audited change, from the entry's time.
-- A change the audit log does not hold (none should exist: every change is
-- audited in its transaction) cannot be recovered.
INSERT INTO project_status_history (project_id, status, from_at)
SELECT p.id,
       COALESCE((SELECT CASE
                            WHEN a.changes LIKE '{"status":["planned",%' THEN 'planned'
                            WHEN a.changes LIKE '{"status":["under_construction",%' THEN 'under_construction'
                            WHEN a.changes LIKE '{"status":["suspended",%' THEN 'suspended'
                            WHEN a.changes LIKE '{"status":["completed",%' THEN 'completed'
                            WHEN a.changes LIKE '{"status":["accepted",%' THEN 'accepted'
                        END
                 FROM audit_log a
                 WHERE a.entity = 'project' AND a.entity_id = p.id AND a.action = 'project.status'
                 ORDER BY a.seq LIMIT 1), p.status),
       p.created_at
FROM projects p
ORDER BY p.created_at, p.id;

INSERT INTO project_status_history (project_id, status, from_at)
SELECT a.entity_id,
       CASE
           WHEN a.changes LIKE '%,"planned"]}' THEN 'planned'
           WHEN a.changes LIKE '%,"under_construction"]}' THEN 'under_construction'
           WHEN a.changes LIKE '%,"suspended"]}' THEN 'suspended'
           WHEN a.changes LIKE '%,"completed"]}' THEN 'completed'
           WHEN a.changes LIKE '%,"accepted"]}' THEN 'accepted'
       END,
       a.at
FROM audit_log a JOIN projects p ON p.id = a.entity_id
WHERE a.entity = 'project' AND a.action = 'project.status'
  AND (a.changes LIKE '%,"planned"]}' OR a.changes LIKE '%,"under_construction"]}' OR a.changes LIKE '%,"suspended"]}'
       OR a.changes LIKE '%,"completed"]}' OR a.changes LIKE '%,"accepted"]}')
ORDER BY a.seq;

-- +goose Down
DROP TABLE project_status_history;
