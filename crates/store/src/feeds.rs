//! The feeds `tidings watch` follows and their polling state (tables `feeds` and
//! `feed_items`).
//!
//! [`Feeds`] has a connection of its own and does not take the writer lock: a user can
//! add or remove a feed while a watcher (which holds the lock to store articles) runs,
//! and the watcher reads the list afresh on every pass. The database serialises the writes.

use rusqlite::{Connection, OpenFlags};

use crate::sql::{Columns, Conn, Dialect};
use crate::write::{now, time_column};
use crate::{Access, DATABASE_FILE, Location, Store, StoreError, pg, schema};

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
    /// Pages its sites' robots.txt kept from us (their feed items were stored instead).
    pub disallowed: i64,
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
    /// Pages robots.txt kept from us in this poll.
    pub disallowed: i64,
}

/// The feed list of a store.
pub struct Feeds {
    conn: Conn,
}

/// The columns of a feed, by name (PostgreSQL's times as RFC 3339 text, as SQLite keeps them).
fn columns(d: Dialect) -> String {
    let time = |c: &str| time_column(d, c);
    format!(
        "id, url, title, {}, etag, last_modified, body_hash, ttl_s, next_poll_ts, {}, {}, last_status, last_error, \
         failures, articles, disallowed",
        time("added_at"),
        time("last_polled_at"),
        time("last_ok_at")
    )
}

fn feed_row(r: &dyn Columns) -> Result<FeedRow, StoreError> {
    Ok(FeedRow {
        id: r.int("id")?,
        url: r.text("url")?,
        title: r.opt_text("title")?,
        added_at: r.text("added_at")?,
        etag: r.opt_text("etag")?,
        last_modified: r.opt_text("last_modified")?,
        body_hash: r.opt_text("body_hash")?,
        ttl_s: r.opt_int("ttl_s")?,
        next_poll_ts: r.int("next_poll_ts")?,
        last_polled_at: r.opt_text("last_polled_at")?,
        last_ok_at: r.opt_text("last_ok_at")?,
        last_status: r.opt_int("last_status")?,
        last_error: r.opt_text("last_error")?,
        failures: r.int("failures")?,
        articles: r.int("articles")?,
        disallowed: r.int("disallowed")?,
    })
}

impl Feeds {
    /// Opens the feed list of the store at `location`, creating (or migrating) the store
    /// when no writer holds it; a running writer has migrated it already.
    pub fn open(location: &Location) -> Result<Self, StoreError> {
        Ok(Self { conn: side_connection(location)? })
    }

    /// Adds a feed; `false` when it is already followed (its title is filled in if it had
    /// none).
    pub fn add(&self, url: &str, title: Option<&str>) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO feeds (url, title, added_at) VALUES (?1, ?2, {}) ON CONFLICT (url) DO NOTHING",
            now(self.conn.dialect())
        );
        let added = self.conn.execute(&sql, &[url.into(), title.into()])?;
        if added == 0 && title.is_some() {
            self.conn
                .execute("UPDATE feeds SET title = ?2 WHERE url = ?1 AND title IS NULL", &[url.into(), title.into()])?;
        }
        Ok(added > 0)
    }

    /// Stops following a feed, given by URL or number. Its articles stay in the store.
    pub fn remove(&self, url_or_id: &str) -> Result<bool, StoreError> {
        let Some(id) = self.find(url_or_id)? else { return Ok(false) };
        self.conn.batch("BEGIN")?;
        let result = self
            .conn
            .execute("DELETE FROM feed_items WHERE feed = ?1", &[id.into()])
            .and_then(|_| self.conn.execute("DELETE FROM feeds WHERE id = ?1", &[id.into()]))
            .and_then(|_| self.conn.batch("COMMIT"));
        self.rollback_on_error(result)?;
        Ok(true)
    }

    fn rollback_on_error<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if result.is_err() {
            let _ = self.conn.batch("ROLLBACK");
        }
        result
    }

    fn find(&self, url_or_id: &str) -> Result<Option<i64>, StoreError> {
        let by_id = url_or_id.parse::<i64>().ok();
        self.conn
            .row("SELECT id FROM feeds WHERE url = ?1 OR id = ?2", &[url_or_id.into(), by_id.into()], |r| r.int("id"))
    }

    /// Every feed, in the order they were added.
    pub fn list(&self) -> Result<Vec<FeedRow>, StoreError> {
        let sql = format!("SELECT {} FROM feeds ORDER BY id", columns(self.conn.dialect()));
        self.conn.rows(&sql, &[], feed_row)
    }

    /// Feeds due at `now` (Unix seconds), the longest overdue first.
    pub fn due(&self, now: i64) -> Result<Vec<FeedRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM feeds WHERE next_poll_ts <= ?1 ORDER BY next_poll_ts, id",
            columns(self.conn.dialect())
        );
        self.conn.rows(&sql, &[now.into()], feed_row)
    }

    /// Claims feeds for one watcher's poll: each feed whose `next_poll_ts` is still what
    /// was read moves to `lease_until`, so that no other watcher sharing the store finds it
    /// due until the lease ends (recording the poll sets the real next time). Returns the
    /// feeds won; a feed another watcher claimed first is left out. A watcher that dies
    /// mid-poll loses its feeds to the others when their leases end.
    pub fn claim(&self, feeds: Vec<FeedRow>, lease_until: i64) -> Result<Vec<FeedRow>, StoreError> {
        let mut won = Vec::with_capacity(feeds.len());
        for feed in feeds {
            let claimed = self.conn.execute(
                "UPDATE feeds SET next_poll_ts = ?2 WHERE id = ?1 AND next_poll_ts = ?3",
                &[feed.id.into(), lease_until.into(), feed.next_poll_ts.into()],
            )?;
            if claimed == 1 {
                won.push(feed);
            }
        }
        Ok(won)
    }

    /// Gives back a claimed feed that was not polled (its watcher stopped): due again when
    /// it was before the claim, unless something else moved it since.
    pub fn release(&self, feed: &FeedRow, lease_until: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET next_poll_ts = ?2 WHERE id = ?1 AND next_poll_ts = ?3",
            &[feed.id.into(), feed.next_poll_ts.into(), lease_until.into()],
        )?;
        Ok(())
    }

    /// When the next feed is due (Unix seconds), if any feed is followed.
    pub fn next_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.row("SELECT min(next_poll_ts) AS due FROM feeds", &[], |r| r.opt_int("due"))?.flatten())
    }

    /// Whether an item (by guid or link) of the feed was handled already.
    pub fn seen(&self, feed: i64, key: &str) -> Result<bool, StoreError> {
        let found = self.conn.row(
            "SELECT 1 AS found FROM feed_items WHERE feed = ?1 AND key = ?2",
            &[feed.into(), key.into()],
            |_| Ok(()),
        )?;
        Ok(found.is_some())
    }

    /// Records items as handled, each with the article it gave (if any).
    pub fn mark_seen(&self, feed: i64, items: &[(String, Option<String>)]) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO feed_items (feed, key, seen_at, article) VALUES (?1, ?2, {}, ?3)
             ON CONFLICT (feed, key) DO UPDATE SET seen_at = excluded.seen_at, article = excluded.article",
            now(self.conn.dialect())
        );
        self.conn.batch("BEGIN")?;
        let result = items
            .iter()
            .try_for_each(|(key, article)| {
                self.conn.execute(&sql, &[feed.into(), key.as_str().into(), article.clone().into()]).map(drop)
            })
            .and_then(|()| self.conn.batch("COMMIT"));
        self.rollback_on_error(result)
    }

    /// Records a poll's outcome and when the feed is next due.
    pub fn record_poll(&self, feed: i64, poll: &PollRecord) -> Result<(), StoreError> {
        let ok = poll.error.is_none();
        let now = now(self.conn.dialect());
        let sql = format!(
            "UPDATE feeds SET
                last_polled_at = {now},
                last_ok_at = CASE WHEN ?2 THEN {now} ELSE last_ok_at END,
                last_status = ?3,
                last_error = ?4,
                failures = CASE WHEN ?2 THEN 0 ELSE failures + 1 END,
                etag = coalesce(?5, etag),
                last_modified = coalesce(?6, last_modified),
                body_hash = coalesce(?7, body_hash),
                ttl_s = coalesce(?8, ttl_s),
                next_poll_ts = ?9,
                articles = articles + ?10,
                title = coalesce(title, ?11),
                disallowed = disallowed + ?12
             WHERE id = ?1"
        );
        self.conn.execute(
            &sql,
            &[
                feed.into(),
                ok.into(),
                poll.status.map(i64::from).into(),
                poll.error.clone().into(),
                poll.etag.clone().into(),
                poll.last_modified.clone().into(),
                poll.body_hash.clone().into(),
                poll.ttl_s.into(),
                poll.next_poll_ts.into(),
                poll.articles.into(),
                poll.title.clone().into(),
                poll.disallowed.into(),
            ],
        )?;
        Ok(())
    }
}

/// A connection that writes beside the store's writer without its lock, for lists a user
/// edits while a writer runs (feeds, alerts); the database serialises the writes. The
/// store is created (or migrated) first when no writer holds it; a running writer has
/// migrated it already.
pub(crate) fn side_connection(location: &Location) -> Result<Conn, StoreError> {
    match Store::open(location, Access::Write) {
        Ok(store) => drop(store),
        Err(StoreError::Locked { .. }) => {}
        Err(e) => return Err(e),
    }
    Ok(match location {
        Location::Directory(dir) => {
            let db = dir.join(DATABASE_FILE);
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&db, flags).map_err(|e| StoreError::sqlite(&db, e))?;
            schema::prepare(&conn, &db, Access::Read)?;
            Conn::Sqlite { conn, path: db }
        }
        Location::Postgres { url, .. } => Conn::postgres(pg::connect(url, Access::Read)?, pg::redact(url)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_added_once_polled_and_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let feeds = Feeds::open(&dir.path().into()).expect("opens a new store");
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
        let _writer = Store::open(&dir.path().into(), Access::Write).expect("writer");
        let feeds = Feeds::open(&dir.path().into()).expect("opens beside the writer");
        assert!(feeds.add("https://nrk.example/toppsaker.rss", None).expect("add"));
    }
}
