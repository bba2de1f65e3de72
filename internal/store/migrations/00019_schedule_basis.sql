-- +goose Up
-- A copy of each project's indicators (id, name, unit, target, latest value,
-- plan) on its own row, written in the same transaction as every change to
-- them, so a project list judges schedule status without a second query.
-- NULL: not written yet (projects untouched since this migration); readers
-- then load the indicators themselves, so NULL is never wrong, only slower.
ALTER TABLE projects ADD COLUMN schedule_basis JSONB;

-- +goose Down
ALTER TABLE projects DROP COLUMN schedule_basis;
