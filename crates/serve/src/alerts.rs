//! Alerts over HTTP: `/api/v1/alerts` (read by anyone, written with the token), the Atom
//! feeds of alerts, story lists and searches, and the Alerts page.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tidings_alert::Alert;
use tidings_store::{AlertRow, Alerts, NoticeRow, StoryRow};

use crate::api::{StoriesParams, authorize};
use crate::error::ApiError;
use crate::state::AppState;

type Shared = State<Arc<AppState>>;

/// Notices shown with an alert, and entries of an alert's feed.
const NOTICES_SHOWN: usize = 50;

/// An alert as the API and pages show it: no secret, and a webhook only by its host (a
/// webhook URL often carries a token of its own).
pub fn shown(row: &AlertRow) -> Result<Value, ApiError> {
    let alert = read(row)?;
    let mut v = alert.public();
    if let Some(url) = v.pointer_mut("/webhook/url") {
        let full = url.as_str().unwrap_or_default();
        let host_end = full.find("://").map(|i| i + 3).and_then(|s| full[s..].find('/').map(|j| s + j));
        *url = json!(host_end.map_or(full.to_string(), |end| format!("{}/…", &full[..end])));
    }
    v["created_at"] = json!(row.created_at);
    v["updated_at"] = json!(row.updated_at);
    v["feed"] = json!(format!("/alerts/{}.atom", row.name));
    Ok(v)
}

fn read(row: &AlertRow) -> Result<Alert, ApiError> {
    serde_json::from_str(&row.definition)
        .map_err(|e| ApiError::Internal(format!("alert {:?} is stored damaged: {e}", row.name)))
}

/// `GET /api/v1/alerts`.
pub async fn list(State(state): Shared) -> Result<Json<Value>, ApiError> {
    state
        .read(|_, store| {
            let alerts = store.alerts()?.iter().map(shown).collect::<Result<Vec<_>, _>>()?;
            Ok(Json(json!({ "alerts": alerts })))
        })
        .await
}

/// `GET /api/v1/alerts/{name}`: the alert and its latest notices.
pub async fn one(State(state): Shared, Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    state
        .read(move |_, store| {
            let row = store.alert(&name)?.ok_or_else(|| ApiError::NotFound(format!("alert {name:?}")))?;
            let notices = store.notices(Some(&name), NOTICES_SHOWN)?;
            Ok(Json(json!({ "alert": shown(&row)?, "notices": notices })))
        })
        .await
}

/// `PUT /api/v1/alerts/{name}` (token): saves an alert from a JSON definition (the form
/// `alerts list --json` shows, with `webhook.secret` when it has a webhook). 201 when new,
/// 200 when it replaced one.
pub async fn put(
    State(state): Shared,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let mut v: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::InvalidBody(format!("not a JSON alert: {e}")))?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("name".into(), json!(name));
        obj.entry("min_articles").or_insert(json!(tidings_alert::DEFAULT_MIN_ARTICLES));
        obj.entry("trigger").or_insert(json!("new-story"));
        obj.entry("every_seconds").or_insert(json!(tidings_alert::DEFAULT_EVERY_SECONDS));
    }
    let alert: Alert = serde_json::from_value(v).map_err(|e| ApiError::InvalidBody(format!("not an alert: {e}")))?;
    alert.validate().map_err(|e| ApiError::InvalidBody(e.to_string()))?;
    let location = state.config.data.clone();
    let definition = serde_json::to_string(&alert).map_err(|e| ApiError::Internal(e.to_string()))?;
    let created = tokio::task::spawn_blocking(move || -> Result<bool, ApiError> {
        Ok(Alerts::open(&location)?.save(&alert.name, &definition, true)?.unwrap_or(false))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the alert task failed: {e}")))??;
    state.clear_cache();
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "name": name, "created": created }))).into_response())
}

/// `DELETE /api/v1/alerts/{name}` (token): 204, or 404 when there is none.
pub async fn delete(State(state): Shared, Path(name): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let location = state.config.data.clone();
    let shown_name = name.clone();
    let removed =
        tokio::task::spawn_blocking(move || -> Result<bool, ApiError> { Ok(Alerts::open(&location)?.remove(&name)?) })
            .await
            .map_err(|e| ApiError::Internal(format!("the alert task failed: {e}")))??;
    if !removed {
        return Err(ApiError::NotFound(format!("alert {shown_name:?}")));
    }
    state.clear_cache();
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One entry of an Atom feed.
struct Entry {
    id: String,
    title: String,
    updated: String,
    link: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml", escape = "html")]
struct Feed {
    id: String,
    title: String,
    updated: String,
    self_link: String,
    html_link: String,
    entries: Vec<Entry>,
}

/// The server's own address as the client named it (for the feed's absolute links).
fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(*c)).collect();
    format!("http://{host}")
}

/// A stored time as an Atom date (a day or month as its first instant); `None` undated.
fn atom_time(t: Option<&str>) -> Option<String> {
    let t = t?;
    match t.len() {
        7 => Some(format!("{t}-01T00:00:00Z")),
        10 => Some(format!("{t}T00:00:00Z")),
        _ => Some(t.to_string()),
    }
}

fn story_entry(origin: &str, s: &StoryRow, fallback: &str) -> Entry {
    let link = format!("{origin}/story/{}", s.story);
    let mut summary = s.summary.join(" ");
    if summary.is_empty() {
        summary = s.keyphrases.join(", ");
    }
    Entry {
        id: link.clone(),
        title: s.title.clone(),
        updated: atom_time(s.last_seen.as_deref()).unwrap_or_else(|| fallback.to_string()),
        link,
        summary: format!("{summary} ({} articles from {} outlets)", s.articles, s.sources.len()),
    }
}

/// A feed of entries; its `updated` is its newest entry's (the epoch when empty).
fn feed(origin: &str, path: &str, html: &str, title: String, entries: Vec<Entry>) -> Response {
    let updated = entries.iter().map(|e| e.updated.clone()).max().unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let f = Feed {
        id: format!("{origin}{path}"),
        title,
        updated,
        self_link: format!("{origin}{path}"),
        html_link: format!("{origin}{html}"),
        entries,
    };
    match f.render() {
        Ok(xml) => ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response(),
        Err(e) => ApiError::Internal(e.to_string()).into_response(),
    }
}

/// `GET /stories.atom?q=&entity=&lang=&source=`: the story list as a feed, freshest first.
pub async fn stories_feed(
    State(state): Shared,
    headers: HeaderMap,
    q: Result<Query<StoriesParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = q.map_err(|e| ApiError::InvalidParameter(e.body_text()))?;
    let origin = origin(&headers);
    let (self_link, html_link, title) =
        (crate::pages::feed_link(&p), crate::pages::list_link("/", &p), crate::pages::list_heading(&p));
    let rows = state
        .read(move |state, store| Ok(p.page(state, store)?.stories.into_iter().map(|l| l.row).collect::<Vec<_>>()))
        .await?;
    let entries = rows.iter().map(|s| story_entry(&origin, s, "1970-01-01T00:00:00Z")).collect();
    Ok(feed(&origin, &self_link, &html_link, format!("{title} · tidings"), entries))
}

#[derive(Debug, Deserialize)]
pub struct SearchFeedParams {
    pub q: Option<String>,
}

/// `GET /search.atom?q=`: the stories of a search's best hits as a feed.
pub async fn search_feed(
    State(state): Shared,
    headers: HeaderMap,
    q: Result<Query<SearchFeedParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = q.map_err(|e| ApiError::InvalidParameter(e.body_text()))?;
    let text =
        p.q.filter(|q| !q.trim().is_empty()).ok_or_else(|| ApiError::InvalidParameter("q is required".into()))?;
    let origin = origin(&headers);
    let params = StoriesParams { q: Some(text.clone()), ..StoriesParams::default() };
    let rows = state
        .read(move |state, store| Ok(params.page(state, store)?.stories.into_iter().map(|l| l.row).collect::<Vec<_>>()))
        .await?;
    let encoded = crate::pages::url_part(&text);
    let entries = rows.iter().map(|s| story_entry(&origin, s, "1970-01-01T00:00:00Z")).collect();
    Ok(feed(
        &origin,
        &format!("/search.atom?q={encoded}"),
        &format!("/search?q={encoded}"),
        format!("Search: {text} · tidings"),
        entries,
    ))
}

/// `GET /alerts/{name}.atom`: an alert's notices, newest first.
pub async fn alert_feed(
    State(state): Shared,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let name = file.strip_suffix(".atom").ok_or_else(|| ApiError::NotFound(format!("/alerts/{file}")))?.to_string();
    let origin = origin(&headers);
    let lookup = name.clone();
    let notices = state
        .read(move |_, store| {
            store.alert(&lookup)?.ok_or_else(|| ApiError::NotFound(format!("alert {lookup:?}")))?;
            Ok(store.notices(Some(&lookup), NOTICES_SHOWN)?)
        })
        .await?;
    let entries = notices.iter().map(|n| notice_entry(&origin, n)).collect();
    let encoded = crate::pages::url_part(&name);
    Ok(feed(&origin, &format!("/alerts/{encoded}.atom"), "/alerts", format!("Alert {name} · tidings"), entries))
}

fn notice_entry(origin: &str, n: &NoticeRow) -> Entry {
    let body: Value = serde_json::from_str(&n.body).unwrap_or_default();
    let story = &body["story"];
    let title = story["title"].as_str().unwrap_or(&n.story);
    let summary = story["summary"].as_array().map(|s| s.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "));
    Entry {
        id: format!("urn:tidings:notice:{}", n.key),
        title: format!("{}: {title}", trigger_label(&n.trigger)),
        updated: n.created_at.clone(),
        link: format!("{origin}/story/{}", n.story),
        summary: format!(
            "{} ({} unique articles)",
            summary.unwrap_or_default(),
            story["unique_articles"].as_i64().unwrap_or_default()
        ),
    }
}

fn trigger_label(trigger: &str) -> &'static str {
    match trigger {
        "breaking" => "Breaking",
        "update" => "Update",
        _ => "New story",
    }
}

struct AlertLine {
    name: String,
    describe: String,
    webhook: Option<String>,
    notices: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    alerts: Vec<AlertLine>,
}

/// `GET /alerts`: every alert with its latest notices and its feed.
pub async fn page(State(state): Shared) -> Result<Response, crate::pages::PageError> {
    let page = state
        .read(|_, store| {
            let mut alerts = Vec::new();
            for row in store.alerts()? {
                let v = shown(&row)?;
                let notices = store
                    .notices(Some(&row.name), 5)?
                    .into_iter()
                    .map(|n| {
                        let title = serde_json::from_str::<Value>(&n.body)
                            .ok()
                            .and_then(|b| b["story"]["title"].as_str().map(str::to_string));
                        (
                            n.story.clone(),
                            title.unwrap_or_default(),
                            trigger_label(&n.trigger).to_string(),
                            n.created_at,
                        )
                    })
                    .collect();
                alerts.push(AlertLine {
                    name: row.name.clone(),
                    describe: describe(&v),
                    webhook: v.pointer("/webhook/url").and_then(Value::as_str).map(str::to_string),
                    notices,
                });
            }
            Ok(AlertsPage { alerts })
        })
        .await?;
    Ok(Html(page.render().map_err(|e| ApiError::Internal(e.to_string()))?).into_response())
}

/// What an alert follows and when it tells, in a line.
fn describe(v: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(q) = v["query"].as_str() {
        parts.push(format!("articles matching “{q}”"));
    }
    if let Some(e) = v["entity"].as_str() {
        parts.push(format!("naming {e}"));
    }
    if let Some(langs) = v["langs"].as_array() {
        let langs: Vec<&str> = langs.iter().filter_map(Value::as_str).collect();
        parts.push(format!("in {}", langs.join(", ")));
    }
    if let Some(s) = v["source"].as_str() {
        parts.push(format!("from {s}"));
    }
    let what = if parts.is_empty() { "every story".to_string() } else { parts.join(", ") };
    let when = match v["trigger"].as_str() {
        Some("breaking") => "when a matching story breaks".to_string(),
        Some("update") => "when a followed story grows".to_string(),
        _ => format!("when a matching story reaches {} unique articles", v["min_articles"]),
    };
    format!("{what}; tells {when}")
}
