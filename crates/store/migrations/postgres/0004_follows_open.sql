-- Schema version 4: a batch reads the follows of the stories it touched, open and done
-- apart (see the SQLite migration 0007); removing an alert finds its follows by the
-- primary key (alert, story).
DROP INDEX alert_follows_story;
CREATE INDEX alert_follows_open ON alert_follows (story, done);
