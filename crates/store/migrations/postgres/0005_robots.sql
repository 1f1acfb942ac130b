-- Schema version 5: pages of a feed that robots.txt kept from the watcher (see the
-- SQLite migration 0008).
ALTER TABLE feeds ADD COLUMN disallowed BIGINT NOT NULL DEFAULT 0;
