//! The JSON API under `/api/v1`. Its shape is described by `openapi.json` (served at
//! `/api/v1/openapi.json` and checked against real responses by the tests).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};
use tidings_search::SearchRequest;
use tidings_store::{
    ArticleRow, ListedStory, ListedStoryline, Store, StoryCursor, StoryFilter, StoryOrder, StoryRow, StorylineRow,
};

use crate::error::ApiError;
use crate::state::{AppState, IngestReport};
use tidings_engine::SharedWriter;

/// The OpenAPI document, written by hand next to the handlers it describes.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Largest page of stories or search hits.
pub const MAX_LIMIT: usize = 100;
/// Largest offset into search hits and storylines (deeper pages cost more and nobody
/// reads them; the API documents it).
pub const MAX_OFFSET: usize = 10_000;

/// An offset within bounds (0 when not given).
fn page_offset(offset: Option<usize>) -> Result<usize, ApiError> {
    match offset.unwrap_or(0) {
        n @ 0..=MAX_OFFSET => Ok(n),
        n => Err(ApiError::InvalidParameter(format!("offset must be between 0 and {MAX_OFFSET}, not {n}"))),
    }
}
const DEFAULT_LIMIT: usize = 20;

type Shared = State<Arc<AppState>>;

/// Query parameters of the story list (API and front page).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoriesParams {
    pub since: Option<String>,
    pub until: Option<String>,
    pub lang: Option<String>,
    pub source: Option<String>,
    pub entity: Option<String>,
    /// Full-text query: stories with matching articles, best match first.
    pub q: Option<String>,
    /// `fresh` (default), `size` or `trending`.
    pub sort: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

/// A page of stories and the cursor of the next one.
pub struct StoryPage {
    pub stories: Vec<ListedStory>,
    pub next_cursor: Option<String>,
}

impl StoriesParams {
    fn order(&self) -> Result<StoryOrder, ApiError> {
        match self.sort.as_deref().unwrap_or("fresh") {
            "fresh" => Ok(StoryOrder::Newest),
            "size" => Ok(StoryOrder::Largest),
            "trending" => Ok(StoryOrder::Trending),
            "breaking" => Ok(StoryOrder::Breaking),
            other => Err(ApiError::InvalidParameter(format!(
                "sort must be fresh, size, trending or breaking, not {other:?}"
            ))),
        }
    }

    /// The page these parameters ask for.
    pub fn page(&self, state: &AppState, store: &Store) -> Result<StoryPage, ApiError> {
        let limit = page_limit(self.limit)?;
        let mut filter = StoryFilter {
            since: param_time(store, &self.since, "since")?,
            until: param_time(store, &self.until, "until")?,
            lang: nonempty(&self.lang),
            source: nonempty(&self.source),
            entity: nonempty(&self.entity),
            order: self.order()?,
            limit: limit + 1,
            ..StoryFilter::default()
        };
        if let Some(q) = query_param(&self.q) {
            return self.search_page(state, store, &q, filter, limit);
        }
        if let Some(c) = nonempty(&self.cursor) {
            filter.after = Some(decode_cursor(&c, filter.order)?);
        }
        let mut stories = store.list_stories(&filter)?;
        let next_cursor = (stories.len() > limit).then(|| {
            stories.truncate(limit);
            stories.last().map(|s| encode_cursor(s.cursor))
        });
        Ok(StoryPage { stories, next_cursor: next_cursor.flatten() })
    }

    /// Stories whose articles match a full-text query, by their best article's rank; the
    /// cursor is the number of stories already shown.
    fn search_page(
        &self,
        state: &AppState,
        store: &Store,
        q: &str,
        filter: StoryFilter,
        limit: usize,
    ) -> Result<StoryPage, ApiError> {
        let skip = match nonempty(&self.cursor) {
            Some(c) => c
                .strip_prefix("q")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| ApiError::InvalidParameter(format!("cursor {c:?} is not from a search page")))?,
            None => 0,
        };
        let request = SearchRequest {
            query: q.to_string(),
            since: filter.since,
            until: filter.until,
            lang: filter.lang.clone(),
            source: filter.source.clone(),
            limit: 1000,
            ..SearchRequest::default()
        };
        let hits = state.index()?.search(&request)?;
        let numbers = store.stories_of_articles(&hits.hits.iter().map(|h| h.seq).collect::<Vec<_>>())?;
        let page: Vec<i64> = numbers.iter().skip(skip).take(limit).copied().collect();
        let stories: Vec<ListedStory> = store
            .stories_by_number(&page)?
            .into_iter()
            .map(|row| {
                let cursor = StoryCursor::Largest { articles: row.articles, number: row.number };
                ListedStory { row, cursor, recent_articles: 0 }
            })
            .collect();
        let next = skip + stories.len();
        let next_cursor = (numbers.len() > next).then(|| format!("q{next}"));
        Ok(StoryPage { stories, next_cursor })
    }
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A full-text query parameter as given, when it is not blank. Not trimmed: the query's
/// limits count what the client sent (the OpenAPI document's `maxLength` does too).
fn query_param(v: &Option<String>) -> Option<String> {
    v.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_string)
}

/// A page size within bounds (the default when not given).
fn page_limit(limit: Option<usize>) -> Result<usize, ApiError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        n => Err(ApiError::InvalidParameter(format!("limit must be between 1 and {MAX_LIMIT}, not {n}"))),
    }
}

/// A time parameter (`since`, `until`) as the CLI reads it; empty means not given.
fn param_time(store: &Store, v: &Option<String>, name: &str) -> Result<Option<i64>, ApiError> {
    nonempty(v)
        .map(|s| store.parse_time(&s)?.map_err(|e| ApiError::InvalidParameter(format!("{name}: {e}"))))
        .transpose()
}

/// Cursors are opaque to clients: `f.<last seen>.<story>`, `s.<articles>.<story>`,
/// `t.<score>.<story>`, `b.<breaking since>.<story>` and `q.<last seen>.<story>` (after
/// the breaking stories).
fn encode_cursor(c: StoryCursor) -> String {
    match c {
        StoryCursor::Newest { last_seen_ts, number } => {
            format!("f.{}.{number}", last_seen_ts.map_or("u".to_string(), |t| t.to_string()))
        }
        StoryCursor::Largest { articles, number } => format!("s.{articles}.{number}"),
        StoryCursor::Trending { score, number } => format!("t.{score}.{number}"),
        StoryCursor::Breaking { breaking, at, number } => {
            format!("{}.{}.{number}", if breaking { "b" } else { "q" }, at.map_or("u".to_string(), |t| t.to_string()))
        }
    }
}

fn decode_cursor(c: &str, order: StoryOrder) -> Result<StoryCursor, ApiError> {
    let bad = || ApiError::InvalidParameter(format!("cursor {c:?} is not one this list gave out"));
    // The key may hold a '.' itself (a trending score): kind first, story number last.
    let (kind, rest) = c.split_once('.').ok_or_else(bad)?;
    let (key, number) = rest.rsplit_once('.').ok_or_else(bad)?;
    let number: i64 = number.parse().map_err(|_| bad())?;
    match (kind, order) {
        ("f", StoryOrder::Newest) => {
            let last_seen_ts = if key == "u" { None } else { Some(key.parse().map_err(|_| bad())?) };
            Ok(StoryCursor::Newest { last_seen_ts, number })
        }
        ("s", StoryOrder::Largest) => Ok(StoryCursor::Largest { articles: key.parse().map_err(|_| bad())?, number }),
        ("t", StoryOrder::Trending) => {
            let score: f64 = key.parse().map_err(|_| bad())?;
            score.is_finite().then_some(StoryCursor::Trending { score, number }).ok_or_else(bad)
        }
        (kind @ ("b" | "q"), StoryOrder::Breaking) => {
            let at = if key == "u" { None } else { Some(key.parse().map_err(|_| bad())?) };
            Ok(StoryCursor::Breaking { breaking: kind == "b", at, number })
        }
        _ => Err(bad()),
    }
}

/// Query parameters, or the `invalid_parameter` error that says which one is wrong.
pub(crate) fn params<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(p)| p).map_err(|e| ApiError::InvalidParameter(parameter_message(&e.body_text())))
}

/// A query-string error in the API's words rather than the deserializer's
/// (`limit=-1`: "limit must be a whole number", not "invalid digit found in string").
pub(crate) fn parameter_message(raw: &str) -> String {
    let text = raw.strip_prefix("Failed to deserialize query string: ").unwrap_or(raw);
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let expected = rest.split_once("expected ").map_or("", |(_, e)| e);
        return format!("unknown parameter {name:?} (the parameters are {expected})");
    }
    let Some((name, problem)) = text.split_once(": ") else { return text.to_string() };
    let problem = match problem {
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            "must be a whole number, 0 or more"
        }
        "number too large to fit in target type" => "is too large",
        p => p,
    };
    format!("{name} {problem}")
}

/// `GET /api/v1/stories`
pub async fn stories(
    State(state): Shared,
    q: Result<Query<StoriesParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = params(q)?;
    let page = state.read(move |state, store| p.page(state, store)).await?;
    let stories: Vec<Value> = page.stories.iter().map(listed_json).collect();
    Ok(Json(json!({"stories": stories, "next_cursor": page.next_cursor})))
}

fn listed_json(s: &ListedStory) -> Value {
    let mut v = story_json(&s.row);
    v["recent_articles"] = json!(s.recent_articles);
    v
}

/// A story in the one JSON form of every output (see `tidings_store::StoryRow`).
fn story_json(row: &StoryRow) -> Value {
    serde_json::to_value(row).unwrap_or_default()
}

fn article_json(a: &ArticleRow) -> Value {
    json!({
        "id": a.id,
        "published": a.published,
        "source": a.source,
        "lang": a.lang,
        "title": a.display_title,
        "url": a.url,
        "story": a.story,
        "duplicate_of": a.duplicate_of,
        "similarity": a.similarity,
    })
}

/// A story id from a path: `s000007` or `7`.
pub fn story_number(id: &str) -> Result<i64, ApiError> {
    tidings_store::parse_story_label(id).ok_or_else(|| ApiError::NotFound(format!("story {id:?}")))
}

/// One story with its articles (time order), outlets and copy groups.
pub struct StoryDetail {
    pub row: StoryRow,
    pub articles: Vec<ArticleRow>,
}

impl StoryDetail {
    pub fn load(store: &Store, id: &str) -> Result<Self, ApiError> {
        let number = story_number(id)?;
        let row = store.story(number)?.ok_or_else(|| ApiError::NotFound(format!("story {id:?}")))?;
        let articles = store.story_articles(number)?;
        Ok(Self { row, articles })
    }

    /// Copy groups: each original with the articles that repeat it.
    pub fn copy_groups(&self) -> Vec<(&ArticleRow, Vec<&ArticleRow>)> {
        tidings_store::fold_copies(&self.articles)
            .into_iter()
            .filter(|e| !e.copies.is_empty())
            .map(|e| (e.article, e.copies))
            .collect()
    }

    /// Outlets and their article counts, most first.
    pub fn sources(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for a in &self.articles {
            let name = a.source.clone().unwrap_or_else(|| "unknown".into());
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts
    }
}

/// `GET /api/v1/stories/{id}`
pub async fn story(State(state): Shared, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let detail = state.read(move |_, store| StoryDetail::load(store, &id)).await?;
    let mut v = story_json(&detail.row);
    v["articles"] = json!(detail.articles.iter().map(article_json).collect::<Vec<_>>());
    v["source_counts"] = json!(
        detail
            .sources()
            .into_iter()
            .map(|(name, articles)| json!({"name": name, "articles": articles}))
            .collect::<Vec<_>>()
    );
    v["copy_groups"] = json!(
        detail
            .copy_groups()
            .into_iter()
            .map(|(o, copies)| {
                let mut sources: Vec<&str> = Vec::new();
                for a in std::iter::once(o).chain(copies.iter().copied()) {
                    if let Some(s) = a.source.as_deref().filter(|s| !sources.contains(s)) {
                        sources.push(s);
                    }
                }
                json!({"original": o.id, "copies": copies.iter().map(|c| &c.id).collect::<Vec<_>>(), "sources": sources})
            })
            .collect::<Vec<_>>()
    );
    Ok(Json(v))
}

/// Query parameters of the storyline list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorylinesParams {
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl StorylinesParams {
    /// The page size asked for, or the default.
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    pub fn load(&self, store: &Store) -> Result<Vec<ListedStoryline>, ApiError> {
        let limit = self.limit();
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::InvalidParameter(format!("limit must be 1 to {MAX_LIMIT}")));
        }
        Ok(store.storylines(limit, page_offset(self.offset)?)?)
    }
}

/// `GET /api/v1/storylines`
pub async fn storylines(
    State(state): Shared,
    q: Result<Query<StorylinesParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = params(q)?;
    let lines = state.read(move |_, store| p.load(store)).await?;
    Ok(Json(json!({"storylines": lines})))
}

/// A storyline by its id or the id of any of its stories.
pub fn load_storyline(store: &Store, id: &str) -> Result<StorylineRow, ApiError> {
    let not_found = || ApiError::NotFound(format!("storyline {id:?}"));
    let number = tidings_store::parse_story_label(id).ok_or_else(not_found)?;
    store.storyline(number)?.ok_or_else(not_found)
}

/// `GET /api/v1/storylines/{id}`
pub async fn storyline(State(state): Shared, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let line = state.read(move |_, store| load_storyline(store, &id)).await?;
    let mut v = json!(line);
    v["stories"] = json!(line.stories.iter().map(story_json).collect::<Vec<_>>());
    Ok(Json(v))
}

/// `GET /api/v1/articles/{id}`
pub async fn article(State(state): Shared, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let a = state
        .read(move |_, store| store.article(&id)?.ok_or_else(|| ApiError::NotFound(format!("article {id:?}"))))
        .await?;
    let mut v = article_json(&a);
    v["text"] = json!(a.body);
    Ok(Json(v))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub q: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub lang: Option<String>,
    pub source: Option<String>,
    pub story: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// Search results: the total and the page's articles with their scores.
pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<(f32, ArticleRow)>,
    pub offset: usize,
    pub limit: usize,
}

impl SearchParams {
    pub fn run(&self, state: &AppState, store: &Store) -> Result<SearchPage, ApiError> {
        let query =
            query_param(&self.q).ok_or_else(|| ApiError::InvalidParameter("q (the query) is missing".into()))?;
        let limit = page_limit(self.limit)?;
        let story = nonempty(&self.story).map(|s| story_number(&s)).transpose()?;
        let offset = page_offset(self.offset)?;
        let request = SearchRequest {
            query,
            since: param_time(store, &self.since, "since")?,
            until: param_time(store, &self.until, "until")?,
            lang: nonempty(&self.lang),
            source: nonempty(&self.source),
            story,
            limit,
            offset,
        };
        let results = state.index()?.search(&request)?;
        let seqs: Vec<i64> = results.hits.iter().map(|h| h.seq).collect();
        let articles = store.articles_by_seq(&seqs)?;
        let hits = results.hits.iter().map(|h| h.score).zip(articles).collect();
        Ok(SearchPage { total: results.total, hits, offset, limit })
    }
}

/// `GET /api/v1/search`
pub async fn search(
    State(state): Shared,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = params(q)?;
    let page = state.read(move |state, store| p.run(state, store)).await?;
    let hits: Vec<Value> =
        page.hits.iter().map(|(score, a)| json!({"score": score, "article": article_json(a)})).collect();
    let next_offset = (page.offset + page.hits.len() < page.total && page.hits.len() == page.limit)
        .then_some(page.offset + page.limit);
    Ok(Json(json!({"total": page.total, "hits": hits, "next_offset": next_offset})))
}

/// `GET /api/v1/sources`
/// The list scans every article, so it is served from the cache while fresh.
pub async fn sources(State(state): Shared) -> Result<impl IntoResponse, ApiError> {
    let body = match state.cached("api:sources") {
        Some(cached) => cached,
        None => {
            let rows = state.read(|_, store| Ok(store.sources(1000)?)).await?;
            let body: Arc<str> = Arc::from(json!({"sources": rows}).to_string());
            state.remember("api:sources".into(), body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()))
}

/// `GET /api/v1/stats`
pub async fn stats(State(state): Shared) -> Result<Json<Value>, ApiError> {
    let stats = state.read(|_, store| Ok(store.stats()?)).await?;
    Ok(Json(json!(stats)))
}

/// `GET /api/v1/openapi.json`
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// `POST /api/v1/articles`: JSON articles (an array, or JSON Lines) into the store.
/// Answers once they are committed, so an accepted article is never lost; the search
/// index catches up in the background (a feeder's next batch need not wait for it).
///
/// Nothing of the body is read before the token is checked and a declared length is
/// within the limit, and only a few bodies are read at a time (writes go through one
/// writer anyway): a client without the token costs no memory, and many slow clients
/// with it cost at most a few bodies' worth.
pub async fn ingest(State(state): Shared, request: Request) -> Result<Json<Value>, ApiError> {
    let sink = match (&state.bus, &state.writer) {
        (Some(bus), _) => Sink::Bus(bus.clone()),
        (None, Some(writer)) => Sink::Writer(writer.clone()),
        (None, None) => return Err(ApiError::WritesDisabled),
    };
    authorize(&state, request.headers())?;
    let max_body = state.config.max_body;
    if declared_length(request.headers())?.is_some_and(|n| n > max_body) {
        return Err(ApiError::PayloadTooLarge(max_body));
    }
    let json_array_expected = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/json"));
    let _slot = state.body_slots.acquire().await.map_err(|_| ApiError::Unavailable("the server is stopping".into()))?;
    let body = axum::body::to_bytes(request.into_body(), max_body).await.map_err(|e| body_error(&e, max_body))?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidBody("the body is empty: send a JSON array or JSON Lines of articles".into()));
    }
    if json_array_expected && !body.trim_ascii_start().starts_with(b"[") {
        return Err(ApiError::InvalidBody(
            "a body sent as application/json must be a JSON array of articles (send JSON Lines as application/x-ndjson)"
                .into(),
        ));
    }
    let stores = matches!(sink, Sink::Writer(_));
    let report = tokio::task::spawn_blocking(move || match sink {
        Sink::Writer(writer) => store_body(&writer, &body),
        Sink::Bus(bus) => publish_body(&bus, &body),
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the ingest task failed: {e}")))??;
    if stores && report.added > 0 {
        state.stored_new_articles();
    }
    Ok(Json(json!(report)))
}

/// Where a write request's articles go.
enum Sink {
    Writer(Arc<SharedWriter>),
    Bus(Arc<tidings_bus::Bus>),
}

/// How long a request waits for the bus to take its articles while the server is away.
const BUS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// Publishes the articles of a body to the bus (`serve --bus`), answering once the stream
/// has acknowledged them all (they are durable there; `tidings place` stores them).
/// `added` counts the articles the stream took, `skipped` those it had already.
fn publish_body(bus: &tidings_bus::Bus, body: &[u8]) -> Result<IngestReport, ApiError> {
    let read = tidings_engine::read_body(body).map_err(|e| ApiError::InvalidBody(e.to_string()))?;
    let unavailable = |e: tidings_bus::BusError| {
        tracing::warn!("{e}");
        ApiError::Unavailable("the article stream does not answer; try again later".into())
    };
    let mut publisher = bus.publisher_within(BUS_PATIENCE);
    for article in &read.articles {
        publisher.publish(&article.id, tidings_engine::bus::article_json(article)).map_err(unavailable)?;
    }
    let done = publisher.flush().map_err(unavailable)?;
    Ok(IngestReport { added: done.stored, skipped: done.duplicates, rejected: read.rejected })
}

/// Places and stores the new articles of a body, under the rules of `tidings ingest`.
fn store_body(writer: &SharedWriter, body: &[u8]) -> Result<IngestReport, ApiError> {
    let read = tidings_engine::read_body(body).map_err(|e| ApiError::InvalidBody(e.to_string()))?;
    let (added, skipped) = writer.add_new(read.articles)?;
    Ok(IngestReport { added, skipped, rejected: read.rejected })
}

/// The body length a request declares, if it declares one.
fn declared_length(headers: &HeaderMap) -> Result<Option<usize>, ApiError> {
    let Some(value) = headers.get(header::CONTENT_LENGTH) else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|n| Some(usize::try_from(n).unwrap_or(usize::MAX)))
        .ok_or_else(|| ApiError::InvalidBody("Content-Length is not a number".into()))
}

/// A body that could not be read: too large (the limit counts as it arrives, for bodies
/// sent without a length), or cut off.
fn body_error(e: &axum::Error, max_body: usize) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return ApiError::PayloadTooLarge(max_body);
        }
        source = s.source();
    }
    ApiError::InvalidBody(format!("the body could not be read: {e}"))
}

/// Checks the bearer token in constant time (no timing hints about its prefix).
pub(crate) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let expected = state.config.token.as_deref().ok_or(ApiError::WritesDisabled)?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::MissingToken)?;
    let same = given.len() == expected.len()
        && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(ApiError::InvalidToken) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_errors_speak_of_parameters() {
        let m = |s: &str| parameter_message(&format!("Failed to deserialize query string: {s}"));
        assert_eq!(m("limit: invalid digit found in string"), "limit must be a whole number, 0 or more");
        assert_eq!(m("offset: number too large to fit in target type"), "offset is too large");
        assert_eq!(
            m("unknown field `colour`, expected one of `since`, `until`"),
            "unknown parameter \"colour\" (the parameters are one of `since`, `until`)"
        );
    }

    #[test]
    fn cursors_round_trip_and_belong_to_their_order() {
        for (c, order) in [
            (StoryCursor::Newest { last_seen_ts: Some(1_556_000_000), number: 7 }, StoryOrder::Newest),
            (StoryCursor::Newest { last_seen_ts: None, number: 3 }, StoryOrder::Newest),
            (StoryCursor::Largest { articles: 12, number: 9 }, StoryOrder::Largest),
            (StoryCursor::Trending { score: 3.25, number: 4 }, StoryOrder::Trending),
            (StoryCursor::Breaking { breaking: true, at: Some(1_556_000_000), number: 5 }, StoryOrder::Breaking),
            (StoryCursor::Breaking { breaking: false, at: None, number: 2 }, StoryOrder::Breaking),
        ] {
            assert_eq!(decode_cursor(&encode_cursor(c), order).ok(), Some(c));
        }
        assert!(decode_cursor("s.12.9", StoryOrder::Newest).is_err());
        assert!(decode_cursor("f.x.9", StoryOrder::Newest).is_err());
        assert!(decode_cursor("t.NaN.9", StoryOrder::Trending).is_err());
        assert!(decode_cursor("garbage", StoryOrder::Largest).is_err());
    }
}
