-- +goose Up
-- A user's session generation: every access token and refresh token carries
-- the generation it was issued under, and is refused once the user's has
-- moved on (password changed or reset, account disabled). Checked against
-- the database on every request, so no replica needs to remember anything.
ALTER TABLE users ADD COLUMN session_gen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refresh_tokens ADD COLUMN session_gen BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN session_gen;
ALTER TABLE users DROP COLUMN session_gen;
