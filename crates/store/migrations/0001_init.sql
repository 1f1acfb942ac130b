-- tidings store, schema version 1.
--
-- SQLite is the source of truth: everything a user may query is in plain tables with
-- readable columns (text, ISO dates, JSON arrays). Times are UTC.

-- Outlets, by the name the input gave (`source`).
CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- One row per accepted article. `seq` is the article's place in the clustered stream
-- (publication order within each ingest run), so `ORDER BY seq` replays the stream.
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    -- As given: RFC 3339 for an instant, YYYY-MM-DD for a day, YYYY-MM for a month.
    published    TEXT,
    -- The same as Unix seconds (a day or month: its first second), for range queries.
    published_ts INTEGER,
    source_id    INTEGER REFERENCES sources(id),
    -- The input's language claim, and the analyzer's verdict.
    lang_hint    TEXT,
    lang         TEXT NOT NULL,
    title        TEXT NOT NULL,
    -- The headline, or the lead sentence where there is none.
    display_title TEXT NOT NULL,
    body         TEXT NOT NULL,
    url          TEXT,
    section      TEXT,
    story_id     INTEGER NOT NULL,
    -- The earliest article of this article's copy group, if it is a copy.
    duplicate_of TEXT,
    similarity   REAL NOT NULL,
    -- Where the record came from (file, and line or item number).
    origin_file  TEXT NOT NULL,
    origin_record INTEGER,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX articles_story ON articles(story_id, published_ts);
CREATE INDEX articles_published ON articles(published_ts);
CREATE INDEX articles_source ON articles(source_id, published_ts);

-- One row per story, kept current as articles join. Lists are JSON arrays, most
-- frequent first.
CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    articles        INTEGER NOT NULL,
    unique_articles INTEGER NOT NULL,
    first_seen      TEXT,
    last_seen       TEXT,
    first_seen_ts   INTEGER,
    last_seen_ts    INTEGER,
    languages       TEXT NOT NULL,
    sources         TEXT NOT NULL,
    keywords        TEXT NOT NULL,
    -- [{"name", "key", "type", "mentions"}]
    entities        TEXT NOT NULL,
    -- 1 while the story still takes articles.
    active          INTEGER NOT NULL
);
CREATE INDEX stories_last_seen ON stories(last_seen_ts);
CREATE INDEX stories_size ON stories(articles);

-- Copy groups: each text published more than once, with its outlets.
CREATE VIEW copy_groups AS
SELECT o.story_id        AS story_id,
       o.id              AS original,
       count(c.seq)      AS copies,
       json_group_array(c.id) AS copy_ids
FROM articles o JOIN articles c ON c.duplicate_of = o.id
GROUP BY o.id;

-- One row per ingest run.
CREATE TABLE ingests (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    inputs      TEXT NOT NULL,
    added       INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    bad         INTEGER NOT NULL DEFAULT 0
);

-- Every committed write bumps the generation; `from_seq` is the lowest article it wrote,
-- so a derived index can catch up from its own generation.
CREATE TABLE generations (
    generation INTEGER PRIMARY KEY,
    from_seq   INTEGER NOT NULL
);

-- The clusterer's state at a batch boundary: the stream resumes from here, replaying
-- the articles with seq >= next_seq. Internal; not meant for queries.
CREATE TABLE checkpoint (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    next_seq INTEGER NOT NULL,
    format   INTEGER NOT NULL,
    state    BLOB NOT NULL
);
