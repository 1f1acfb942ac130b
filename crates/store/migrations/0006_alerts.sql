-- Schema version 6: alerts. An alert is a saved query (its definition as JSON, read by
-- the tidings-alert crate); a story it follows is one with a matching article, with what
-- was last told about it; each notice is kept with its delivery state (the outbox of the
-- webhooks), written in the same transaction as the batch that caused it.

CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- Random, made once: starts its notices' keys, so that no two alerts (of this store
    -- or another) give one key.
    uid        TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE alert_follows (
    alert           INTEGER NOT NULL,
    story           INTEGER NOT NULL,
    notices         INTEGER NOT NULL DEFAULT 0,
    -- Unique articles when the last notice was decided.
    notified_unique INTEGER NOT NULL DEFAULT 0,
    -- The breaking episode last told.
    breaking_since  TEXT,
    -- Unix seconds (the story's time, or the clock for undated stories).
    last_notice_at  INTEGER,
    -- 1 once the alert can tell nothing more of the story (a new-story alert that told):
    -- such follows are not read again.
    done            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (alert, story)
) WITHOUT ROWID;
CREATE INDEX alert_follows_story ON alert_follows(story);

CREATE TABLE alert_notices (
    id              INTEGER PRIMARY KEY,
    alert           INTEGER NOT NULL,
    story           INTEGER NOT NULL,
    -- new-story, breaking or update
    trigger         TEXT NOT NULL,
    -- The Idempotency-Key of every delivery attempt.
    key             TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    -- The JSON posted, the same at every attempt.
    body            TEXT NOT NULL,
    -- none (no webhook), pending, delivered, failed (gave up)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ts INTEGER,
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT
);
CREATE INDEX alert_notices_due ON alert_notices(next_attempt_ts) WHERE status = 'pending';
CREATE INDEX alert_notices_alert ON alert_notices(alert, id);

-- Live events (`GET /api/v1/events`): stories created, grown and breaking, and alert notices,
-- written with the batch that caused them; the newest 100,000 are kept, so a client can
-- resume from its last event id after a break.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    story      INTEGER NOT NULL,
    -- JSON: what the event says.
    data       TEXT NOT NULL
);
