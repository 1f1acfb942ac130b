-- Schema version 8: how many of a feed's pages its sites' robots.txt kept from the
-- watcher (their feed items were stored in their place), for `tidings sources list`.
ALTER TABLE feeds ADD COLUMN disallowed INTEGER NOT NULL DEFAULT 0;
