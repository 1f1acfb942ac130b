-- Version 3 (SQLite's 6): alerts, the stories they follow, and their notices with their
-- delivery state (the outbox of the webhooks). See the SQLite migration for the columns.

CREATE TABLE alerts (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    uid        TEXT NOT NULL,
    definition JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE alert_follows (
    alert           BIGINT NOT NULL,
    story           BIGINT NOT NULL,
    notices         BIGINT NOT NULL DEFAULT 0,
    notified_unique BIGINT NOT NULL DEFAULT 0,
    breaking_since  TEXT,
    last_notice_at  BIGINT,
    done            BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (alert, story)
);
CREATE INDEX alert_follows_story ON alert_follows (story);

CREATE TABLE alert_notices (
    id              BIGSERIAL PRIMARY KEY,
    alert           BIGINT NOT NULL,
    story           BIGINT NOT NULL,
    trigger         TEXT NOT NULL,
    key             TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_ts BIGINT,
    last_attempt_at TIMESTAMPTZ,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ
);
CREATE INDEX alert_notices_due ON alert_notices (next_attempt_ts) WHERE status = 'pending';
CREATE INDEX alert_notices_alert ON alert_notices (alert, id);

-- Live events (`GET /api/v1/events`): see the SQLite migration.
CREATE TABLE events (
    id    BIGSERIAL PRIMARY KEY,
    kind  TEXT NOT NULL,
    story BIGINT NOT NULL,
    data  TEXT NOT NULL
);
