//! The web pages: server-rendered HTML (askama templates, which escape everything that
//! came from articles), usable without JavaScript.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tidings_store::{ArticleRow, Store, StorylineRow};

use crate::api::{SearchParams, StoriesParams, StoryDetail, StorylinesParams, load_storyline, params};
use crate::chart::{self, Sparkline, Timeline};
use crate::error::ApiError;
use crate::locale::DateStyle;
use crate::state::AppState;

type Shared = State<Arc<AppState>>;

/// Width and height of a front-page sparkline.
const SPARK: (u32, u32) = (96, 24);
/// Width and height of a story's timeline (scaled to the page by CSS).
const TIMELINE: (u32, u32) = (720, 160);
const SOURCE_PAGE: usize = 50;

/// An error page with the API error's status.
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (message, _) = self.0.public_message();
        let page = ErrorPage { status: status.to_string(), message };
        (status, render(&page)).into_response()
    }
}

fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot render the page: {e}")).into_response(),
    }
}

pub(crate) fn url_part(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn style(headers: &HeaderMap) -> DateStyle {
    DateStyle::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// Only web links become hrefs: a `javascript:` or `data:` URL from a feed stays text.
fn safe_url(url: Option<&str>) -> Option<String> {
    let u = url?.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| u.to_string())
}

/// "3 h", "2 d": how long before the newest article in the store a time lies.
fn age(newest: Option<i64>, at: Option<&str>) -> String {
    let (Some(newest), Some(at)) = (newest, at.and_then(|s| s.parse::<jiff::Timestamp>().ok())) else {
        return String::new();
    };
    let secs = (newest - at.as_second()).max(0);
    match secs {
        s if s < 3600 => format!("{} min old", s / 60),
        s if s < 48 * 3600 => format!("{} h old", s / 3600),
        s => format!("{} d old", s / 86_400),
    }
}

struct StoryLine {
    id: String,
    title: String,
    articles: i64,
    when: String,
    age: String,
    outlets: String,
    languages: String,
    sparkline: Option<Sparkline>,
    /// When it began to break (in the reader's date style), while it does.
    breaking_since: Option<String>,
}

/// The Atom feed of a story list: its filters (the entity included), newest first.
pub(crate) fn feed_link(p: &StoriesParams) -> String {
    let mut link = list_link("/stories.atom", p);
    if let Some(e) = p.entity.as_deref().filter(|e| !e.is_empty()) {
        link.push_str(&format!("entity={}&", url_part(e)));
    }
    link.trim_end_matches(['&', '?']).to_string()
}

/// The heading of a story list.
pub(crate) fn list_heading(p: &StoriesParams) -> String {
    match (&p.source, &p.entity) {
        (Some(s), _) => format!("Stories with {s}"),
        (_, Some(e)) => format!("Stories naming {e}"),
        _ => "Stories".to_string(),
    }
}

#[derive(Template)]
#[template(path = "stories.html")]
struct StoriesPage {
    heading: String,
    /// The list's Atom feed.
    feed_link: String,
    rows: Vec<StoryLine>,
    sorts: Vec<(&'static str, &'static str, bool)>,
    base_link: String,
    next_link: Option<String>,
    /// On an entity's page: what it is and how else it is written.
    about: Option<String>,
}

/// Entity types as a reader names them: the API's `type`, one of the kind, several; the
/// last stands for every other type.
const KINDS: [(&str, &str, &str); 4] = [
    ("person", "Person", "People"),
    ("organization", "Organisation", "Organisations"),
    ("place", "Place", "Places"),
    ("other", "Other name", "Other names"),
];

/// The row of [`KINDS`] for an entity's `type`.
fn kind_of(entity: &serde_json::Value) -> usize {
    let kind = entity["type"].as_str().unwrap_or_default();
    KINDS.iter().position(|k| k.0 == kind).unwrap_or(KINDS.len() - 1)
}

/// The short forms a story folded into an entity (its `aliases`).
fn aliases(entity: &serde_json::Value) -> Vec<&str> {
    entity["aliases"].as_array().into_iter().flatten().filter_map(|a| a.as_str()).collect()
}

/// "Person · also written Putin, Putins": the entity's type and its folded short forms,
/// from the first listed story that names it (by key, name or short form).
fn entity_about<'a>(stories: impl IntoIterator<Item = &'a serde_json::Value>, name: &str) -> Option<String> {
    let same = |s: &str| s.to_lowercase() == name.to_lowercase();
    let e = stories.into_iter().filter_map(|list| list.as_array()).flatten().find(|e| {
        e["key"].as_str() == Some(name) || e["name"].as_str().is_some_and(same) || aliases(e).into_iter().any(same)
    })?;
    let mut about = KINDS[kind_of(e)].1.to_string();
    let mut others: Vec<&str> = vec![e["name"].as_str().unwrap_or_default()];
    others.extend(aliases(e));
    others.retain(|o| !same(o));
    if !others.is_empty() {
        about.push_str(&format!(" · also written {}", others.join(", ")));
    }
    Some(about)
}

fn outlets(sources: &[String]) -> String {
    match sources.len() {
        0 => "no outlet named".into(),
        1..=3 => sources.join(", "),
        n => format!("{} and {} more", sources[..3].join(", "), n - 3),
    }
}

/// The query string of a story list without `sort` and `cursor`, ending so that more can
/// be appended. It keeps every filter and the page size, so that the next page continues
/// the same list; the entity stays out where the path names it (`/entity/{name}`).
pub(crate) fn list_link(path: &str, p: &StoriesParams) -> String {
    let mut link = format!("{path}?");
    let entity = if path == "/" { &p.entity } else { &None };
    let filters = [
        ("since", &p.since),
        ("until", &p.until),
        ("lang", &p.lang),
        ("source", &p.source),
        ("entity", entity),
        ("q", &p.q),
    ];
    for (k, v) in filters {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            link.push_str(&format!("{k}={}&", url_part(v)));
        }
    }
    if let Some(limit) = p.limit {
        link.push_str(&format!("limit={limit}&"));
    }
    link
}

fn story_list(
    store: &Store,
    state: &AppState,
    p: &StoriesParams,
    dates: DateStyle,
    path: &str,
    heading: String,
) -> Result<StoriesPage, ApiError> {
    let page = p.page(state, store)?;
    let newest = store.newest_published()?;
    let mut rows = Vec::with_capacity(page.stories.len());
    for s in &page.stories {
        let r = &s.row;
        let times: Vec<i64> = store.story_times(r.number)?.into_iter().filter_map(|(t, _)| t).collect();
        rows.push(StoryLine {
            id: r.story.clone(),
            title: titled(&r.title),
            articles: r.articles,
            when: r.last_seen.as_deref().map(|t| dates.format(t)).unwrap_or_else(|| "undated".into()),
            age: age(newest, r.first_seen.as_deref()),
            outlets: outlets(&r.sources),
            languages: r.languages.join(", "),
            sparkline: chart::sparkline(&times, SPARK.0, SPARK.1),
            breaking_since: r.breaking_since.as_deref().map(|t| dates.format(t)),
        });
    }
    let base = list_link(path, p);
    let sort = p.sort.as_deref().unwrap_or("fresh");
    let sorts = [("Freshest", "fresh"), ("Largest", "size"), ("Trending", "trending"), ("Breaking", "breaking")]
        .into_iter()
        .map(|(label, key)| (label, key, key == sort))
        .collect();
    let next_link = page.next_cursor.map(|c| format!("{base}sort={}&cursor={}", url_part(sort), url_part(&c)));
    let about = p.entity.as_deref().and_then(|e| entity_about(page.stories.iter().map(|s| &s.row.entities), e));
    Ok(StoriesPage { heading, rows, sorts, base_link: base, next_link, feed_link: feed_link(p), about })
}

/// `GET /`: the front page.
pub async fn front(
    State(state): Shared,
    headers: HeaderMap,
    q: Result<Query<StoriesParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let p = params(q)?;
    let dates = style(&headers);
    let key = format!("front:{dates:?}:{p:?}");
    if let Some(html) = state.cached(&key) {
        return Ok(Html(html.to_string()).into_response());
    }
    let heading = list_heading(&p);
    let page = state.read(move |state, store| story_list(store, state, &p, dates, "/", heading)).await?;
    let html: Arc<str> = Arc::from(page.render().map_err(|e| ApiError::Internal(e.to_string()))?);
    state.remember(key, html.clone());
    Ok(Html(html.to_string()).into_response())
}

/// `GET /entity/{name}`: stories naming an entity.
pub async fn entity(
    State(state): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
    q: Result<Query<StoriesParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let dates = style(&headers);
    let p = params(q)?;
    let p = StoriesParams { entity: Some(name.clone()), ..p };
    let heading = format!("Stories naming {name}");
    let path = format!("/entity/{}", url_part(&name));
    let page = state.read(move |state, store| story_list(store, state, &p, dates, &path, heading)).await?;
    Ok(render(&page))
}

struct ArticleLine {
    when: String,
    source: Option<(String, String)>,
    lang: String,
    title: String,
    url: Option<String>,
    copies: Vec<(String, String)>,
    copy_outlets: String,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    id: String,
    title: String,
    articles: i64,
    unique_articles: i64,
    source_count: usize,
    span: String,
    languages: String,
    summary: Vec<String>,
    /// (language code, title) when the story ran in more than one language.
    titles: Vec<(String, String)>,
    keyphrases: Vec<String>,
    entities: NamesByKind,
    timeline: Option<Timeline>,
    timeline_from: String,
    timeline_to: String,
    items: Vec<ArticleLine>,
    /// Its storyline's id and number of stories, when it has more than this one.
    storyline: Option<(String, i64)>,
    /// The story it continues, and what they share.
    continues: Option<(String, String)>,
    breaking_since: Option<String>,
}

fn article_line(a: &ArticleRow, dates: DateStyle) -> ArticleLine {
    ArticleLine {
        when: a.published.as_deref().map(|t| dates.format(t)).unwrap_or_else(|| "undated".into()),
        source: a.source.as_ref().map(|s| (s.clone(), url_part(s))),
        lang: a.lang.clone(),
        title: a.display_title.clone(),
        url: safe_url(a.url.as_deref()),
        copies: Vec::new(),
        copy_outlets: String::new(),
    }
}

/// A title to show: a story without any headline or lead sentence still gets a link text.
fn titled(title: &str) -> String {
    if title.is_empty() { "(untitled)".into() } else { title.to_string() }
}

/// "first – last" in the reader's date style.
fn span_text(first: Option<&str>, last: Option<&str>, dates: DateStyle) -> String {
    tidings_store::date_span(first, last, |t| dates.format(t))
}

/// A story's names grouped by type, people first: (heading, [(name, link part, short
/// forms folded into it)]).
type NamesByKind = Vec<(&'static str, Vec<(String, String, String)>)>;

fn entities_by_kind(entities: &serde_json::Value) -> NamesByKind {
    let mut groups: NamesByKind = KINDS.iter().map(|k| (k.2, Vec::new())).collect();
    for e in entities.as_array().into_iter().flatten() {
        let Some(name) = e["name"].as_str() else { continue };
        groups[kind_of(e)].1.push((name.to_string(), url_part(name), aliases(e).join(", ")));
    }
    groups.retain(|(_, names)| !names.is_empty());
    groups
}

fn story_page(detail: StoryDetail, dates: DateStyle, storyline_size: i64) -> StoryPage {
    let mut items = Vec::new();
    for entry in tidings_store::fold_copies(&detail.articles) {
        let mut line = article_line(entry.article, dates);
        if !entry.copies.is_empty() {
            line.copies = entry
                .copies
                .iter()
                .map(|c| {
                    (
                        c.source.clone().unwrap_or_else(|| "unknown outlet".into()),
                        c.published.as_deref().map(|t| dates.format(t)).unwrap_or_default(),
                    )
                })
                .collect();
            let mut names: Vec<&str> = line.copies.iter().map(|(s, _)| s.as_str()).collect();
            names.dedup();
            line.copy_outlets = names.join(", ");
        }
        items.push(line);
    }
    let dated: Vec<(i64, String)> = detail
        .articles
        .iter()
        .filter_map(|a| a.published_ts.map(|t| (t, a.source.clone().unwrap_or_else(|| "unknown outlet".into()))))
        .collect();
    let timeline = chart::timeline(&dated, TIMELINE.0, TIMELINE.1);
    let ts = |t: i64| jiff::Timestamp::from_second(t).map(|t| dates.format(&t.to_string())).unwrap_or_default();
    let (timeline_from, timeline_to) = timeline.as_ref().map(|t| (ts(t.start), ts(t.end))).unwrap_or_default();
    let r = &detail.row;
    let span = span_text(r.first_seen.as_deref(), r.last_seen.as_deref(), dates);
    let entities = entities_by_kind(&r.entities);
    StoryPage {
        id: r.story.clone(),
        title: titled(&r.title),
        articles: r.articles,
        unique_articles: r.unique_articles,
        source_count: detail.sources().len(),
        span,
        languages: r.languages.join(", "),
        summary: r.summary.clone(),
        titles: r.titles.iter().map(|(l, t)| (l.clone(), t.clone())).collect(),
        keyphrases: if r.keyphrases.is_empty() { r.keywords.clone() } else { r.keyphrases.clone() },
        entities,
        timeline,
        timeline_from,
        timeline_to,
        items,
        storyline: r.storyline.clone().filter(|_| storyline_size > 1).map(|l| (l, storyline_size)),
        continues: r.continues.as_ref().map(|c| (c.story.clone(), c.shared.join(", "))),
        breaking_since: r.breaking_since.as_deref().map(|t| dates.format(t)),
    }
}

/// `GET /story/{id}`
pub async fn story(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, PageError> {
    let dates = style(&headers);
    let page = state
        .read(move |_, store| {
            let detail = StoryDetail::load(store, &id)?;
            let size = match detail.row.storyline_number {
                Some(n) => store.storyline_size(n)?,
                None => 1,
            };
            Ok(story_page(detail, dates, size))
        })
        .await?;
    Ok(render(&page))
}

struct StorylineLine {
    id: String,
    title: String,
    stories: i64,
    articles: i64,
    span: String,
}

#[derive(Template)]
#[template(path = "storylines.html")]
struct StorylinesPage {
    rows: Vec<StorylineLine>,
    next_link: Option<String>,
}

/// `GET /storylines`
pub async fn storylines(
    State(state): Shared,
    headers: HeaderMap,
    q: Result<Query<StorylinesParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let p = params(q)?;
    let dates = style(&headers);
    let page = state
        .read(move |_, store| {
            let lines = p.load(store)?;
            let limit = p.limit();
            // A full page may have more after it.
            let next_link = (lines.len() == limit)
                .then(|| format!("/storylines?limit={limit}&offset={}", p.offset.unwrap_or(0) + limit));
            let rows = lines
                .into_iter()
                .map(|l| StorylineLine {
                    span: span_text(l.first_seen.as_deref(), l.last_seen.as_deref(), dates),
                    id: l.storyline,
                    title: l.title,
                    stories: l.stories,
                    articles: l.articles,
                })
                .collect();
            Ok(StorylinesPage { rows, next_link })
        })
        .await?;
    Ok(render(&page))
}

struct StorylineStory {
    id: String,
    title: String,
    span: String,
    articles: i64,
    languages: String,
    continues: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "storyline.html")]
struct StorylinePage {
    id: String,
    title: String,
    articles: i64,
    span: String,
    entities: Vec<(String, String)>,
    chart: Option<chart::SpanChart>,
    from: String,
    to: String,
    stories: Vec<StorylineStory>,
}

/// Width of a storyline's timeline in SVG units.
const STORYLINE_CHART_WIDTH: u32 = 640;

fn storyline_page(line: StorylineRow, dates: DateStyle) -> StorylinePage {
    let seconds = |t: &Option<String>| t.as_deref().and_then(tidings_article::parse_published).map(|p| p.seconds());
    let spans: Vec<Option<(i64, i64)>> =
        line.stories.iter().map(|s| Some((seconds(&s.first_seen)?, seconds(&s.last_seen)?))).collect();
    let stories = line
        .stories
        .iter()
        .map(|s| StorylineStory {
            id: s.story.clone(),
            title: titled(&s.title),
            span: span_text(s.first_seen.as_deref(), s.last_seen.as_deref(), dates),
            articles: s.articles,
            languages: s.languages.join(", "),
            continues: s.continues.as_ref().map(|c| (c.story.clone(), c.shared.join(", "))),
        })
        .collect();
    StorylinePage {
        id: line.storyline,
        title: titled(&line.title),
        articles: line.articles,
        span: span_text(line.first_seen.as_deref(), line.last_seen.as_deref(), dates),
        entities: line.entities.iter().map(|e| (e.clone(), url_part(e))).collect(),
        chart: chart::span_chart(&spans, STORYLINE_CHART_WIDTH),
        from: line.first_seen.as_deref().map(|t| dates.format(t)).unwrap_or_default(),
        to: line.last_seen.as_deref().map(|t| dates.format(t)).unwrap_or_default(),
        stories,
    }
}

/// `GET /storyline/{id}`: a storyline (by its id or any of its stories' ids).
pub async fn storyline(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let dates = style(&headers);
    let page = state.read(move |_, store| Ok(storyline_page(load_storyline(store, &id)?, dates))).await?;
    Ok(render(&page))
}

struct HitLine {
    title: String,
    when: String,
    source: String,
    story: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    query: String,
    error: Option<String>,
    total: usize,
    hits: Vec<HitLine>,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// `GET /search?q=…`
impl SearchPage {
    /// The search's Atom feed.
    fn feed_link(&self) -> String {
        format!("/search.atom?q={}", url_part(&self.query))
    }
}

pub async fn search(
    State(state): Shared,
    headers: HeaderMap,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let p = params(q)?;
    let dates = style(&headers);
    let query = p.q.clone().unwrap_or_default();
    if query.trim().is_empty() {
        return Ok(render(&SearchPage {
            query,
            error: None,
            total: 0,
            hits: vec![],
            prev_link: None,
            next_link: None,
        }));
    }
    let result = state.read(move |state, store| p.run(state, store)).await;
    let page = match result {
        Ok(page) => page,
        // A query the parser cannot read is the reader's typo: say so on the page.
        Err(e @ ApiError::InvalidQuery(_)) => {
            let page = SearchPage {
                query,
                error: Some(e.to_string()),
                total: 0,
                hits: vec![],
                prev_link: None,
                next_link: None,
            };
            return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let link = |offset: usize| format!("/search?q={}&offset={offset}", url_part(&query));
    let hits = page
        .hits
        .iter()
        .map(|(_, a)| HitLine {
            title: a.display_title.clone(),
            when: a.published.as_deref().map(|t| dates.format(t)).unwrap_or_else(|| "undated".into()),
            source: a.source.clone().unwrap_or_else(|| "unknown outlet".into()),
            story: a.story.clone(),
        })
        .collect();
    let next = page.offset + page.limit;
    Ok(render(&SearchPage {
        error: None,
        total: page.total,
        hits,
        prev_link: (page.offset > 0).then(|| link(page.offset.saturating_sub(page.limit))),
        next_link: (next < page.total && next < 10_000).then(|| link(next)),
        query,
    }))
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    sources: Vec<(String, String, i64, String)>,
}

/// `GET /sources`
pub async fn sources(State(state): Shared, headers: HeaderMap) -> Result<Response, PageError> {
    let dates = style(&headers);
    let rows = state.read(|_, store| Ok(store.sources(1000)?)).await?;
    let sources = rows
        .into_iter()
        .map(|s| {
            let last = s.last_published.as_deref().map(|t| dates.format(t)).unwrap_or_else(|| "undated".into());
            let link = url_part(&s.name);
            (s.name, link, s.articles, last)
        })
        .collect();
    Ok(render(&SourcesPage { sources }))
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    name: String,
    name_query: String,
    items: Vec<(String, String, String)>,
    next_link: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct Offset {
    offset: Option<usize>,
}

/// `GET /source/{name}`: an outlet's articles, newest first.
pub async fn source(
    State(state): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
    q: Result<Query<Offset>, QueryRejection>,
) -> Result<Response, PageError> {
    let offset = q
        .map(|Query(o)| o.offset.unwrap_or(0))
        .map_err(|e| ApiError::InvalidParameter(crate::api::parameter_message(&e.body_text())))?;
    let dates = style(&headers);
    let lookup = name.clone();
    let rows = state.read(move |_, store| Ok(store.source_articles(&lookup, SOURCE_PAGE, offset)?)).await?;
    if rows.is_empty() && offset == 0 {
        return Err(ApiError::NotFound(format!("source {name:?}")).into());
    }
    let items = rows
        .iter()
        .map(|a| {
            let when = a.published.as_deref().map(|t| dates.format(t)).unwrap_or_else(|| "undated".into());
            (when, a.display_title.clone(), a.story.clone())
        })
        .collect();
    let next_link =
        (rows.len() == SOURCE_PAGE).then(|| format!("/source/{}?offset={}", url_part(&name), offset + SOURCE_PAGE));
    Ok(render(&SourcePage { name_query: url_part(&name), name, items, next_link }))
}

/// Any other path: a 404 page.
pub async fn not_found() -> PageError {
    ApiError::NotFound("this page".into()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_become_links() {
        assert_eq!(safe_url(Some("https://nrk.no/a")), Some("https://nrk.no/a".into()));
        assert_eq!(safe_url(Some(" JavaScript:alert(1)")), None);
        assert_eq!(safe_url(Some("data:text/html,<script>")), None);
        assert_eq!(safe_url(None), None);
    }

    #[test]
    fn outlets_are_summarised() {
        let s = |n: &[&str]| outlets(&n.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["NRK", "VG"]), "NRK, VG");
        assert_eq!(s(&["A", "B", "C", "D", "E"]), "A, B, C and 2 more");
    }
}
