-- tidings store, schema version 2: the feeds `tidings watch` follows.

-- One row per followed feed (RSS, Atom or JSON Feed), added by `tidings sources add` or
-- `import`. The polling state lives here so that a restarted watcher resumes politely:
-- conditional-request validators, when the feed is next due, and the last outcome.
CREATE TABLE feeds (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    -- From the OPML outline or the feed itself.
    title          TEXT,
    added_at       TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    -- xxh3 of the last body, for servers that ignore conditional requests.
    body_hash      TEXT,
    -- Seconds between polls the feed asked for (RSS ttl, Cache-Control max-age), if any.
    ttl_s          INTEGER,
    -- Unix seconds when the feed is next due.
    next_poll_ts   INTEGER NOT NULL DEFAULT 0,
    last_polled_at TEXT,
    last_ok_at     TEXT,
    -- HTTP status of the last poll (304 when unchanged), NULL for a network failure.
    last_status    INTEGER,
    -- The last failure's message; NULL once a poll succeeds.
    last_error     TEXT,
    -- Failures in a row (backoff grows with them).
    failures       INTEGER NOT NULL DEFAULT 0,
    -- Articles this feed brought in.
    articles       INTEGER NOT NULL DEFAULT 0
);

-- Items already handled per feed (by guid, else link), so that each page is fetched once.
CREATE TABLE feed_items (
    feed    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    -- The stored article's id, or NULL when the item gave no article.
    article TEXT,
    PRIMARY KEY (feed, key)
) WITHOUT ROWID;
