//! The persistent news store: the source of truth for articles, stories, their
//! assignments and copy groups, plus the clusterer's checkpoint so that the stream can be
//! resumed run after run. Two databases hold it: SQLite in a data directory (the embedded
//! default) and PostgreSQL (`pg`), behind one [`Store`] whose queries are written once
//! where the dialects agree (`sql`).
//!
//! The schema is versioned and marked as ours (SQLite: `PRAGMA user_version` and
//! `application_id`; PostgreSQL: the `tidings_meta` table), so that a foreign or newer
//! database is refused with a clear error instead of being written to. Only one process
//! writes at a time (a lock file in the data directory; an advisory lock on PostgreSQL);
//! readers can always read.

mod alerts;
mod error;
mod feeds;
mod location;
mod lock;
pub mod pg;
mod query;
mod schema;
mod sql;
mod view;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use alerts::{AlertRow, Alerts, Attempt, EVENTS_KEPT, EventRow, EventWrite, FollowRow, NoticeRow, NoticeWrite};
pub use error::StoreError;
pub use feeds::{FeedRow, Feeds, PollRecord};
pub use location::Location;
pub use query::{
    ArticleRow, ArticleTime, ListedStory, ListedStoryline, SourceRow, Stats, StoryCursor, StoryFilter, StoryLinkRow,
    StoryOrder, StoryRow, StorylineRow, TRENDING_WINDOW, TimeError,
};
pub use schema::SCHEMA_VERSION;
pub use view::{StoryMembers, TimelineEntry, date_span, fold_copies};
pub use write::{ArticleWrite, BatchEnd, Checkpoint, Replayed, StoryWrite};

use sql::Conn;

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "tidings.sqlite";

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create the store if needed and hold the writer lock.
    Write,
    /// Read an existing store; never creates or changes anything.
    Read,
}

/// An open store.
pub struct Store {
    conn: Conn,
    location: Location,
    _lock: Option<lock::WriterLock>,
    /// A PostgreSQL store opened for writing: its session holds the writer's lock.
    pg_writer: bool,
    sources: std::collections::HashMap<String, i64>,
    /// The lowest seq written in the open batch.
    batch_min_seq: Option<i64>,
    /// PostgreSQL: the open batch's articles, copied in at its end.
    pending: Vec<Vec<sql::Value>>,
}

impl Drop for Store {
    /// A PostgreSQL writer gives its lock back before its connection closes (see
    /// [`pg::release_writer_lock`]); SQLite's lock file goes with `_lock`.
    fn drop(&mut self) {
        if self.pg_writer
            && let sql::Conn::Postgres { client, .. } = &self.conn
        {
            pg::release_writer_lock(&mut client.borrow_mut());
        }
    }
}

impl Store {
    /// Opens the store at `location`. With [`Access::Write`] the store is created when
    /// missing (a directory and its database, or the schema in an empty PostgreSQL
    /// database) and the writer lock is taken (another writer → an error that says so).
    pub fn open(location: &Location, access: Access) -> Result<Self, StoreError> {
        let (conn, lock) = match location {
            Location::Directory(dir) => open_sqlite(dir, access)?,
            Location::Postgres { url, .. } => {
                let client = pg::connect(url, access)?;
                (Conn::postgres(client, pg::redact(url)), None)
            }
        };
        Ok(Self {
            conn,
            location: location.clone(),
            _lock: lock,
            pg_writer: matches!(location, Location::Postgres { .. }) && access == Access::Write,
            sources: Default::default(),
            batch_min_seq: None,
            pending: Vec::new(),
        })
    }

    /// Where the store is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The directory of the search index that follows this store.
    pub fn index_dir(&self) -> &Path {
        self.location.index_dir()
    }

    /// The database as a user would name it: the SQLite file, or the URL without its
    /// password.
    pub fn database_path(&self) -> PathBuf {
        self.conn.shown()
    }

    /// What tells this store from any other, where a derived index could be pointed at
    /// another one by mistake: a PostgreSQL store's id (made when its schema was created).
    /// A data directory holds its own index, so it needs none.
    pub fn identity(&self) -> Result<Option<String>, StoreError> {
        match &self.location {
            Location::Directory(_) => Ok(None),
            Location::Postgres { .. } => {
                self.conn.row("SELECT value FROM tidings_meta WHERE key = 'store_id'", &[], |r| r.text("value"))
            }
        }
    }

    /// After a bulk write: PostgreSQL's planner statistics brought up to date (`ANALYZE`),
    /// so that its plans do not wait for autovacuum, which may be slow or off. Nothing to
    /// do for SQLite.
    pub fn refresh_statistics(&self) -> Result<(), StoreError> {
        match self.conn.dialect() {
            sql::Dialect::Postgres => self.conn.batch("ANALYZE articles, stories, sources"),
            sql::Dialect::Sqlite => Ok(()),
        }
    }

    /// The database's size on disk in bytes, where it can be told.
    pub fn database_bytes(&self) -> Result<Option<u64>, StoreError> {
        match &self.location {
            Location::Directory(dir) => Ok(std::fs::metadata(dir.join(DATABASE_FILE)).ok().map(|m| m.len())),
            Location::Postgres { .. } => self
                .conn
                .row("SELECT pg_database_size(current_database()) AS bytes", &[], |r| r.int("bytes"))
                .map(|n| n.map(|n| n.max(0) as u64)),
        }
    }
}

/// The SQLite database of a data directory, with the writer's lock file for a writer.
fn open_sqlite(dir: &Path, access: Access) -> Result<(Conn, Option<lock::WriterLock>), StoreError> {
    let db = dir.join(DATABASE_FILE);
    let (conn, lock) = match access {
        Access::Write => {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
            let lock = lock::WriterLock::acquire(dir)?;
            (Connection::open(&db).map_err(|e| StoreError::sqlite(&db, e))?, Some(lock))
        }
        Access::Read => {
            if !db.is_file() {
                return Err(StoreError::Missing(dir.to_path_buf()));
            }
            (open_for_reading(&db)?, None)
        }
    };
    schema::prepare(&conn, &db, access)?;
    Ok((Conn::Sqlite { conn, path: db }, lock))
}

/// A read-only connection. A database in WAL mode needs its shared-memory file even for
/// reading; in a directory the user may not write, where that file cannot be created,
/// the database is read as an immutable file instead (a writer elsewhere would not be
/// seen until the next open, which for a read-only copy is what one expects).
fn open_for_reading(db: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags).map_err(|e| StoreError::sqlite(db, e))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ReadOnly => {
            drop(conn);
            tracing::info!("{}: the directory is read-only; reading the database as it stands", db.display());
            let uri = format!("file:{}?immutable=1", uri_path(db));
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).map_err(|e| StoreError::sqlite(db, e))
        }
        _ => Ok(conn),
    }
}

/// A path as the path part of an SQLite URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// The number in a story's label (`s000007` → 7), which is also its `stories.id`.
pub fn story_number(id: tidings_cluster::StoryId) -> i64 {
    i64::from(id) + 1
}

/// A story's label from its number: `s000007`.
pub fn story_label(number: i64) -> String {
    format!("s{number:06}")
}

/// Reads `s000007`, `S7` or `7` as a story number.
pub fn parse_story_label(label: &str) -> Option<i64> {
    let digits = label.trim().trim_start_matches(['s', 'S']);
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_labels_round_trip() {
        assert_eq!(story_label(story_number(6)), "s000007");
        assert_eq!(parse_story_label("s000007"), Some(7));
        assert_eq!(parse_story_label("S7"), Some(7));
        assert_eq!(parse_story_label("7"), Some(7));
        assert_eq!(parse_story_label("s0"), None);
        assert_eq!(parse_story_label("story"), None);
    }
}
