-- +goose Up
-- Look-back (回头看) campaigns: the office re-inspects projects completed in
-- earlier years. A campaign is the office's selection (categories,
-- townships, "completed before" date) and a due date; creating it makes one
-- task per matching project, in the same transaction. id is the client's
-- UUID and request_hash the digest of the body as first sent, as for
-- checks: a retry answers the stored campaign, another body is refused.
CREATE TABLE campaigns (
    seq              BIGSERIAL PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    -- the selection as given: JSON arrays of category keys and township
    -- names ([] townships: every township)
    categories       JSONB NOT NULL,
    townships        JSONB NOT NULL,
    completed_before DATE NOT NULL,
    due_date         DATE NOT NULL,
    task_count       INTEGER NOT NULL,
    request_hash     TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);

-- One inspection task per selected project. category and township_id are
-- the project's when the campaign was made, so findings stay grouped as the
-- campaign was planned even if a project is later re-filed. check_id is the
-- post-completion inspection that did the task ('' while open); the task
-- keeps its first inspection (or that inspection's amendment).
CREATE TABLE campaign_tasks (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    project_id  TEXT NOT NULL REFERENCES projects (id),
    category    TEXT NOT NULL,
    township_id TEXT NOT NULL REFERENCES townships (id),
    assignee_id TEXT NOT NULL DEFAULT '',
    assigned_by TEXT NOT NULL DEFAULT '',
    assigned_at TIMESTAMPTZ,
    check_id    TEXT NOT NULL DEFAULT '',
    done_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, project_id)
);
CREATE INDEX campaign_tasks_campaign ON campaign_tasks (campaign_id, seq);
CREATE INDEX campaign_tasks_assignee ON campaign_tasks (assignee_id, campaign_id);

-- The task a post-completion inspection answers ('' for every other check).
ALTER TABLE checks ADD COLUMN task_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE checks DROP COLUMN task_id;
DROP TABLE campaign_tasks;
DROP TABLE campaigns;
