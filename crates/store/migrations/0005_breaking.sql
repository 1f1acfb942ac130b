-- Schema version 5: breaking stories. While a story is breaking (its pace surged: see
-- ARCHITECTURE.md), `breaking_since` holds when it began to; NULL otherwise.

ALTER TABLE stories ADD COLUMN breaking_since TEXT;
ALTER TABLE stories ADD COLUMN breaking_since_ts INTEGER;
CREATE INDEX stories_breaking ON stories(breaking_since_ts) WHERE breaking_since_ts IS NOT NULL;
