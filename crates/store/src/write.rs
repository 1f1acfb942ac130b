//! Writes: each batch of placed articles, the stories they touched and (now and then)
//! the clusterer's checkpoint go in one transaction, so the store is always consistent
//! with some prefix of the stream.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use tidings_article::{Article, Origin, parse_published};
use tidings_cluster::{StoryId, StoryLink, StorySummary};

use crate::{Store, StoreError, story_number};

/// The current time (UTC, RFC 3339) in SQL, for the `…_at` columns.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// Bumped when the checkpoint's encoding changes; an older checkpoint is then refused.
pub type CheckpointFormat = i64;

/// The clusterer's state at a batch boundary: the stream resumes by replaying the
/// articles from `next_seq` on.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub next_seq: i64,
    pub format: CheckpointFormat,
    pub state: Vec<u8>,
}

/// One placed article.
pub struct ArticleWrite<'a> {
    pub seq: i64,
    pub article: &'a Article,
    /// The analyzer's language code.
    pub lang: &'a str,
    pub display_title: &'a str,
    pub story: StoryId,
    pub duplicate_of: Option<&'a str>,
    pub similarity: f32,
}

/// A story to (re)write.
pub struct StoryWrite {
    pub summary: StorySummary,
    /// Whether it still takes articles.
    pub active: bool,
    /// The earlier story it continues, as the storyline linker sees it now.
    pub continues: Option<StoryLink>,
}

/// What closes a batch's transaction besides its articles.
#[derive(Default)]
pub struct BatchEnd {
    pub stories: Vec<StoryWrite>,
    /// Stories that may have lost all their articles (a replay moved them): deleted if so.
    pub maybe_empty: Vec<StoryId>,
    pub checkpoint: Option<Checkpoint>,
}

/// An article read back for replay, with the story it was in before.
pub struct Replayed {
    pub seq: i64,
    pub article: Article,
    pub old_story: i64,
}

impl Store {
    /// Whether an article with this id is stored.
    pub fn contains(&self, id: &str) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT 1 FROM articles WHERE id = ?1").map_err(|e| self.err(e))?;
        stmt.exists([id]).map_err(|e| self.err(e))
    }

    /// The seq the next new article gets.
    pub fn next_seq(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT coalesce(max(seq) + 1, 0) FROM articles", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    pub fn checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        self.conn
            .query_row("SELECT next_seq, format, state FROM checkpoint WHERE one = 1", [], |r| {
                Ok(Checkpoint { next_seq: r.get(0)?, format: r.get(1)?, state: r.get(2)? })
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The stored articles from `from_seq` on, in stream order, as the readers gave them.
    pub fn replay_from(&self, from_seq: i64) -> Result<Vec<Replayed>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.seq, a.id, a.published, a.title, a.body, a.lang_hint, s.name, a.url, a.section,
                        a.origin_file, a.origin_record, a.story_id
                 FROM articles a LEFT JOIN sources s ON s.id = a.source_id
                 WHERE a.seq >= ?1 ORDER BY a.seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([from_seq], |r| {
                let published: Option<String> = r.get(2)?;
                let file: String = r.get(9)?;
                let record: Option<i64> = r.get(10)?;
                Ok((
                    published,
                    Replayed {
                        seq: r.get(0)?,
                        article: Article {
                            id: r.get(1)?,
                            published: None,
                            title: r.get(3)?,
                            text: r.get(4)?,
                            lang: r.get(5)?,
                            source: r.get(6)?,
                            url: r.get(7)?,
                            section: r.get(8)?,
                            origin: Origin::new(Arc::from(file), record.map(|n| n as u64)),
                        },
                        old_story: r.get(11)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (published, mut replayed) = row.map_err(|e| self.err(e))?;
            if let Some(p) = published {
                replayed.article.published = Some(parse_published(&p).ok_or_else(|| StoreError::Damaged {
                    path: self.database_path(),
                    record: format!("article {:?}", replayed.article.id),
                    reason: format!("unreadable publication date {p:?}"),
                })?);
            }
            out.push(replayed);
        }
        Ok(out)
    }

    /// Starts an ingest run's log entry; returns its id.
    pub fn begin_ingest(&self, inputs: &[String]) -> Result<i64, StoreError> {
        let inputs = serde_json::Value::from(inputs.to_vec()).to_string();
        self.conn
            .execute(&format!("INSERT INTO ingests (started_at, inputs) VALUES ({NOW}, ?1)"), [inputs])
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Completes an ingest run's log entry.
    pub fn finish_ingest(&self, run: i64, added: u64, skipped: u64, bad: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                &format!("UPDATE ingests SET finished_at = {NOW}, added = ?2, skipped = ?3, bad = ?4 WHERE id = ?1"),
                params![run, added as i64, skipped as i64, bad as i64],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Opens the transaction of one batch: its articles ([`Store::put_article`]) and
    /// [`Store::end_batch`] commit together or not at all.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.err(e))?;
        self.batch_min_seq = None;
        Ok(())
    }

    /// Stores a placed article (a replayed one gets its new placement).
    pub fn put_article(&mut self, w: &ArticleWrite<'_>) -> Result<(), StoreError> {
        let a = w.article;
        let source = match a.source.as_deref() {
            Some(name) => Some(self.source_id(name)?),
            None => None,
        };
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO articles (seq, id, published, published_ts, source_id, lang_hint, lang, title,
                    display_title, body, url, section, story_id, duplicate_of, similarity, origin_file,
                    origin_record, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                 ON CONFLICT(seq) DO UPDATE SET story_id = excluded.story_id, lang = excluded.lang,
                    duplicate_of = excluded.duplicate_of, similarity = excluded.similarity,
                    display_title = excluded.display_title",
            )
            .map_err(|e| self.err(e))?;
        insert
            .execute(params![
                w.seq,
                a.id,
                a.published.map(|p| p.to_display_string()),
                a.published.map(|p| p.seconds()),
                source,
                a.lang,
                w.lang,
                a.title,
                w.display_title,
                a.text,
                a.url,
                a.section,
                story_number(w.story),
                w.duplicate_of,
                f64::from(w.similarity),
                &*a.origin.file,
                a.origin.record.map(|n| n as i64),
            ])
            .map_err(|e| self.err(e))?;
        self.batch_min_seq = Some(self.batch_min_seq.map_or(w.seq, |m| m.min(w.seq)));
        Ok(())
    }

    fn source_id(&mut self, name: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.sources.get(name) {
            return Ok(*id);
        }
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO sources (name) VALUES (?1)
                 ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .and_then(|mut stmt| stmt.query_row([name], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        self.sources.insert(name.to_string(), id);
        Ok(id)
    }

    /// Writes the batch's stories and checkpoint and commits the batch.
    pub fn end_batch(&mut self, end: &BatchEnd) -> Result<(), StoreError> {
        let result = self.write_batch_end(end).and_then(|()| self.conn.execute_batch("COMMIT"));
        if let Err(e) = result {
            // Nothing of the batch stays; the caller stops the run with the error.
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sources.clear();
            return Err(self.err(e));
        }
        Ok(())
    }

    fn write_batch_end(&self, end: &BatchEnd) -> rusqlite::Result<()> {
        for story in &end.stories {
            write_story(&self.conn, story)?;
        }
        let mut drop_empty = self.conn.prepare_cached(
            "DELETE FROM stories WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)",
        )?;
        for id in &end.maybe_empty {
            drop_empty.execute([story_number(*id)])?;
        }
        if let Some(from) = self.batch_min_seq {
            self.conn.execute("INSERT INTO generations (from_seq) VALUES (?1)", [from])?;
        }
        if let Some(c) = &end.checkpoint {
            self.conn.execute(
                "INSERT INTO checkpoint (one, next_seq, format, state) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT(one) DO UPDATE SET next_seq = excluded.next_seq, format = excluded.format,
                    state = excluded.state",
                params![c.next_seq, c.format, c.state],
            )?;
        }
        Ok(())
    }
}

/// Writes a story with its storyline: that of the story it continues, or its own id. If
/// the story was stored before in another storyline, every story that continues it,
/// directly or not, moves along; otherwise nothing else is touched, so that rewriting a
/// story of a storyline of thousands costs one row. Stories are written in order of
/// creation and links point to older stories, so a continued story is always placed first.
fn write_story(conn: &rusqlite::Connection, story: &StoryWrite) -> rusqlite::Result<()> {
    let StoryWrite { summary: s, active, continues } = story;
    let number = story_number(s.id);
    let before: Option<Option<i64>> = conn
        .prepare_cached("SELECT storyline FROM stories WHERE id = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?;
    let storyline = match continues {
        Some(link) => conn
            .prepare_cached("SELECT coalesce(storyline, id) FROM stories WHERE id = ?1")?
            .query_row([story_number(link.story)], |r| r.get(0))
            .optional()?
            .unwrap_or(number),
        None => number,
    };
    let entities =
        serde_json::to_value(&s.entities).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO stories (id, title, articles, unique_articles, first_seen, last_seen, first_seen_ts,
            last_seen_ts, languages, sources, keywords, entities, active, titles, keyphrases, summary,
            continues, continues_score, continues_shared, storyline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        number,
        s.title,
        s.articles as i64,
        s.unique_articles as i64,
        s.first_seen.map(|p| p.to_display_string()),
        s.last_seen.map(|p| p.to_display_string()),
        s.first_seen.map(|p| p.seconds()),
        s.last_seen.map(|p| p.seconds()),
        serde_json::Value::from(s.languages.clone()).to_string(),
        serde_json::Value::from(s.sources.clone()).to_string(),
        serde_json::Value::from(s.keywords.clone()).to_string(),
        entities.to_string(),
        *active,
        serde_json::json!(s.titles).to_string(),
        serde_json::Value::from(s.keyphrases.clone()).to_string(),
        serde_json::Value::from(s.summary.clone()).to_string(),
        continues.as_ref().map(|l| story_number(l.story)),
        continues.as_ref().map(|l| l.score),
        serde_json::Value::from(continues.as_ref().map(|l| l.shared.clone()).unwrap_or_default()).to_string(),
        storyline,
    ])?;
    if before.is_some_and(|b| b != Some(storyline)) {
        conn.prepare_cached(
            "WITH RECURSIVE line(id) AS (
                 SELECT id FROM stories WHERE continues = ?1
                 UNION SELECT s.id FROM stories s JOIN line ON s.continues = line.id
             )
             UPDATE stories SET storyline = ?2 WHERE id IN (SELECT id FROM line)",
        )?
        .execute([number, storyline])?;
    }
    Ok(())
}
