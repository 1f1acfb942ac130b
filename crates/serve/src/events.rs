//! `GET /api/v1/events`: Server-Sent Events of the store's live events (stories created,
//! grown and breaking; alert notices), as the writer records them with each batch. A
//! client that reconnects with `Last-Event-ID` (browsers do) gets what it missed, as far
//! back as the store keeps events (the newest 100,000); a new client starts at the newest.
//! Streams read the store twice a second on the blocking pool, are capped in number, send
//! a keep-alive comment every 15 s, and end when the server stops.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_store::EventRow;

use crate::error::ApiError;
use crate::state::AppState;

/// How often an idle stream asks the store for news.
const POLL: Duration = Duration::from_millis(500);
/// Events read from the store at a time.
const READ: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsParams {
    /// Start after this event id (as `Last-Event-ID` does; the header wins).
    pub after: Option<i64>,
}

/// Where a stream stands.
struct Cursor {
    state: Arc<AppState>,
    last: i64,
    queue: VecDeque<EventRow>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

pub async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<EventsParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = q.map_err(|e| ApiError::InvalidParameter(e.body_text()))?;
    let resume = match headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        Some(v) => Some(
            v.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::InvalidParameter(format!("Last-Event-ID {v:?} is not an event id")))?,
        ),
        None => p.after,
    };
    let permit = state
        .event_streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Unavailable("too many live event streams are open; try again later".into()))?;
    let last = match resume {
        Some(id) => id,
        None => state.read(|_, store| Ok(store.last_event()?)).await?,
    };
    let cursor = Cursor { state, last, queue: VecDeque::new(), _permit: permit };
    let stream = futures_util::stream::unfold(cursor, next);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response())
}

/// The next event, waiting for one; `None` (the stream ends) once the server stops.
async fn next(mut c: Cursor) -> Option<(Result<Event, Infallible>, Cursor)> {
    loop {
        if let Some(e) = c.queue.pop_front() {
            let event = Event::default().id(e.id.to_string()).event(e.kind).data(e.data);
            return Some((Ok(event), c));
        }
        if c.state.stopping.load(Ordering::SeqCst) {
            return None;
        }
        let after = c.last;
        match c.state.read(move |_, store| Ok(store.events_after(after, READ)?)).await {
            Ok(rows) if !rows.is_empty() => {
                c.last = rows.last().map_or(after, |e| e.id);
                c.queue.extend(rows);
            }
            Ok(_) => tokio::time::sleep(POLL).await,
            Err(e) => {
                tracing::warn!("a live event stream cannot read the store: {}", e.detail());
                tokio::time::sleep(POLL * 4).await;
            }
        }
    }
}
