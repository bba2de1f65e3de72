-- +goose Up
-- A direct upload declares the phone's own fix and clock with the photo, as
-- the multipart form does, but they are only used at completion, so they
-- wait in the session row.
ALTER TABLE uploads ADD COLUMN phone_lat DOUBLE PRECISION;
ALTER TABLE uploads ADD COLUMN phone_lon DOUBLE PRECISION;
ALTER TABLE uploads ADD COLUMN phone_time TIMESTAMPTZ;
-- A repeated request for the same photo finds its live session.
CREATE INDEX uploads_photo ON uploads (photo_id, expires_at);
-- The sweeper asks which staged objects a session still names.
CREATE UNIQUE INDEX uploads_staging_key ON uploads (staging_key);

-- +goose Down
DROP INDEX uploads_staging_key;
DROP INDEX uploads_photo;
ALTER TABLE uploads DROP COLUMN phone_time;
ALTER TABLE uploads DROP COLUMN phone_lon;
ALTER TABLE uploads DROP COLUMN phone_lat;
