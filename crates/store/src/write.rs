//! Writes: each batch of placed articles, the stories they touched and (now and then)
//! the clusterer's checkpoint go in one transaction, so the store is always consistent
//! with some prefix of the stream.

use std::sync::Arc;

use tidings_article::{Article, Origin, parse_published};
use tidings_cluster::{StoryId, StoryLink, StorySummary};

use crate::sql::{Conn, Dialect, Value, number_list, text_list};
use crate::{Store, StoreError, story_number};

/// The current time in SQL, for the `…_at` columns (text in SQLite, timestamptz in
/// PostgreSQL).
pub(crate) fn now(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        Dialect::Postgres => "now()",
    }
}

/// A time column as RFC 3339 text named as itself (PostgreSQL keeps timestamptz; SQLite
/// keeps the text).
pub(crate) fn time_column(d: Dialect, column: &str) -> String {
    time_as(d, column, column)
}

/// A time column (or a qualified one, `n.created_at`) as RFC 3339 text named `name`.
pub(crate) fn time_as(d: Dialect, column: &str, name: &str) -> String {
    match d {
        Dialect::Sqlite if column == name => column.to_string(),
        Dialect::Sqlite => format!("{column} AS {name}"),
        Dialect::Postgres => {
            format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS {name}")
        }
    }
}

/// Placeholder `n` holding JSON text, for a JSON column (JSONB in PostgreSQL).
pub(crate) fn json_param(d: Dialect, n: usize) -> String {
    match d {
        Dialect::Sqlite => format!("?{n}"),
        Dialect::Postgres => format!("CAST(CAST(?{n} AS TEXT) AS JSONB)"),
    }
}

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
    /// What the alerts now know of the batch's stories, and the notices they send.
    pub follows: Vec<crate::FollowRow>,
    pub notices: Vec<crate::NoticeWrite>,
    /// Live events: stories created, grown, breaking; notices.
    pub events: Vec<crate::EventWrite>,
}

/// An article read back for replay, with the story it was in before.
pub struct Replayed {
    pub seq: i64,
    pub article: Article,
    pub old_story: i64,
}

impl Store {
    /// Which of these ids the store has, in one query (a round trip per id would cost
    /// more than the check on PostgreSQL).
    pub fn stored_among(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>, StoreError> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!("SELECT a.id FROM {} JOIN articles a ON a.id = j.value", text_list(self.conn.dialect()));
        let list = serde_json::Value::from(ids.to_vec()).to_string();
        Ok(self.conn.rows(&sql, &[list.into()], |r| r.text("id"))?.into_iter().collect())
    }

    /// The seq the next new article gets.
    pub fn next_seq(&self) -> Result<i64, StoreError> {
        let next = self.conn.row("SELECT coalesce(max(seq) + 1, 0) AS n FROM articles", &[], |r| r.int("n"))?;
        Ok(next.unwrap_or(0))
    }

    /// The highest record number of the stored articles that came from `origin` (a bus
    /// placer's stream: its last committed sequence), if any did.
    pub fn last_origin_record(&self, origin: &str) -> Result<Option<i64>, StoreError> {
        let n = self.conn.row(
            "SELECT max(origin_record) AS n FROM articles WHERE origin_file = ?1",
            &[origin.into()],
            |r| r.opt_int("n"),
        )?;
        Ok(n.flatten())
    }

    pub fn checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        self.conn.row("SELECT next_seq, format, state FROM checkpoint WHERE one = 1", &[], |r| {
            Ok(Checkpoint { next_seq: r.int("next_seq")?, format: r.int("format")?, state: r.blob("state")? })
        })
    }

    /// The stored articles from `from_seq` on, in stream order, as the readers gave them.
    pub fn replay_from(&self, from_seq: i64) -> Result<Vec<Replayed>, StoreError> {
        self.conn.rows(
            "SELECT a.seq, a.id, a.published, a.title, a.body, a.lang_hint, s.name AS source, a.url, a.section,
                    a.origin_file, a.origin_record, a.story_id
             FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.seq >= ?1 ORDER BY a.seq",
            &[from_seq.into()],
            |r| {
                let id = r.text("id")?;
                let published = match r.opt_text("published")? {
                    Some(p) => Some(parse_published(&p).ok_or_else(|| {
                        r.damaged(format!("article {id:?}"), format!("unreadable publication date {p:?}"))
                    })?),
                    None => None,
                };
                let record = r.opt_int("origin_record")?;
                Ok(Replayed {
                    seq: r.int("seq")?,
                    article: Article {
                        id,
                        published,
                        title: r.text("title")?,
                        text: r.text("body")?,
                        lang: r.opt_text("lang_hint")?,
                        source: r.opt_text("source")?,
                        url: r.opt_text("url")?,
                        section: r.opt_text("section")?,
                        origin: Origin::new(Arc::from(r.text("origin_file")?), record.map(|n| n as u64)),
                    },
                    old_story: r.int("story_id")?,
                })
            },
        )
    }

    /// Starts an ingest run's log entry; returns its id.
    pub fn begin_ingest(&self, inputs: &[String]) -> Result<i64, StoreError> {
        let d = self.conn.dialect();
        let inputs = serde_json::Value::from(inputs.to_vec()).to_string();
        let sql =
            format!("INSERT INTO ingests (started_at, inputs) VALUES ({}, {}) RETURNING id", now(d), json_param(d, 1));
        let id = self.conn.row(&sql, &[inputs.into()], |r| r.int("id"))?;
        Ok(id.unwrap_or(0))
    }

    /// Completes an ingest run's log entry.
    pub fn finish_ingest(&self, run: i64, added: u64, skipped: u64, bad: u64) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE ingests SET finished_at = {}, added = ?2, skipped = ?3, bad = ?4 WHERE id = ?1",
            now(self.conn.dialect())
        );
        self.conn.execute(&sql, &[run.into(), (added as i64).into(), (skipped as i64).into(), (bad as i64).into()])?;
        Ok(())
    }

    /// Opens the transaction of one batch: its articles ([`Store::put_article`]) and
    /// [`Store::end_batch`] commit together or not at all.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.conn.batch(match self.conn.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        })?;
        self.batch_min_seq = None;
        Ok(())
    }

    /// Stores a placed article (a replayed one gets its new placement). On PostgreSQL the
    /// batch's articles are copied in together when it ends.
    pub fn put_article(&mut self, w: &ArticleWrite<'_>) -> Result<(), StoreError> {
        let a = w.article;
        let source = match a.source.as_deref() {
            Some(name) => Some(self.source_id(name)?),
            None => None,
        };
        let row = vec![
            w.seq.into(),
            a.id.as_str().into(),
            a.published.map(|p| p.to_display_string()).into(),
            a.published.map(|p| p.seconds()).into(),
            source.into(),
            a.lang.clone().into(),
            w.lang.into(),
            a.title.as_str().into(),
            w.display_title.into(),
            a.text.as_str().into(),
            a.url.clone().into(),
            a.section.clone().into(),
            story_number(w.story).into(),
            w.duplicate_of.into(),
            f64::from(w.similarity).into(),
            (*a.origin.file).into(),
            a.origin.record.map(|n| n as i64).into(),
        ];
        match self.conn.dialect() {
            Dialect::Postgres => self.pending.push(row),
            Dialect::Sqlite => {
                let sql = format!(
                    "INSERT INTO articles ({ARTICLE_WRITE_COLUMNS}, ingested_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, {})
                     ON CONFLICT (seq) DO UPDATE SET {ARTICLE_UPDATE}",
                    now(Dialect::Sqlite)
                );
                self.conn.execute(&sql, &row)?;
            }
        }
        self.batch_min_seq = Some(self.batch_min_seq.map_or(w.seq, |m| m.min(w.seq)));
        Ok(())
    }

    /// PostgreSQL: the batch's articles, copied into a temporary table and moved into
    /// `articles` with one statement (a replayed article gets its new placement).
    fn flush_articles(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        use postgres::types::Type;
        self.conn.batch(
            "CREATE TEMP TABLE IF NOT EXISTS articles_in (LIKE articles INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
        )?;
        let types = [
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::FLOAT8,
            Type::TEXT,
            Type::INT8,
        ];
        let rows = std::mem::take(&mut self.pending);
        if let Some(copied) = self.conn.copy_in("articles_in", ARTICLE_WRITE_COLUMNS, &types, &rows) {
            copied?;
        }
        self.conn.batch(&format!(
            "INSERT INTO articles ({ARTICLE_WRITE_COLUMNS}) SELECT {ARTICLE_WRITE_COLUMNS} FROM articles_in ORDER BY seq
             ON CONFLICT (seq) DO UPDATE SET {ARTICLE_UPDATE}"
        ))
    }

    fn source_id(&mut self, name: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.sources.get(name) {
            return Ok(*id);
        }
        let id = self.conn.row(
            "INSERT INTO sources (name) VALUES (?1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
            &[name.into()],
            |r| r.int("id"),
        )?;
        let id = id.ok_or_else(|| StoreError::Damaged {
            path: self.database_path(),
            record: format!("source {name:?}"),
            reason: "the database gave no id for it".into(),
        })?;
        self.sources.insert(name.to_string(), id);
        Ok(id)
    }

    /// Writes the batch's stories and checkpoint and commits the batch.
    pub fn end_batch(&mut self, end: &BatchEnd) -> Result<(), StoreError> {
        let result =
            self.flush_articles().and_then(|()| self.write_batch_end(end)).and_then(|()| self.conn.batch("COMMIT"));
        if let Err(e) = result {
            // Nothing of the batch stays; the caller stops the run with the error.
            let _ = self.conn.batch("ROLLBACK");
            self.sources.clear();
            self.pending.clear();
            return Err(e);
        }
        Ok(())
    }

    fn write_batch_end(&self, end: &BatchEnd) -> Result<(), StoreError> {
        write_stories(&self.conn, &end.stories)?;
        for id in &end.maybe_empty {
            self.conn.execute(
                "DELETE FROM stories WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)",
                &[story_number(*id).into()],
            )?;
        }
        let clock =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        crate::alerts::write_alerts(&self.conn, &end.follows, &end.notices, clock)?;
        crate::alerts::write_events(&self.conn, &end.events)?;
        if let Some(from) = self.batch_min_seq {
            self.conn.execute("INSERT INTO generations (from_seq) VALUES (?1)", &[from.into()])?;
        }
        if let Some(c) = &end.checkpoint {
            self.conn.execute(
                "INSERT INTO checkpoint (one, next_seq, format, state) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (one) DO UPDATE SET next_seq = excluded.next_seq, format = excluded.format,
                    state = excluded.state",
                &[c.next_seq.into(), c.format.into(), c.state.clone().into()],
            )?;
        }
        Ok(())
    }
}

/// The columns an article is written with, in the order of its values.
const ARTICLE_WRITE_COLUMNS: &str = "seq, id, published, published_ts, source_id, lang_hint, lang, title, \
    display_title, body, url, section, story_id, duplicate_of, similarity, origin_file, origin_record";

/// What a replayed article's new placement changes.
const ARTICLE_UPDATE: &str = "story_id = excluded.story_id, lang = excluded.lang, \
    duplicate_of = excluded.duplicate_of, similarity = excluded.similarity, display_title = excluded.display_title";

/// A list as the JSON text a story column holds.
fn json_list(items: &[String]) -> Value {
    serde_json::Value::from(items.to_vec()).to_string().into()
}

/// The columns a story is written with, in the order of its values.
const STORY_WRITE_COLUMNS: &str = "id, title, articles, unique_articles, first_seen, last_seen, first_seen_ts, \
    last_seen_ts, languages, sources, keywords, entities, active, titles, keyphrases, summary, continues, \
    continues_score, continues_shared, storyline, breaking_since, breaking_since_ts";

/// What rewriting a stored story changes: everything.
const STORY_UPDATE: &str = "title = excluded.title, articles = excluded.articles, \
    unique_articles = excluded.unique_articles, first_seen = excluded.first_seen, last_seen = excluded.last_seen, \
    first_seen_ts = excluded.first_seen_ts, last_seen_ts = excluded.last_seen_ts, languages = excluded.languages, \
    sources = excluded.sources, keywords = excluded.keywords, entities = excluded.entities, \
    active = excluded.active, titles = excluded.titles, keyphrases = excluded.keyphrases, \
    summary = excluded.summary, continues = excluded.continues, continues_score = excluded.continues_score, \
    continues_shared = excluded.continues_shared, storyline = excluded.storyline, \
    breaking_since = excluded.breaking_since, breaking_since_ts = excluded.breaking_since_ts";

/// Writes a batch's stories, each with its storyline: that of the story it continues, or
/// its own id. If a story was stored before in another storyline, every story that
/// continues it, directly or not, moves along; otherwise nothing else is touched, so that
/// rewriting a story of a storyline of thousands costs one row. Stories come in order of
/// creation and links point to older stories, so a continued story is always placed
/// first. The stored storylines are read in one query and the rows written together
/// (copied in on PostgreSQL), so a batch costs a few round trips, not a few per story.
fn write_stories(conn: &Conn, stories: &[StoryWrite]) -> Result<(), StoreError> {
    if stories.is_empty() {
        return Ok(());
    }
    let d = conn.dialect();
    let wanted: Vec<i64> = stories
        .iter()
        .flat_map(|s| [Some(story_number(s.summary.id)), s.continues.as_ref().map(|l| story_number(l.story))])
        .flatten()
        .collect();
    let sql = format!("SELECT id, storyline FROM stories WHERE id IN ({})", number_list(d));
    let list = serde_json::Value::from(wanted).to_string();
    // Stored stories and their storylines (`None`: stored without one yet).
    let mut known: std::collections::HashMap<i64, Option<i64>> =
        conn.rows(&sql, &[list.into()], |r| Ok((r.int("id")?, r.opt_int("storyline")?)))?.into_iter().collect();
    let mut rows = Vec::with_capacity(stories.len());
    for story in stories {
        let number = story_number(story.summary.id);
        let before = known.get(&number).copied();
        let storyline = match &story.continues {
            Some(link) => {
                let continued = story_number(link.story);
                known.get(&continued).map_or(number, |line| line.unwrap_or(continued))
            }
            None => number,
        };
        known.insert(number, Some(storyline));
        rows.push(story_values(conn, story, storyline)?);
        if before.is_some_and(|b| b != Some(storyline)) {
            for moved in move_storyline(conn, number, storyline)? {
                known.insert(moved, Some(storyline));
            }
        }
    }
    if let Some(copied) = copy_stories(conn, &rows) {
        return copied;
    }
    let placeholders: Vec<String> =
        (1..=22).map(|n| if matches!(n, 9..=12 | 14..=16 | 19) { json_param(d, n) } else { format!("?{n}") }).collect();
    let sql = format!(
        "INSERT INTO stories ({STORY_WRITE_COLUMNS}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {STORY_UPDATE}",
        placeholders.join(", ")
    );
    rows.iter().try_for_each(|row| conn.execute(&sql, row).map(drop))
}

/// Moves every stored story that continues story `number`, directly or not, into
/// `storyline`; returns their ids. Walked a link at a time by the `continues` index (a
/// storyline holds a few stories): a recursive query left to PostgreSQL's planner without
/// statistics scanned the whole table at every step.
fn move_storyline(conn: &Conn, number: i64, storyline: i64) -> Result<Vec<i64>, StoreError> {
    let mut moved = Vec::new();
    let mut seen = std::collections::HashSet::from([number]);
    let mut frontier = vec![number];
    while let Some(story) = frontier.pop() {
        for next in conn.rows("SELECT id FROM stories WHERE continues = ?1", &[story.into()], |r| r.int("id"))? {
            if seen.insert(next) {
                moved.push(next);
                frontier.push(next);
            }
        }
    }
    for id in &moved {
        conn.execute("UPDATE stories SET storyline = ?2 WHERE id = ?1", &[(*id).into(), storyline.into()])?;
    }
    Ok(moved)
}

/// PostgreSQL: the stories copied into a temporary table (JSON as text) and upserted with
/// one statement. `None` on SQLite.
fn copy_stories(conn: &Conn, rows: &[Vec<Value>]) -> Option<Result<(), StoreError>> {
    use postgres::types::Type;
    if conn.dialect() != Dialect::Postgres {
        return None;
    }
    let run = || -> Result<(), StoreError> {
        conn.batch(
            "CREATE TEMP TABLE IF NOT EXISTS stories_in (
                id BIGINT, title TEXT, articles BIGINT, unique_articles BIGINT, first_seen TEXT, last_seen TEXT,
                first_seen_ts BIGINT, last_seen_ts BIGINT, languages TEXT, sources TEXT, keywords TEXT,
                entities TEXT, active BOOLEAN, titles TEXT, keyphrases TEXT, summary TEXT, continues BIGINT,
                continues_score DOUBLE PRECISION, continues_shared TEXT, storyline BIGINT, breaking_since TEXT,
                breaking_since_ts BIGINT
             ) ON COMMIT DELETE ROWS",
        )?;
        let (i, t, f, b) = (Type::INT8, Type::TEXT, Type::FLOAT8, Type::BOOL);
        let types = [
            i.clone(),
            t.clone(),
            i.clone(),
            i.clone(),
            t.clone(),
            t.clone(),
            i.clone(),
            i.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            b,
            t.clone(),
            t.clone(),
            t.clone(),
            i.clone(),
            f,
            t.clone(),
            i.clone(),
            t,
            i,
        ];
        if let Some(copied) = conn.copy_in("stories_in", STORY_WRITE_COLUMNS, &types, rows) {
            copied?;
        }
        let json = |c: &str| format!("CAST({c} AS JSONB)");
        conn.batch(&format!(
            "INSERT INTO stories ({STORY_WRITE_COLUMNS})
             SELECT id, title, articles, unique_articles, first_seen, last_seen, first_seen_ts, last_seen_ts,
                    {}, {}, {}, {}, active, {}, {}, {}, continues, continues_score, {}, storyline,
                    breaking_since, breaking_since_ts
             FROM stories_in ORDER BY id
             ON CONFLICT (id) DO UPDATE SET {STORY_UPDATE}",
            json("languages"),
            json("sources"),
            json("keywords"),
            json("entities"),
            json("titles"),
            json("keyphrases"),
            json("summary"),
            json("continues_shared")
        ))
    };
    Some(run())
}

/// A story's values in the order of [`STORY_WRITE_COLUMNS`].
fn story_values(conn: &Conn, story: &StoryWrite, storyline: i64) -> Result<Vec<Value>, StoreError> {
    let StoryWrite { summary: s, active, continues } = story;
    let number = story_number(s.id);
    let entities = serde_json::to_string(&s.entities).map_err(|e| StoreError::Damaged {
        path: conn.shown(),
        record: crate::story_label(number),
        reason: format!("its entities cannot be written as JSON ({e})"),
    })?;
    Ok(vec![
        number.into(),
        s.title.as_str().into(),
        (s.articles as i64).into(),
        (s.unique_articles as i64).into(),
        s.first_seen.map(|p| p.to_display_string()).into(),
        s.last_seen.map(|p| p.to_display_string()).into(),
        s.first_seen.map(|p| p.seconds()).into(),
        s.last_seen.map(|p| p.seconds()).into(),
        json_list(&s.languages),
        json_list(&s.sources),
        json_list(&s.keywords),
        entities.into(),
        (*active).into(),
        serde_json::json!(s.titles).to_string().into(),
        json_list(&s.keyphrases),
        json_list(&s.summary),
        continues.as_ref().map(|l| story_number(l.story)).into(),
        continues.as_ref().map(|l| l.score).into(),
        json_list(continues.as_ref().map(|l| l.shared.as_slice()).unwrap_or_default()),
        storyline.into(),
        s.breaking_since.map(|p| p.to_display_string()).into(),
        s.breaking_since.map(|p| p.seconds()).into(),
    ])
}
