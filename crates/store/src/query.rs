//! Reads: story lists, one story's timeline, articles, statistics and full exports.

use rusqlite::{OptionalExtension, Row, params, params_from_iter, types::Value};

use crate::{Store, StoreError};

/// When an article appeared (Unix time, if dated) and in which outlet.
pub type ArticleTime = (Option<i64>, Option<String>);

/// A time a user wrote that is neither a date nor a span.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read {0:?} as a date (2019-04-01, RFC 3339) or a span (24h, 7d, 2w)")]
pub struct TimeError(pub String);

/// Which stories to list.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    /// Stories seen (last article) at or after this Unix time.
    pub since: Option<i64>,
    /// Stories that began at or before this Unix time.
    pub until: Option<i64>,
    pub lang: Option<String>,
    pub source: Option<String>,
    /// Stories naming this entity (its key or its name, ignoring case).
    pub entity: Option<String>,
    pub order: StoryOrder,
    /// Continue after this story of an earlier page (keyset pagination: a page does not
    /// shift when new stories arrive). Must come from a page in the same order.
    pub after: Option<StoryCursor>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StoryOrder {
    /// Most recently updated first.
    #[default]
    Newest,
    /// Most articles first.
    Largest,
    /// Most growth lately first: see [`TRENDING_WINDOW`].
    Trending,
}

/// Trending weighs the articles a story gained in this window before the newest article
/// in the store (the store's "now": archives are read long after the fact) against the
/// story's age: `recent × W / (age + W)`, so a story that is new and growing beats an old
/// one that is still trickling.
pub const TRENDING_WINDOW: i64 = 12 * 3600;

/// Where a page of stories ended, in the terms of its order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StoryCursor {
    Newest { last_seen_ts: Option<i64>, number: i64 },
    Largest { articles: i64, number: i64 },
    Trending { score: f64, number: i64 },
}

/// A story with the sort key it was listed by (for the next page's cursor).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedStory {
    pub row: StoryRow,
    pub cursor: StoryCursor,
    /// Articles in the trending window (trending order only, else 0).
    pub recent_articles: i64,
}

/// An outlet and how much it published.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceRow {
    pub name: String,
    pub articles: i64,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
}

/// A story: as stored, or as `tidings cluster` made it. Every JSON form of a story
/// (`--stories` files, `stories --json`, `export`, the API) is this struct's one serializer
/// (see `view.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoryRow {
    pub story: String,
    pub number: i64,
    pub title: String,
    pub articles: i64,
    pub unique_articles: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub languages: Vec<String>,
    pub sources: Vec<String>,
    pub keywords: Vec<String>,
    pub entities: serde_json::Value,
    /// Whether it still takes articles (`None` where it is not known: a `cluster` run's
    /// stories are all finished at its end).
    pub active: Option<bool>,
    /// The title in each language, when the story was reported in more than one.
    pub titles: std::collections::BTreeMap<String, String>,
    pub keyphrases: Vec<String>,
    /// About three sentences from the articles' leads.
    pub summary: Vec<String>,
    /// The storyline it belongs to (its first story's id; the story's own id when nothing
    /// links it to another yet), once a version with storylines wrote it.
    pub storyline: Option<String>,
    pub storyline_number: Option<i64>,
    /// The earlier story it continues.
    pub continues: Option<StoryLinkRow>,
    /// Its articles and copy groups, where they were at hand (`tidings cluster`); the
    /// store gives a story's articles separately.
    pub members: Option<crate::view::StoryMembers>,
}

/// That a story continues an earlier one: the earlier story, the link's score and the
/// names and terms they share.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryLinkRow {
    pub story: String,
    #[serde(skip)]
    pub number: i64,
    pub score: f64,
    pub shared: Vec<String>,
}

/// A storyline: stories that continue one another, oldest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StorylineRow {
    /// The id of its first story.
    pub storyline: String,
    /// Its latest story's title (what the storyline has come to).
    pub title: String,
    pub articles: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Names that more than one of its stories give, most widely shared first.
    pub entities: Vec<String>,
    pub stories: Vec<StoryRow>,
}

/// A storyline in a list: its stories' count instead of the stories.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ListedStoryline {
    pub storyline: String,
    #[serde(skip)]
    pub number: i64,
    pub title: String,
    pub stories: i64,
    pub articles: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// An article as stored (the body only where asked for).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleRow {
    pub seq: i64,
    pub id: String,
    pub published: Option<String>,
    #[serde(skip)]
    pub published_ts: Option<i64>,
    pub source: Option<String>,
    pub lang: String,
    pub title: String,
    pub display_title: String,
    pub url: Option<String>,
    pub story: String,
    #[serde(skip)]
    pub story_number: i64,
    pub duplicate_of: Option<String>,
    pub similarity: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Counts for `tidings stats`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stats {
    pub articles: i64,
    pub stories: i64,
    pub active_stories: i64,
    pub copies: i64,
    pub sources: i64,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    /// Articles per language, most first.
    pub languages: Vec<(String, i64)>,
    /// The largest outlets by articles.
    pub top_sources: Vec<(String, i64)>,
    pub ingest_runs: i64,
    pub schema_version: i64,
}

const STORY_COLUMNS: &str = "id, title, articles, unique_articles, first_seen, last_seen, languages, sources, keywords, \
                             entities, active, titles, keyphrases, summary, storyline, continues, continues_score, \
                             continues_shared";

const ARTICLE_COLUMNS: &str = "a.seq, a.id, a.published, a.published_ts, s.name AS source, a.lang, a.title, \
                               a.display_title, a.url, a.story_id, a.duplicate_of, a.similarity";

/// A stored JSON column that does not read back: the row is reported as damaged (see
/// [`StoreError::sqlite`]) rather than shown as if it were empty.
#[derive(Debug, thiserror::Error)]
#[error("story {story}: its {column} column is not the JSON it should be ({reason})")]
pub(crate) struct DamagedColumn {
    pub story: String,
    pub column: &'static str,
    pub reason: String,
}

/// A story's JSON column, read by name.
fn json_column<T: serde::de::DeserializeOwned>(r: &Row<'_>, number: i64, column: &'static str) -> rusqlite::Result<T> {
    let raw: String = r.get(column)?;
    serde_json::from_str(&raw).map_err(|e| {
        let damaged = DamagedColumn { story: crate::story_label(number), column, reason: e.to_string() };
        let index = r.as_ref().column_index(column).unwrap_or(0);
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(damaged))
    })
}

fn story_row(r: &Row<'_>) -> rusqlite::Result<StoryRow> {
    let number: i64 = r.get("id")?;
    let json = |column| json_column::<Vec<String>>(r, number, column);
    Ok(StoryRow {
        story: crate::story_label(number),
        number,
        title: r.get("title")?,
        articles: r.get("articles")?,
        unique_articles: r.get("unique_articles")?,
        first_seen: r.get("first_seen")?,
        last_seen: r.get("last_seen")?,
        languages: json("languages")?,
        sources: json("sources")?,
        keywords: json("keywords")?,
        entities: json_column(r, number, "entities")?,
        active: Some(r.get("active")?),
        titles: json_column(r, number, "titles")?,
        keyphrases: json("keyphrases")?,
        summary: json("summary")?,
        storyline: r.get::<_, Option<i64>>("storyline")?.map(crate::story_label),
        storyline_number: r.get("storyline")?,
        continues: match r.get::<_, Option<i64>>("continues")? {
            Some(continued) => Some(StoryLinkRow {
                story: crate::story_label(continued),
                number: continued,
                score: r.get::<_, Option<f64>>("continues_score")?.unwrap_or(0.0),
                shared: json("continues_shared")?,
            }),
            None => None,
        },
        members: None,
    })
}

fn article_row(r: &Row<'_>, with_body: bool) -> rusqlite::Result<ArticleRow> {
    let story_number: i64 = r.get("story_id")?;
    Ok(ArticleRow {
        seq: r.get("seq")?,
        id: r.get("id")?,
        published: r.get("published")?,
        published_ts: r.get("published_ts")?,
        source: r.get("source")?,
        lang: r.get("lang")?,
        title: r.get("title")?,
        display_title: r.get("display_title")?,
        url: r.get("url")?,
        story: crate::story_label(story_number),
        story_number,
        duplicate_of: r.get("duplicate_of")?,
        similarity: r.get("similarity")?,
        body: if with_body { Some(r.get("body")?) } else { None },
    })
}

impl Store {
    /// Stories matching a filter, in the filter's order.
    pub fn stories(&self, f: &StoryFilter) -> Result<Vec<StoryRow>, StoreError> {
        Ok(self.list_stories(f)?.into_iter().map(|l| l.row).collect())
    }

    /// Stories matching a filter, each with its cursor.
    pub fn list_stories(&self, f: &StoryFilter) -> Result<Vec<ListedStory>, StoreError> {
        let now = self.newest_published()?.unwrap_or(0);
        let (mut sql, mut args) = if f.order == StoryOrder::Trending {
            let sql = format!(
                "WITH recent AS (SELECT story_id, count(*) AS n FROM articles WHERE published_ts >= ?
                                 GROUP BY story_id),
                      scored AS (SELECT stories.*, recent.n AS recent_n,
                                 recent.n * {TRENDING_WINDOW}.0 / (max(? - coalesce(first_seen_ts, ?), 0) + {TRENDING_WINDOW})
                                 AS score FROM stories JOIN recent ON recent.story_id = stories.id)
                 SELECT {STORY_COLUMNS}, last_seen_ts, score, recent_n FROM scored WHERE 1 = 1"
            );
            (sql, vec![Value::from(now - TRENDING_WINDOW), now.into(), now.into()])
        } else {
            (
                format!("SELECT {STORY_COLUMNS}, last_seen_ts, 0.0 AS score, 0 AS recent_n FROM stories WHERE 1 = 1"),
                Vec::new(),
            )
        };
        if let Some(t) = f.since {
            sql.push_str(" AND last_seen_ts >= ?");
            args.push(t.into());
        }
        if let Some(t) = f.until {
            sql.push_str(" AND first_seen_ts <= ?");
            args.push(t.into());
        }
        for (list, value) in [("languages", &f.lang), ("sources", &f.source)] {
            if let Some(v) = value {
                sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM json_each({list}) WHERE value = ?)"));
                args.push(v.clone().into());
            }
        }
        if let Some(e) = &f.entity {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM json_each(entities) WHERE json_extract(value, '$.key') = ?
                   OR lower(json_extract(value, '$.name')) = lower(?))",
            );
            args.push(e.clone().into());
            args.push(e.clone().into());
        }
        push_after(&mut sql, &mut args, f.after);
        sql.push_str(match f.order {
            StoryOrder::Newest => " ORDER BY last_seen_ts DESC, id DESC",
            StoryOrder::Largest => " ORDER BY articles DESC, id DESC",
            StoryOrder::Trending => " ORDER BY score DESC, id DESC",
        });
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push((f.limit as i64).into());
        args.push((f.offset as i64).into());
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let order = f.order;
        let rows = stmt
            .query_map(params_from_iter(args), |r| {
                let row = story_row(r)?;
                let number = row.number;
                let cursor = match order {
                    StoryOrder::Newest => StoryCursor::Newest { last_seen_ts: r.get("last_seen_ts")?, number },
                    StoryOrder::Largest => StoryCursor::Largest { articles: row.articles, number },
                    StoryOrder::Trending => StoryCursor::Trending { score: r.get("score")?, number },
                };
                Ok(ListedStory { row, cursor, recent_articles: r.get("recent_n")? })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Publication times of a story's articles with their outlets, in time order (for
    /// its timeline chart).
    pub fn story_times(&self, number: i64) -> Result<Vec<ArticleTime>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.published_ts, s.name FROM articles a LEFT JOIN sources s ON s.id = a.source_id
                 WHERE a.story_id = ?1 ORDER BY a.published_ts",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([number], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Outlets, those with the most articles first.
    pub fn sources(&self, limit: usize) -> Result<Vec<SourceRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.name, count(*) AS n, strftime('%Y-%m-%dT%H:%M:%SZ', min(a.published_ts), 'unixepoch'),
                        strftime('%Y-%m-%dT%H:%M:%SZ', max(a.published_ts), 'unixepoch')
                 FROM sources s JOIN articles a ON a.source_id = s.id
                 GROUP BY s.id ORDER BY n DESC, s.name LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(SourceRow {
                    name: r.get(0)?,
                    articles: r.get(1)?,
                    first_published: r.get(2)?,
                    last_published: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One outlet's articles, newest first.
    pub fn source_articles(&self, name: &str, limit: usize, offset: usize) -> Result<Vec<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE s.name = ?1 ORDER BY a.published_ts DESC, a.seq DESC LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![name, limit as i64, offset as i64], |r| article_row(r, false))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One story by its number.
    pub fn story(&self, number: i64) -> Result<Option<StoryRow>, StoreError> {
        let sql = format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1");
        self.conn.query_row(&sql, [number], story_row).optional().map_err(|e| self.err(e))
    }

    /// The storyline of the story with this number (its first story or any other), if it
    /// has more than one story.
    pub fn storyline(&self, story: i64) -> Result<Option<StorylineRow>, StoreError> {
        let number = self.story(story)?.and_then(|s| s.storyline_number).unwrap_or(story);
        let sql = format!("SELECT {STORY_COLUMNS} FROM stories WHERE storyline = ?1 ORDER BY first_seen_ts, id");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let stories: Vec<StoryRow> =
            stmt.query_map([number], story_row).and_then(|rows| rows.collect()).map_err(|e| self.err(e))?;
        if stories.len() < 2 {
            return Ok(None);
        }
        let latest = stories.iter().max_by(|a, b| a.last_seen.cmp(&b.last_seen).then(a.number.cmp(&b.number)));
        Ok(Some(StorylineRow {
            storyline: crate::story_label(number),
            title: latest.map(|s| s.title.clone()).unwrap_or_default(),
            articles: stories.iter().map(|s| s.articles).sum(),
            first_seen: stories.iter().filter_map(|s| s.first_seen.clone()).min(),
            last_seen: stories.iter().filter_map(|s| s.last_seen.clone()).max(),
            entities: shared_entities(&stories),
            stories,
        }))
    }

    /// Storylines of more than one story, the most recently continued first.
    pub fn storylines(&self, limit: usize, offset: usize) -> Result<Vec<ListedStoryline>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.storyline, count(*), sum(s.articles), min(s.first_seen), max(s.last_seen),
                        (SELECT l.title FROM stories l WHERE l.storyline = s.storyline
                         ORDER BY l.last_seen_ts DESC, l.id DESC LIMIT 1)
                 FROM stories s WHERE s.storyline IS NOT NULL
                 GROUP BY s.storyline HAVING count(*) > 1
                 ORDER BY max(s.last_seen_ts) DESC, s.storyline DESC LIMIT ?1 OFFSET ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64], |r| {
                let number: i64 = r.get(0)?;
                Ok(ListedStoryline {
                    storyline: crate::story_label(number),
                    number,
                    stories: r.get(1)?,
                    articles: r.get(2)?,
                    first_seen: r.get(3)?,
                    last_seen: r.get(4)?,
                    title: r.get(5)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// How many stories a storyline has.
    pub fn storyline_size(&self, number: i64) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM stories WHERE storyline = ?1", [number], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// A story's articles as a timeline: by publication time, then stream order.
    pub fn story_articles(&self, number: i64) -> Result<Vec<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.story_id = ?1 ORDER BY a.published_ts NULLS LAST, a.seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map([number], |r| article_row(r, false)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One article by id, with its body.
    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.body FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?1"
        );
        self.conn.query_row(&sql, [id], |r| article_row(r, true)).optional().map_err(|e| self.err(e))
    }

    /// Articles by seq, with bodies (for search results).
    pub fn articles_by_seq(&self, seqs: &[i64]) -> Result<Vec<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.body FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.seq = ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(seqs.len());
        for seq in seqs {
            if let Some(a) = stmt.query_row([seq], |r| article_row(r, true)).optional().map_err(|e| self.err(e))? {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Calls `f` with every article from `from_seq` on (with bodies), in stream order,
    /// without holding them all; stops at `f`'s first error.
    pub fn for_each_article<E: From<StoreError>>(
        &self,
        from_seq: i64,
        mut f: impl FnMut(ArticleRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.body FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.seq >= ?1 ORDER BY a.seq"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query([from_seq]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(article_row(r, true).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }

    /// Calls `f` with every story, by number; stops at `f`'s first error.
    pub fn for_each_story<E: From<StoreError>>(&self, mut f: impl FnMut(StoryRow) -> Result<(), E>) -> Result<(), E> {
        let sql = format!("SELECT {STORY_COLUMNS} FROM stories ORDER BY id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(story_row(r).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }

    /// The latest generation and the lowest seq written since `after` (for a derived
    /// index catching up): `(generation, from_seq)`.
    pub fn changes_since(&self, after: i64) -> Result<(i64, Option<i64>), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT coalesce(max(generation), 0) FROM generations),
                        (SELECT min(from_seq) FROM generations WHERE generation > ?1)",
                [after],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))
    }

    /// A time given by a user: `2019-04-01`, an RFC 3339 time, or a span (`24h`, `7d`,
    /// `2w`) back from the newest article in the store (an archive's "now"). The inner
    /// error says what could not be read.
    pub fn parse_time(&self, s: &str) -> Result<Result<i64, TimeError>, StoreError> {
        if let Some(p) = tidings_article::parse_published(s) {
            return Ok(Ok(p.seconds()));
        }
        let t = s.trim();
        let (digits, unit) = t.split_at(t.len() - t.chars().last().map_or(0, char::len_utf8));
        let unit_seconds = match unit {
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Ok(Err(TimeError(s.to_string()))),
        };
        let Ok(n) = digits.parse::<i64>() else { return Ok(Err(TimeError(s.to_string()))) };
        let newest = self.newest_published()?.unwrap_or(0);
        Ok(Ok(newest.saturating_sub(n.saturating_mul(unit_seconds))))
    }

    /// The latest publication time in the store (Unix seconds).
    pub fn newest_published(&self) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT max(published_ts) FROM articles", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    pub fn stats(&self) -> Result<Stats, StoreError> {
        let one = |sql: &str| -> Result<i64, StoreError> {
            self.conn.query_row(sql, [], |r| r.get(0)).map_err(|e| self.err(e))
        };
        let text = |sql: &str| -> Result<Option<String>, StoreError> {
            self.conn.query_row(sql, [], |r| r.get(0)).optional().map_err(|e| self.err(e)).map(Option::flatten)
        };
        let pairs = |sql: &str| -> Result<Vec<(String, i64)>, StoreError> {
            let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
        };
        Ok(Stats {
            articles: one("SELECT count(*) FROM articles")?,
            stories: one("SELECT count(*) FROM stories")?,
            active_stories: one("SELECT count(*) FROM stories WHERE active")?,
            copies: one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")?,
            sources: one("SELECT count(*) FROM sources")?,
            first_published: text(
                "SELECT published FROM articles WHERE published_ts IS NOT NULL ORDER BY published_ts LIMIT 1",
            )?,
            last_published: text(
                "SELECT published FROM articles WHERE published_ts IS NOT NULL ORDER BY published_ts DESC LIMIT 1",
            )?,
            languages: pairs("SELECT lang, count(*) AS n FROM articles GROUP BY lang ORDER BY n DESC, lang")?,
            top_sources: pairs(
                "SELECT s.name, count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id
                 GROUP BY s.id ORDER BY n DESC, s.name LIMIT 10",
            )?,
            ingest_runs: one("SELECT count(*) FROM ingests")?,
            schema_version: one("PRAGMA user_version")?,
        })
    }
}

/// Narrows a story query to what comes after a cursor in the cursor's order.
fn push_after(sql: &mut String, args: &mut Vec<Value>, after: Option<StoryCursor>) {
    match after {
        None => {}
        // SQLite sorts NULL below every number, so undated stories come last.
        Some(StoryCursor::Newest { last_seen_ts: Some(ts), number }) => {
            sql.push_str(" AND (last_seen_ts < ? OR last_seen_ts IS NULL OR (last_seen_ts = ? AND id < ?))");
            args.extend([ts.into(), ts.into(), number.into()]);
        }
        Some(StoryCursor::Newest { last_seen_ts: None, number }) => {
            sql.push_str(" AND last_seen_ts IS NULL AND id < ?");
            args.push(number.into());
        }
        Some(StoryCursor::Largest { articles, number }) => {
            sql.push_str(" AND (articles < ? OR (articles = ? AND id < ?))");
            args.extend([articles.into(), articles.into(), number.into()]);
        }
        Some(StoryCursor::Trending { score, number }) => {
            sql.push_str(" AND (score < ? OR (score = ? AND id < ?))");
            args.extend([score.into(), score.into(), number.into()]);
        }
    }
}

/// Names given by more than one story of a storyline, the most widely shared first (ties:
/// the most salient overall).
fn shared_entities(stories: &[StoryRow]) -> Vec<String> {
    let mut tally: Vec<(String, usize, f64)> = Vec::new();
    for s in stories {
        let Some(entities) = s.entities.as_array() else { continue };
        let mut seen = std::collections::HashSet::new();
        for e in entities {
            let (Some(name), Some(key)) = (e["name"].as_str(), e["key"].as_str()) else { continue };
            if !seen.insert(key) {
                continue;
            }
            let salience = e["salience"].as_f64().unwrap_or(0.0);
            match tally.iter_mut().find(|(n, _, _)| n == name) {
                Some(t) => {
                    t.1 += 1;
                    t.2 += salience;
                }
                None => tally.push((name.to_string(), 1, salience)),
            }
        }
    }
    tally.retain(|t| t.1 > 1);
    tally.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)));
    tally.into_iter().take(8).map(|t| t.0).collect()
}
