-- Schema version 4: storylines. A story may continue one earlier story (`continues`,
-- with the link's score and the shared names and terms); a storyline is a story with
-- everything that continues it, named by its first story (`storyline`). Stories written
-- by older versions belong to no storyline until the stream rewrites them.

ALTER TABLE stories ADD COLUMN continues INTEGER;
ALTER TABLE stories ADD COLUMN continues_score REAL;
-- ["Ingrid Solheim", "Tromsø", …]
ALTER TABLE stories ADD COLUMN continues_shared TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stories ADD COLUMN storyline INTEGER;
CREATE INDEX stories_continues ON stories(continues);
CREATE INDEX stories_storyline ON stories(storyline, first_seen_ts);
