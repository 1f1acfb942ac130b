-- Version 2 (SQLite's 5): breaking stories. While a story is breaking (its pace surged:
-- see ARCHITECTURE.md), `breaking_since` holds when it began to; NULL otherwise.

ALTER TABLE stories ADD COLUMN breaking_since TEXT;
ALTER TABLE stories ADD COLUMN breaking_since_ts BIGINT;
CREATE INDEX stories_breaking ON stories (breaking_since_ts DESC, id DESC) WHERE breaking_since_ts IS NOT NULL;
