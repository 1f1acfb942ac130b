//! The feeds `tidings watch` follows and their polling state (tables `feeds` and
//! `feed_items`).
//!
//! [`Feeds`] has a connection of its own and does not take the writer lock: a user can
//! add or remove a feed while a watcher (which holds the lock to store articles) runs,
//! and the watcher reads the list afresh on every pass. SQLite serialises the writes.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::{Access, DATABASE_FILE, Store, StoreError, schema};

/// One followed feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    pub added_at: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub ttl_s: Option<i64>,
    pub next_poll_ts: i64,
    pub last_polled_at: Option<String>,
    pub last_ok_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub failures: i64,
    pub articles: i64,
}

/// What one poll of a feed found, to be recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollRecord {
    /// HTTP status (304 when unchanged); `None` when no response came.
    pub status: Option<u16>,
    /// Why the poll failed; `None` for success.
    pub error: Option<String>,
    /// New validators (kept as they were when `None`).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub ttl_s: Option<i64>,
    pub next_poll_ts: i64,
    /// Articles this poll stored.
    pub articles: i64,
    /// A title the feed gave itself, used when the feed has none yet.
    pub title: Option<String>,
}

/// The feed list of a data directory.
pub struct Feeds {
    conn: Connection,
    db: PathBuf,
}

const COLUMNS: &str = "id, url, title, added_at, etag, last_modified, body_hash, ttl_s, next_poll_ts, \
    last_polled_at, last_ok_at, last_status, last_error, failures, articles";

impl Feeds {
    /// Opens the feed list of the store in `dir`, creating (or migrating) the store when
    /// no writer holds it; a running writer has migrated it already.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        match Store::open(dir, Access::Write) {
            Ok(store) => drop(store),
            Err(StoreError::Locked { .. }) => {}
            Err(e) => return Err(e),
        }
        let db = dir.join(DATABASE_FILE);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&db, flags).map_err(|e| StoreError::sqlite(&db, e))?;
        schema::prepare(&conn, &db, Access::Read)?;
        Ok(Self { conn, db })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.db, e)
    }

    /// Adds a feed; `false` when it is already followed (its title is filled in if it had
    /// none).
    pub fn add(&self, url: &str, title: Option<&str>) -> Result<bool, StoreError> {
        let added = self
            .conn
            .execute(
                "INSERT INTO feeds (url, title, added_at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                 ON CONFLICT (url) DO NOTHING",
                params![url, title],
            )
            .map_err(|e| self.err(e))?;
        if added == 0 && title.is_some() {
            self.conn
                .execute("UPDATE feeds SET title = ?2 WHERE url = ?1 AND title IS NULL", params![url, title])
                .map_err(|e| self.err(e))?;
        }
        Ok(added > 0)
    }

    /// Stops following a feed, given by URL or number. Its articles stay in the store.
    pub fn remove(&self, url_or_id: &str) -> Result<bool, StoreError> {
        let Some(id) = self.find(url_or_id)? else { return Ok(false) };
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        tx.execute("DELETE FROM feed_items WHERE feed = ?1", [id]).map_err(|e| self.err(e))?;
        tx.execute("DELETE FROM feeds WHERE id = ?1", [id]).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(true)
    }

    fn find(&self, url_or_id: &str) -> Result<Option<i64>, StoreError> {
        let by_id = url_or_id.parse::<i64>().ok();
        self.conn
            .query_row("SELECT id FROM feeds WHERE url = ?1 OR id = ?2", params![url_or_id, by_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every feed, in the order they were added.
    pub fn list(&self) -> Result<Vec<FeedRow>, StoreError> {
        self.rows(&format!("SELECT {COLUMNS} FROM feeds ORDER BY id"), params![])
    }

    /// Feeds due at `now` (Unix seconds), the longest overdue first.
    pub fn due(&self, now: i64) -> Result<Vec<FeedRow>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM feeds WHERE next_poll_ts <= ?1 ORDER BY next_poll_ts, id"),
            params![now],
        )
    }

    /// When the next feed is due (Unix seconds), if any feed is followed.
    pub fn next_due(&self) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT min(next_poll_ts) FROM feeds", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn rows(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<FeedRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(args, |r| {
                Ok(FeedRow {
                    id: r.get("id")?,
                    url: r.get("url")?,
                    title: r.get("title")?,
                    added_at: r.get("added_at")?,
                    etag: r.get("etag")?,
                    last_modified: r.get("last_modified")?,
                    body_hash: r.get("body_hash")?,
                    ttl_s: r.get("ttl_s")?,
                    next_poll_ts: r.get("next_poll_ts")?,
                    last_polled_at: r.get("last_polled_at")?,
                    last_ok_at: r.get("last_ok_at")?,
                    last_status: r.get("last_status")?,
                    last_error: r.get("last_error")?,
                    failures: r.get("failures")?,
                    articles: r.get("articles")?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Whether an item (by guid or link) of the feed was handled already.
    pub fn seen(&self, feed: i64, key: &str) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM feed_items WHERE feed = ?1 AND key = ?2")
            .map_err(|e| self.err(e))?;
        stmt.exists(params![feed, key]).map_err(|e| self.err(e))
    }

    /// Records items as handled, each with the article it gave (if any).
    pub fn mark_seen(&self, feed: i64, items: &[(String, Option<String>)]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO feed_items (feed, key, seen_at, article)
                     VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?3)",
                )
                .map_err(|e| self.err(e))?;
            for (key, article) in items {
                stmt.execute(params![feed, key, article]).map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Records a poll's outcome and when the feed is next due.
    pub fn record_poll(&self, feed: i64, poll: &PollRecord) -> Result<(), StoreError> {
        let ok = poll.error.is_none();
        self.conn
            .execute(
                "UPDATE feeds SET
                    last_polled_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                    last_ok_at = CASE WHEN ?2 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ELSE last_ok_at END,
                    last_status = ?3,
                    last_error = ?4,
                    failures = CASE WHEN ?2 THEN 0 ELSE failures + 1 END,
                    etag = coalesce(?5, etag),
                    last_modified = coalesce(?6, last_modified),
                    body_hash = coalesce(?7, body_hash),
                    ttl_s = coalesce(?8, ttl_s),
                    next_poll_ts = ?9,
                    articles = articles + ?10,
                    title = coalesce(title, ?11)
                 WHERE id = ?1",
                params![
                    feed,
                    ok,
                    poll.status,
                    poll.error,
                    poll.etag,
                    poll.last_modified,
                    poll.body_hash,
                    poll.ttl_s,
                    poll.next_poll_ts,
                    poll.articles,
                    poll.title
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_added_once_polled_and_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let feeds = Feeds::open(dir.path()).expect("opens a new store");
        assert!(feeds.add("https://nordlys.example/rss", Some("Nordlys")).expect("add"));
        assert!(!feeds.add("https://nordlys.example/rss", None).expect("add again"));
        assert!(feeds.add("https://tt.example/feed", None).expect("add"));
        assert_eq!(feeds.due(0).expect("due").len(), 2);
        let poll = PollRecord {
            status: Some(200),
            etag: Some("\"v1\"".into()),
            next_poll_ts: 1_000,
            articles: 3,
            title: Some("TT".into()),
            ..PollRecord::default()
        };
        feeds.record_poll(2, &poll).expect("record");
        let failed =
            PollRecord { status: Some(500), error: Some("HTTP 500".into()), next_poll_ts: 50, ..PollRecord::default() };
        feeds.record_poll(1, &failed).expect("record");
        let list = feeds.list().expect("list");
        assert_eq!((list[0].failures, list[0].last_error.as_deref()), (1, Some("HTTP 500")));
        assert_eq!(
            (list[1].etag.as_deref(), list[1].articles, list[1].title.as_deref()),
            (Some("\"v1\""), 3, Some("TT"))
        );
        assert_eq!(feeds.due(100).expect("due").len(), 1, "only the failed feed is due at 100");
        assert_eq!(feeds.next_due().expect("next"), Some(50));
        feeds.mark_seen(1, &[("guid-1".into(), Some("a1".into()))]).expect("seen");
        assert!(feeds.seen(1, "guid-1").expect("seen") && !feeds.seen(2, "guid-1").expect("seen"));
        assert!(feeds.remove("1").expect("remove by number"));
        assert!(feeds.remove("https://tt.example/feed").expect("remove by url"));
        assert!(!feeds.remove("https://tt.example/feed").expect("gone"));
        assert!(feeds.list().expect("list").is_empty());
    }

    #[test]
    fn the_list_can_change_while_a_writer_holds_the_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let _writer = Store::open(dir.path(), Access::Write).expect("writer");
        let feeds = Feeds::open(dir.path()).expect("opens beside the writer");
        assert!(feeds.add("https://nrk.example/toppsaker.rss", None).expect("add"));
    }
}
