-- Schema version 3: story cards. Each story keeps a title per language (when it was
-- reported in more than one), its keyphrases and a summary of about three sentences from
-- its articles' leads. Stories written by older versions get empty cards until their next
-- article (or `tidings ingest` after a checkpoint format change) rewrites them.

-- {"nb": "…", "en": "…"}
ALTER TABLE stories ADD COLUMN titles TEXT NOT NULL DEFAULT '{}';
-- ["Vladimir Putin", "Vladivostok", …]
ALTER TABLE stories ADD COLUMN keyphrases TEXT NOT NULL DEFAULT '[]';
-- ["First sentence.", "Second.", "Third."]
ALTER TABLE stories ADD COLUMN summary TEXT NOT NULL DEFAULT '[]';
