-- +goose Up
-- The phones' sync feed: each audit entry a phone may need, filed once per
-- key of a scope that sees the changed object (internal/policy/feed.go), so
-- a phone reads its own keys' rows after its cursor and never walks other
-- scopes' changes. Rows are written in the transaction that numbers the
-- audit entries (an audit seal hook); seq is the entry's audit seq, so the
-- sync cursor stays the audit seq. expand = 1 marks an entry that moved the
-- object into or out of this key's scope (an assignment given or taken
-- away): the phone gets the project's orders with it.
CREATE TABLE sync_feed (
    scope       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    expand      SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, seq)
);

-- How far the start-up back-fill has filed the audit log: entries up to
-- upto are in sync_feed. The seal hook moves it along when it stands just
-- before the entries it files, so after the first back-fill a start-up
-- has nothing left to do. It starts at 0: the first start-up after this
-- migration files every entry already in the log.
CREATE TABLE sync_feed_mark (
    id          INTEGER PRIMARY KEY,
    upto        BIGINT NOT NULL
);
INSERT INTO sync_feed_mark (id, upto) VALUES (1, 0);

-- +goose Down
DROP TABLE sync_feed_mark;
DROP TABLE sync_feed;
