-- +goose Up
-- The dashboard's "failed checks with no order" reads only failed checks;
-- a partial index keeps that cheap when the county has a million checks.
CREATE INDEX checks_failed ON checks (project_id, captured_at) WHERE result = 'fail';

-- +goose Down
DROP INDEX checks_failed;
