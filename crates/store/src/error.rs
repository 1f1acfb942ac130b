use std::path::{Path, PathBuf};

/// Everything that can go wrong with a store, each naming the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("no tidings store in {0} (run `tidings ingest` first, or pass --data DIR)")]
    Missing(PathBuf),
    #[error("{0} is not a tidings store (it is another SQLite database); refusing to touch it")]
    Foreign(PathBuf),
    #[error("{0} is not a SQLite database (corrupt, or some other file); refusing to touch it")]
    NotADatabase(PathBuf),
    #[error("{path} has schema version {found}, newer than this tidings understands ({supported}); upgrade tidings")]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("{path} has schema version {found}; run `tidings ingest` (with no inputs) once to migrate it to {current}")]
    Outdated { path: PathBuf, found: i64, current: i64 },
    #[error("{path} is locked by another writer ({holder}); wait for it to finish and try again")]
    Locked { path: PathBuf, holder: String },
    #[error("{url}: {}", postgres_message(.source))]
    Postgres { url: String, source: postgres::Error },
    #[error("{path}: stored record {record} is damaged: {reason}")]
    Damaged { path: PathBuf, record: String, reason: String },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }

    /// Whether the database server went away or cut the connection (it restarted, an
    /// administrator ended the session): worth connecting again, unlike every other error.
    pub fn is_connection_lost(&self) -> bool {
        let StoreError::Postgres { source, .. } = self else { return false };
        if source.is_closed() {
            return true;
        }
        match source.as_db_error() {
            // Class 08: connection exception; 57P: the server shut down or is starting.
            Some(db) => db.code().code().starts_with("08") || db.code().code().starts_with("57P"),
            None => std::error::Error::source(source).is_some_and(|cause| cause.is::<std::io::Error>()),
        }
    }

    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(e, _) = &source
            && e.code == rusqlite::ErrorCode::NotADatabase
        {
            return Self::NotADatabase(path.to_path_buf());
        }
        Self::Sqlite { path: path.to_path_buf(), source }
    }
}

/// A PostgreSQL error with what the server said (the driver's own message is only "db
/// error" for those) or the cause of a connection failure.
fn postgres_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut m = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            m.push_str(&format!(" ({detail})"));
        }
        return m;
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}
