//! `tidings serve`: the JSON API under `/api/v1` and the web pages, over a store.
//!
//! Reads go to a pool of read-only SQLite connections and the search index on blocking
//! threads; the write endpoint and the feed watcher ([`watching`]) go through the
//! engine's one [`tidings_engine::SharedWriter`].

pub mod alerts;
pub mod api;
pub mod chart;
pub mod error;
pub mod events;
pub mod locale;
pub mod pages;
pub mod server;
pub mod state;
pub mod watching;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use state::{AppState, IngestReport, ServeConfig};

/// Pages run no script at all, and load nothing from elsewhere: even a slip in escaping
/// could not run an article's `<script>`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every route, with the limits every request gets.
pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body;
    let timeout = state.config.request_timeout;
    let api = Router::new()
        .route("/stories", get(api::stories))
        .route("/stories/{id}", get(api::story))
        .route("/storylines", get(api::storylines))
        .route("/storylines/{id}", get(api::storyline))
        .route("/articles", axum::routing::post(api::ingest))
        .route("/articles/{id}", get(api::article))
        .route("/search", get(api::search))
        .route("/sources", get(api::sources))
        .route("/stats", get(api::stats))
        .route("/events", get(events::events))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{name}", get(alerts::one).put(alerts::put).delete(alerts::delete))
        .route("/openapi.json", get(api::openapi))
        .fallback(|| async { ApiError::NotFound("this API path".into()) });
    Router::new()
        .route("/", get(pages::front))
        .route("/story/{id}", get(pages::story))
        .route("/storylines", get(pages::storylines))
        .route("/storyline/{id}", get(pages::storyline))
        .route("/search", get(pages::search))
        .route("/sources", get(pages::sources))
        .route("/source/{name}", get(pages::source))
        .route("/entity/{name}", get(pages::entity))
        .route("/stories.atom", get(alerts::stories_feed))
        .route("/search.atom", get(alerts::search_feed))
        .route("/alerts", get(alerts::page))
        .route("/alerts/{file}", get(alerts::alert_feed))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}
