-- +goose Up
-- Fixed-window request counters of the public disclosure API, one row per
-- client address (or IPv6 /64): rows, not process memory, so every replica
-- counts against the same limit. window_start is Unix seconds.
CREATE TABLE public_rate_windows (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL
);
CREATE INDEX public_rate_windows_start ON public_rate_windows (window_start);

-- The dashboard asks, per project, for the inspections captured in a time
-- range (not inspected for N days, last inspected at): this index answers
-- both from one project's checks.
CREATE INDEX checks_project_captured ON checks (project_id, captured_at);

-- +goose Down
DROP INDEX checks_project_captured;
DROP TABLE public_rate_windows;
