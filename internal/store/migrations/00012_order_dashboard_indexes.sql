-- +goose Up
-- The office's order dashboard aggregates every order. These indexes hold
-- all the columns its queries read, so PostgreSQL answers them from the
-- index alone: counts by status × severity × project × unit, and days to
-- close plus the verification check of closed orders.
CREATE INDEX orders_tally ON orders (status, severity, project_id, unit_id);
CREATE INDEX orders_closed ON orders (status, closed_at, created_at, verification_check_id);

-- +goose Down
DROP INDEX orders_closed;
DROP INDEX orders_tally;
