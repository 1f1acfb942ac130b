//! Reads: story lists, one story's timeline, articles, statistics and full exports.

use crate::sql::{Columns, Dialect, Value, number_list};
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
    /// Breaking stories first, those that began to break most recently first; then the
    /// rest, most recently updated first.
    Breaking,
}

/// Trending weighs the articles a story gained in this window before the newest article
/// in the store (the store's "now": archives are read long after the fact) against the
/// story's age: `recent × W / (age + W)`, so a story that is new and growing beats an old
/// one that is still trickling.
pub const TRENDING_WINDOW: i64 = 12 * 3600;

/// Where a page of stories ended, in the terms of its order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StoryCursor {
    Newest {
        last_seen_ts: Option<i64>,
        number: i64,
    },
    Largest {
        articles: i64,
        number: i64,
    },
    Trending {
        score: f64,
        number: i64,
    },
    /// `breaking_since` for a breaking story, else `last_seen`.
    Breaking {
        breaking: bool,
        at: Option<i64>,
        number: i64,
    },
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
    /// Since when it is breaking (RFC 3339), while it is.
    pub breaking_since: Option<String>,
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

/// The columns of a story, by name. PostgreSQL keeps lists as JSONB and hands them over
/// as text, as SQLite stores them.
fn story_columns(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => {
            "id, title, articles, unique_articles, first_seen, last_seen, languages, sources, keywords, entities, \
             active, titles, keyphrases, summary, storyline, continues, continues_score, continues_shared, \
             breaking_since"
        }
        Dialect::Postgres => {
            "id, title, articles, unique_articles, first_seen, last_seen, languages::text AS languages, \
             sources::text AS sources, keywords::text AS keywords, entities::text AS entities, active, \
             titles::text AS titles, keyphrases::text AS keyphrases, summary::text AS summary, storyline, continues, \
             continues_score, continues_shared::text AS continues_shared, breaking_since"
        }
    }
}

const ARTICLE_COLUMNS: &str = "a.seq, a.id, a.published, a.published_ts, s.name AS source, a.lang, a.title, \
                               a.display_title, a.url, a.story_id, a.duplicate_of, a.similarity";

/// Unix seconds as an RFC 3339 UTC time, in SQL.
fn iso_time(d: Dialect, seconds: &str) -> String {
    match d {
        Dialect::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {seconds}, 'unixepoch')"),
        Dialect::Postgres => {
            format!("to_char(to_timestamp({seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        }
    }
}

/// A story's JSON column, read by name; one that does not parse makes the row damaged
/// rather than empty.
fn json_column<T: serde::de::DeserializeOwned>(r: &dyn Columns, number: i64, column: &str) -> Result<T, StoreError> {
    let raw = r.text(column)?;
    serde_json::from_str(&raw).map_err(|e| {
        r.damaged(crate::story_label(number), format!("its {column} column is not the JSON it should be ({e})"))
    })
}

fn story_row(r: &dyn Columns) -> Result<StoryRow, StoreError> {
    let number = r.int("id")?;
    let json = |column| json_column::<Vec<String>>(r, number, column);
    let storyline = r.opt_int("storyline")?;
    Ok(StoryRow {
        story: crate::story_label(number),
        number,
        title: r.text("title")?,
        articles: r.int("articles")?,
        unique_articles: r.int("unique_articles")?,
        first_seen: r.opt_text("first_seen")?,
        last_seen: r.opt_text("last_seen")?,
        languages: json("languages")?,
        sources: json("sources")?,
        keywords: json("keywords")?,
        entities: json_column(r, number, "entities")?,
        active: Some(r.flag("active")?),
        titles: json_column(r, number, "titles")?,
        keyphrases: json("keyphrases")?,
        summary: json("summary")?,
        storyline: storyline.map(crate::story_label),
        storyline_number: storyline,
        continues: match r.opt_int("continues")? {
            Some(continued) => Some(StoryLinkRow {
                story: crate::story_label(continued),
                number: continued,
                score: r.opt_real("continues_score")?.unwrap_or(0.0),
                shared: json("continues_shared")?,
            }),
            None => None,
        },
        breaking_since: r.opt_text("breaking_since")?,
        members: None,
    })
}

fn article_row(r: &dyn Columns, with_body: bool) -> Result<ArticleRow, StoreError> {
    let story_number = r.int("story_id")?;
    Ok(ArticleRow {
        seq: r.int("seq")?,
        id: r.text("id")?,
        published: r.opt_text("published")?,
        published_ts: r.opt_int("published_ts")?,
        source: r.opt_text("source")?,
        lang: r.text("lang")?,
        title: r.text("title")?,
        display_title: r.text("display_title")?,
        url: r.opt_text("url")?,
        story: crate::story_label(story_number),
        story_number,
        duplicate_of: r.opt_text("duplicate_of")?,
        similarity: r.real("similarity")?,
        body: if with_body { Some(r.text("body")?) } else { None },
    })
}

impl Store {
    fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// Stories matching a filter, in the filter's order.
    pub fn stories(&self, f: &StoryFilter) -> Result<Vec<StoryRow>, StoreError> {
        Ok(self.list_stories(f)?.into_iter().map(|l| l.row).collect())
    }

    /// Stories matching a filter, each with its cursor. The page's ids and sort keys are
    /// found first, and only its stories' columns read: a store of a million stories
    /// sorts keys, never cards.
    pub fn list_stories(&self, f: &StoryFilter) -> Result<Vec<ListedStory>, StoreError> {
        let d = self.dialect();
        let (mut sql, mut args) = if f.order == StoryOrder::Trending {
            let now = self.newest_published()?.unwrap_or(0);
            let greatest = if d == Dialect::Postgres { "greatest" } else { "max" };
            let sql = format!(
                "WITH recent AS (SELECT story_id, count(*) AS n FROM articles WHERE published_ts >= ?
                                 GROUP BY story_id),
                      scored AS (SELECT stories.id, last_seen_ts, first_seen_ts, articles, languages, sources,
                                 entities, recent.n AS recent_n, breaking_since_ts,
                                 CAST(recent.n * {TRENDING_WINDOW} AS DOUBLE PRECISION)
                                 / ({greatest}(? - coalesce(first_seen_ts, ?), 0) + {TRENDING_WINDOW})
                                 AS score FROM stories JOIN recent ON recent.story_id = stories.id)
                 SELECT id, last_seen_ts, articles, score, recent_n, breaking_since_ts FROM scored WHERE 1 = 1"
            );
            (sql, vec![Value::from(now - TRENDING_WINDOW), now.into(), now.into()])
        } else {
            let sql = "SELECT id, last_seen_ts, articles, CAST(0 AS DOUBLE PRECISION) AS score,
                       CAST(0 AS BIGINT) AS recent_n, breaking_since_ts FROM stories WHERE 1 = 1";
            (sql.to_string(), Vec::new())
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
                sql.push_str(&match d {
                    Dialect::Sqlite => format!(" AND EXISTS (SELECT 1 FROM json_each({list}) WHERE value = ?)"),
                    Dialect::Postgres => format!(" AND {list} @> jsonb_build_array(CAST(? AS TEXT))"),
                });
                args.push(v.clone().into());
            }
        }
        if let Some(e) = &f.entity {
            sql.push_str(match d {
                // A short form folded into a full name (its `aliases`) finds the story too.
                Dialect::Sqlite => {
                    " AND (EXISTS (SELECT 1 FROM json_each(entities) WHERE json_extract(value, '$.key') = ?
                       OR lower(json_extract(value, '$.name')) = lower(?))
                       OR EXISTS (SELECT 1 FROM json_each(entities) AS e, json_each(e.value, '$.aliases') AS a
                       WHERE lower(a.value) = lower(?)))"
                }
                Dialect::Postgres => {
                    " AND (EXISTS (SELECT 1 FROM jsonb_array_elements(entities) AS e(value)
                       WHERE e.value->>'key' = ? OR lower(e.value->>'name') = lower(?))
                       OR EXISTS (SELECT 1 FROM jsonb_array_elements(entities) AS e(value),
                       jsonb_array_elements_text(COALESCE(e.value->'aliases', CAST('[]' AS jsonb))) AS a(alias)
                       WHERE lower(a.alias) = lower(?)))"
                }
            });
            for _ in 0..3 {
                args.push(e.clone().into());
            }
        }
        push_after(&mut sql, &mut args, f.after);
        // Undated stories last, in both databases.
        let order = |prefix: &str| match f.order {
            StoryOrder::Newest => format!(" ORDER BY {prefix}last_seen_ts DESC NULLS LAST, {prefix}id DESC"),
            StoryOrder::Largest => format!(" ORDER BY {prefix}articles DESC, {prefix}id DESC"),
            StoryOrder::Trending => format!(" ORDER BY {prefix}score DESC, {prefix}id DESC"),
            StoryOrder::Breaking => format!(
                " ORDER BY ({prefix}breaking_since_ts IS NULL), coalesce({prefix}breaking_since_ts, {prefix}last_seen_ts) \
                 DESC NULLS LAST, {prefix}id DESC"
            ),
        };
        sql.push_str(&order(""));
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push((f.limit as i64).into());
        args.push((f.offset as i64).into());
        let page = format!(
            "SELECT {}, k.last_seen_ts AS k_last_seen_ts, k.score AS k_score, k.recent_n AS k_recent_n,
                    k.breaking_since_ts AS k_breaking_since_ts
             FROM ({sql}) AS k JOIN stories ON stories.id = k.id{}",
            story_columns(d).split(", ").map(|c| format!("stories.{c}")).collect::<Vec<_>>().join(", "),
            order("k.")
        );
        let order = f.order;
        self.conn.rows(&page, &args, |r| {
            let row = story_row(r)?;
            let number = row.number;
            let cursor = match order {
                StoryOrder::Newest => StoryCursor::Newest { last_seen_ts: r.opt_int("k_last_seen_ts")?, number },
                StoryOrder::Largest => StoryCursor::Largest { articles: row.articles, number },
                StoryOrder::Trending => StoryCursor::Trending { score: r.real("k_score")?, number },
                StoryOrder::Breaking => match r.opt_int("k_breaking_since_ts")? {
                    Some(at) => StoryCursor::Breaking { breaking: true, at: Some(at), number },
                    None => StoryCursor::Breaking { breaking: false, at: r.opt_int("k_last_seen_ts")?, number },
                },
            };
            Ok(ListedStory { row, cursor, recent_articles: r.int("k_recent_n")? })
        })
    }

    /// Publication times of a story's articles with their outlets, in time order (for
    /// its timeline chart).
    pub fn story_times(&self, number: i64) -> Result<Vec<ArticleTime>, StoreError> {
        self.conn.rows(
            "SELECT a.published_ts, s.name FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.story_id = ?1 ORDER BY a.published_ts NULLS FIRST, a.seq",
            &[number.into()],
            |r| Ok((r.opt_int("published_ts")?, r.opt_text("name")?)),
        )
    }

    /// Outlets, those with the most articles first.
    pub fn sources(&self, limit: usize) -> Result<Vec<SourceRow>, StoreError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT s.name, count(*) AS n, {} AS first_published, {} AS last_published
             FROM sources s JOIN articles a ON a.source_id = s.id
             GROUP BY s.id, s.name ORDER BY n DESC, s.name LIMIT ?1",
            iso_time(d, "min(a.published_ts)"),
            iso_time(d, "max(a.published_ts)")
        );
        self.conn.rows(&sql, &[(limit as i64).into()], |r| {
            Ok(SourceRow {
                name: r.text("name")?,
                articles: r.int("n")?,
                first_published: r.opt_text("first_published")?,
                last_published: r.opt_text("last_published")?,
            })
        })
    }

    /// One outlet's articles, newest first.
    pub fn source_articles(&self, name: &str, limit: usize, offset: usize) -> Result<Vec<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE s.name = ?1 ORDER BY a.published_ts DESC NULLS LAST, a.seq DESC LIMIT ?2 OFFSET ?3"
        );
        self.conn.rows(&sql, &[name.into(), (limit as i64).into(), (offset as i64).into()], |r| article_row(r, false))
    }

    /// One story by its number.
    pub fn story(&self, number: i64) -> Result<Option<StoryRow>, StoreError> {
        let sql = format!("SELECT {} FROM stories WHERE id = ?1", story_columns(self.dialect()));
        self.conn.row(&sql, &[number.into()], story_row)
    }

    /// The storyline of the story with this number (its first story or any other), if it
    /// has more than one story.
    pub fn storyline(&self, story: i64) -> Result<Option<StorylineRow>, StoreError> {
        let number = self.story(story)?.and_then(|s| s.storyline_number).unwrap_or(story);
        let sql = format!(
            "SELECT {} FROM stories WHERE storyline = ?1 ORDER BY first_seen_ts NULLS FIRST, id",
            story_columns(self.dialect())
        );
        let stories = self.conn.rows(&sql, &[number.into()], story_row)?;
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
        self.conn.rows(
            "SELECT s.storyline, count(*) AS stories, CAST(sum(s.articles) AS BIGINT) AS articles,
                    min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen,
                    (SELECT l.title FROM stories l WHERE l.storyline = s.storyline
                     ORDER BY l.last_seen_ts DESC NULLS LAST, l.id DESC LIMIT 1) AS title
             FROM stories s WHERE s.storyline IS NOT NULL
             GROUP BY s.storyline HAVING count(*) > 1
             ORDER BY max(s.last_seen_ts) DESC NULLS LAST, s.storyline DESC LIMIT ?1 OFFSET ?2",
            &[(limit as i64).into(), (offset as i64).into()],
            |r| {
                let number = r.int("storyline")?;
                Ok(ListedStoryline {
                    storyline: crate::story_label(number),
                    number,
                    stories: r.int("stories")?,
                    articles: r.int("articles")?,
                    first_seen: r.opt_text("first_seen")?,
                    last_seen: r.opt_text("last_seen")?,
                    title: r.text("title")?,
                })
            },
        )
    }

    /// How many stories a storyline has.
    pub fn storyline_size(&self, number: i64) -> Result<i64, StoreError> {
        let n = self
            .conn
            .row("SELECT count(*) AS n FROM stories WHERE storyline = ?1", &[number.into()], |r| r.int("n"))?;
        Ok(n.unwrap_or(0))
    }

    /// A story's articles as a timeline: by publication time, then stream order.
    pub fn story_articles(&self, number: i64) -> Result<Vec<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.story_id = ?1 ORDER BY a.published_ts NULLS LAST, a.seq"
        );
        self.conn.rows(&sql, &[number.into()], |r| article_row(r, false))
    }

    /// One article by id, with its body.
    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.body FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?1"
        );
        self.conn.row(&sql, &[id.into()], |r| article_row(r, true))
    }

    /// The stories of some articles (by seq), each once, in the order of its first article
    /// asked for; one query (for story search pages, which need no bodies).
    pub fn stories_of_articles(&self, seqs: &[i64]) -> Result<Vec<i64>, StoreError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT seq, story_id FROM articles WHERE seq IN ({})", number_list(self.dialect()));
        let json = serde_json::Value::from(seqs.to_vec()).to_string();
        let story_of: std::collections::HashMap<i64, i64> =
            self.conn.rows(&sql, &[json.into()], |r| Ok((r.int("seq")?, r.int("story_id")?)))?.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        Ok(seqs.iter().filter_map(|s| story_of.get(s).copied()).filter(|n| seen.insert(*n)).collect())
    }

    /// Stories by number, in the order asked (missing ones left out); one query.
    pub fn stories_by_number(&self, numbers: &[i64]) -> Result<Vec<StoryRow>, StoreError> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let d = self.dialect();
        let sql = format!("SELECT {} FROM stories WHERE id IN ({})", story_columns(d), number_list(d));
        let json = serde_json::Value::from(numbers.to_vec()).to_string();
        let mut found: std::collections::HashMap<i64, StoryRow> =
            self.conn.rows(&sql, &[json.into()], story_row)?.into_iter().map(|s| (s.number, s)).collect();
        Ok(numbers.iter().filter_map(|n| found.remove(n)).collect())
    }

    /// Articles by seq, with bodies (for search results), in the order asked; one query.
    pub fn articles_by_seq(&self, seqs: &[i64]) -> Result<Vec<ArticleRow>, StoreError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let list = number_list(self.dialect());
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.body FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.seq IN ({list})"
        );
        let json = serde_json::Value::from(seqs.to_vec()).to_string();
        let mut found: std::collections::HashMap<i64, ArticleRow> =
            self.conn.rows(&sql, &[json.into()], |r| article_row(r, true))?.into_iter().map(|a| (a.seq, a)).collect();
        Ok(seqs.iter().filter_map(|seq| found.remove(seq)).collect())
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
        self.conn.each(&sql, &[from_seq.into()], |r| f(article_row(r, true)?))
    }

    /// Calls `f` with every story, by number; stops at `f`'s first error.
    pub fn for_each_story<E: From<StoreError>>(&self, mut f: impl FnMut(StoryRow) -> Result<(), E>) -> Result<(), E> {
        let sql = format!("SELECT {} FROM stories ORDER BY id", story_columns(self.dialect()));
        self.conn.each(&sql, &[], |r| f(story_row(r)?))
    }

    /// The latest generation and the lowest seq written since `after` (for a derived
    /// index catching up): `(generation, from_seq)`.
    pub fn changes_since(&self, after: i64) -> Result<(i64, Option<i64>), StoreError> {
        let found = self.conn.row(
            "SELECT (SELECT coalesce(max(generation), 0) FROM generations) AS latest,
                    (SELECT min(from_seq) FROM generations WHERE generation > ?1) AS from_seq",
            &[after.into()],
            |r| Ok((r.int("latest")?, r.opt_int("from_seq")?)),
        )?;
        Ok(found.unwrap_or((0, None)))
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
        let found = self.conn.row("SELECT max(published_ts) AS newest FROM articles", &[], |r| r.opt_int("newest"))?;
        Ok(found.flatten())
    }

    pub fn stats(&self) -> Result<Stats, StoreError> {
        let one = |sql: &str| -> Result<i64, StoreError> { Ok(self.conn.row(sql, &[], |r| r.int("n"))?.unwrap_or(0)) };
        let text = |sql: &str| -> Result<Option<String>, StoreError> {
            Ok(self.conn.row(sql, &[], |r| r.opt_text("t"))?.flatten())
        };
        let pairs = |sql: &str| -> Result<Vec<(String, i64)>, StoreError> {
            self.conn.rows(sql, &[], |r| Ok((r.text("name")?, r.int("n")?)))
        };
        let schema_version = match self.dialect() {
            Dialect::Sqlite => one("SELECT user_version AS n FROM pragma_user_version")?,
            Dialect::Postgres => {
                one("SELECT CAST(value AS BIGINT) AS n FROM tidings_meta WHERE key = 'schema_version'")?
            }
        };
        Ok(Stats {
            articles: one("SELECT count(*) AS n FROM articles")?,
            stories: one("SELECT count(*) AS n FROM stories")?,
            active_stories: one("SELECT count(*) AS n FROM stories WHERE active")?,
            copies: one("SELECT count(*) AS n FROM articles WHERE duplicate_of IS NOT NULL")?,
            sources: one("SELECT count(*) AS n FROM sources")?,
            first_published: text(
                "SELECT published AS t FROM articles WHERE published_ts IS NOT NULL ORDER BY published_ts, seq LIMIT 1",
            )?,
            last_published: text(
                "SELECT published AS t FROM articles WHERE published_ts IS NOT NULL
                 ORDER BY published_ts DESC, seq DESC LIMIT 1",
            )?,
            languages: pairs("SELECT lang AS name, count(*) AS n FROM articles GROUP BY lang ORDER BY n DESC, lang")?,
            top_sources: pairs(
                "SELECT s.name AS name, count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id
                 GROUP BY s.id, s.name ORDER BY n DESC, s.name LIMIT 10",
            )?,
            ingest_runs: one("SELECT count(*) AS n FROM ingests")?,
            schema_version,
        })
    }
}

/// Narrows a story query to what comes after a cursor in the cursor's order.
fn push_after(sql: &mut String, args: &mut Vec<Value>, after: Option<StoryCursor>) {
    match after {
        None => {}
        // Undated stories come last (NULLS LAST in the order).
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
        // Breaking stories (all dated) first, then the rest as in the newest order.
        Some(StoryCursor::Breaking { breaking: true, at, number }) => {
            let at = at.unwrap_or(i64::MAX);
            sql.push_str(
                " AND (breaking_since_ts IS NULL OR breaking_since_ts < ? OR (breaking_since_ts = ? AND id < ?))",
            );
            args.extend([at.into(), at.into(), number.into()]);
        }
        Some(StoryCursor::Breaking { breaking: false, at: Some(ts), number }) => {
            sql.push_str(
                " AND breaking_since_ts IS NULL
                  AND (last_seen_ts < ? OR last_seen_ts IS NULL OR (last_seen_ts = ? AND id < ?))",
            );
            args.extend([ts.into(), ts.into(), number.into()]);
        }
        Some(StoryCursor::Breaking { breaking: false, at: None, number }) => {
            sql.push_str(" AND breaking_since_ts IS NULL AND last_seen_ts IS NULL AND id < ?");
            args.push(number.into());
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
