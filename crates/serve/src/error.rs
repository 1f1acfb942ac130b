//! Every error the API can answer with, from one table: a stable code for programs, an
//! HTTP status, and a message for people.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An API error. The code (see [`ApiError::code`]) is part of the API contract.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    InvalidQuery(String),
    #[error("{0}")]
    InvalidBody(String),
    #[error("this request needs a bearer token (Authorization: Bearer …)")]
    MissingToken,
    #[error("the bearer token is not the one this server was given")]
    InvalidToken,
    #[error("writing is off: the server was started without a token (--token-file or TIDINGS_TOKEN)")]
    WritesDisabled,
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    Unavailable(String),
    /// The detail goes to the server's log only; the client gets a request id to quote.
    #[error("internal error")]
    Internal(String),
}

/// The table: code and status per error.
const TABLE: &[(&str, StatusCode)] = &[
    ("not_found", StatusCode::NOT_FOUND),
    ("invalid_parameter", StatusCode::BAD_REQUEST),
    ("invalid_query", StatusCode::BAD_REQUEST),
    ("invalid_body", StatusCode::BAD_REQUEST),
    ("missing_token", StatusCode::UNAUTHORIZED),
    ("invalid_token", StatusCode::FORBIDDEN),
    ("writes_disabled", StatusCode::FORBIDDEN),
    ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
    ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
    ("internal", StatusCode::INTERNAL_SERVER_ERROR),
];

impl ApiError {
    fn index(&self) -> usize {
        match self {
            ApiError::NotFound(_) => 0,
            ApiError::InvalidParameter(_) => 1,
            ApiError::InvalidQuery(_) => 2,
            ApiError::InvalidBody(_) => 3,
            ApiError::MissingToken => 4,
            ApiError::InvalidToken => 5,
            ApiError::WritesDisabled => 6,
            ApiError::PayloadTooLarge(_) => 7,
            ApiError::Unavailable(_) => 8,
            ApiError::Internal(_) => 9,
        }
    }

    pub fn code(&self) -> &'static str {
        TABLE[self.index()].0
    }

    pub fn status(&self) -> StatusCode {
        TABLE[self.index()].1
    }

    /// Every code the API can return (for the OpenAPI document's test).
    pub fn codes() -> impl Iterator<Item = &'static str> {
        TABLE.iter().map(|(c, _)| *c)
    }

    /// The JSON body: `{"error": {"code", "message", "status"}}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code(), "message": self.to_string(), "status": self.status().as_u16()}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (message, request_id) = self.public_message();
        let mut body = self.body();
        body["error"]["message"] = message.into();
        match request_id {
            Some(id) => {
                body["error"]["request_id"] = id.clone().into();
                (self.status(), [("x-request-id", id)], Json(body)).into_response()
            }
            None => (self.status(), Json(body)).into_response(),
        }
    }
}

impl ApiError {
    /// The whole message, internal detail included: for the operator (the command line,
    /// the log), never for a client.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Internal(detail) => detail.clone(),
            e => e.to_string(),
        }
    }

    /// The message a client may see, and for an internal error the request id under which
    /// its detail was logged (file paths and database messages stay in the log).
    pub fn public_message(&self) -> (String, Option<String>) {
        let ApiError::Internal(detail) = self else { return (self.to_string(), None) };
        let id = request_id();
        tracing::error!(request_id = %id, "internal error: {detail}");
        (format!("internal error; the server's log has the details under request id {id}"), Some(id))
    }
}

/// A request id unique within this process and unlikely to repeat across restarts: the
/// process's start time and a counter.
fn request_id() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static STARTED: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let started = STARTED
        .get_or_init(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    format!("{started:x}-{:06x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl From<tidings_store::StoreError> for ApiError {
    fn from(e: tidings_store::StoreError) -> Self {
        match e {
            tidings_store::StoreError::Locked { .. } => ApiError::Unavailable(e.to_string()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<tidings_engine::EngineError> for ApiError {
    fn from(e: tidings_engine::EngineError) -> Self {
        match e {
            tidings_engine::EngineError::Store(e) => e.into(),
            tidings_engine::EngineError::Closed => ApiError::Unavailable("the server is shutting down".into()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<tidings_search::SearchError> for ApiError {
    fn from(e: tidings_search::SearchError) -> Self {
        match e {
            tidings_search::SearchError::Query { .. } => ApiError::InvalidQuery(e.to_string()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut codes: Vec<&str> = ApiError::codes().collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TABLE.len());
        assert!(TABLE.iter().all(|(_, s)| s.is_client_error() || s.is_server_error()));
        let e = ApiError::NotFound("story s000009".into());
        assert_eq!(e.body()["error"]["code"], "not_found");
        assert_eq!(e.body()["error"]["status"], 404);
    }

    #[tokio::test]
    async fn internal_errors_tell_a_request_id_not_the_detail() {
        let response = ApiError::Internal("/secret/path/tidings.sqlite: disk I/O error".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let header_id = response.headers()["x-request-id"].to_str().unwrap().to_string();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let text = body.to_string();
        assert!(!text.contains("secret") && !text.contains("sqlite"), "{text}");
        assert_eq!(body["error"]["code"], "internal");
        assert_eq!(body["error"]["request_id"], header_id.as_str());
        assert!(body["error"]["message"].as_str().unwrap().contains(&header_id));
        assert_ne!(request_id(), request_id());
    }
}
