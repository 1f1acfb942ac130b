-- Schema version 7: each batch reads the follows of the stories it touched. Kept in the
-- order of (story, alert), a story's follows lie together and are read in one range, not
-- looked up one by one through an index (a story can have hundreds of follows). Removing
-- an alert finds its follows by the index on alert.
CREATE TABLE alert_follows_by_story (
    alert           INTEGER NOT NULL,
    story           INTEGER NOT NULL,
    notices         INTEGER NOT NULL DEFAULT 0,
    -- Unique articles when the last notice was decided.
    notified_unique INTEGER NOT NULL DEFAULT 0,
    -- The breaking episode last told.
    breaking_since  TEXT,
    -- Unix seconds (the story's time, or the clock for undated stories).
    last_notice_at  INTEGER,
    -- 1 once the alert can tell nothing more of the story (a new-story alert that told).
    done            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (story, alert)
) WITHOUT ROWID;
INSERT INTO alert_follows_by_story
    SELECT alert, story, notices, notified_unique, breaking_since, last_notice_at, done FROM alert_follows;
DROP TABLE alert_follows;
ALTER TABLE alert_follows_by_story RENAME TO alert_follows;
CREATE INDEX alert_follows_alert ON alert_follows(alert);
