//! Alerts as stored: their definitions (JSON the `tidings-alert` crate reads), the stories
//! they follow, and their notices with each notice's delivery state: the webhooks' outbox.
//!
//! A batch's follows and notices are written with the batch ([`crate::BatchEnd`]), so a
//! notice exists exactly when the articles that caused it are committed. [`Alerts`] has a
//! connection of its own, without the writer lock, as [`crate::Feeds`] does: alerts are
//! added and removed, and notices delivered, while a writer runs.

use crate::feeds::side_connection;
use crate::sql::{Columns, Conn, Dialect, Value, number_list};
use crate::write::{json_param, now, time_as, time_column};
use crate::{Location, Store, StoreError};

/// A saved alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub id: i64,
    pub name: String,
    /// Random, made when the alert was first saved; starts its notices' keys.
    pub uid: String,
    /// JSON.
    pub definition: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What an alert last told about a story it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowRow {
    pub alert: i64,
    pub story: i64,
    pub notices: i64,
    pub notified_unique: i64,
    pub breaking_since: Option<String>,
    pub last_notice_at: Option<i64>,
    /// The alert can tell nothing more of the story: the follow is not read again.
    pub done: bool,
}

/// A notice to record with a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeWrite {
    pub alert: i64,
    pub story: i64,
    pub trigger: String,
    pub key: String,
    pub body: String,
    /// Whether it goes to a webhook (else it is only kept, for the log and the feeds).
    pub deliver: bool,
}

/// A notice and its delivery.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NoticeRow {
    pub id: i64,
    pub alert: String,
    #[serde(skip)]
    pub alert_id: i64,
    pub story: String,
    #[serde(skip)]
    pub story_number: i64,
    pub trigger: String,
    pub key: String,
    pub created_at: String,
    #[serde(skip)]
    pub body: String,
    /// none, pending, delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_ts: Option<i64>,
    pub last_attempt_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
}

/// A live event to record with a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct EventWrite {
    /// `story.created`, `story.grew`, `story.breaking` or `alert.notice`.
    pub kind: &'static str,
    pub story: i64,
    /// JSON.
    pub data: String,
}

/// A recorded live event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub data: String,
}

/// Live events kept for clients that resume (the newest).
pub const EVENTS_KEPT: i64 = 100_000;

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// The receiver acknowledged it (2xx).
    Delivered { status: u16 },
    /// It failed; tried again at `retry_at` (Unix seconds), or never (`None`: given up).
    Failed { status: Option<u16>, error: String, retry_at: Option<i64> },
}

const NOTICE_COLUMNS: &str = "n.id, a.name AS alert, n.alert AS alert_id, n.story, n.trigger, n.key, \
    n.body, n.status, n.attempts, n.next_attempt_ts, n.last_status, n.last_error";

fn notice_columns(d: Dialect) -> String {
    let t = |c: &str| time_as(d, &format!("n.{c}"), c);
    format!("{NOTICE_COLUMNS}, {}, {}, {}", t("created_at"), t("last_attempt_at"), t("delivered_at"))
}

fn notice_row(r: &dyn Columns) -> Result<NoticeRow, StoreError> {
    let story = r.int("story")?;
    Ok(NoticeRow {
        id: r.int("id")?,
        alert: r.text("alert")?,
        alert_id: r.int("alert_id")?,
        story: crate::story_label(story),
        story_number: story,
        trigger: r.text("trigger")?,
        key: r.text("key")?,
        created_at: r.text("created_at")?,
        body: r.text("body")?,
        status: r.text("status")?,
        attempts: r.int("attempts")?,
        next_attempt_ts: r.opt_int("next_attempt_ts")?,
        last_attempt_at: r.opt_text("last_attempt_at")?,
        last_status: r.opt_int("last_status")?,
        last_error: r.opt_text("last_error")?,
        delivered_at: r.opt_text("delivered_at")?,
    })
}

fn alert_columns(d: Dialect) -> String {
    let definition = match d {
        Dialect::Sqlite => "definition",
        Dialect::Postgres => "definition::text AS definition",
    };
    format!("id, name, uid, {definition}, {}, {}", time_column(d, "created_at"), time_column(d, "updated_at"))
}

fn alert_row(r: &dyn Columns) -> Result<AlertRow, StoreError> {
    Ok(AlertRow {
        id: r.int("id")?,
        name: r.text("name")?,
        uid: r.text("uid")?,
        definition: r.text("definition")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
    })
}

/// 64 random bits as hex (the standard library's hasher is keyed randomly per process).
fn random_uid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// Notices newest first: an alert's, or every alert's with `None`.
fn notices(conn: &Conn, alert: Option<&str>, limit: usize) -> Result<Vec<NoticeRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM alert_notices n JOIN alerts a ON a.id = n.alert
         WHERE (CAST(?1 AS TEXT) IS NULL OR a.name = CAST(?1 AS TEXT)) ORDER BY n.id DESC LIMIT ?2",
        notice_columns(conn.dialect())
    );
    let alert = Value::from(alert.map(str::to_string));
    conn.rows(&sql, &[alert, (limit as i64).into()], notice_row)
}

/// One alert by name.
fn alert_named(conn: &Conn, name: &str) -> Result<Option<AlertRow>, StoreError> {
    let sql = format!("SELECT {} FROM alerts WHERE name = ?1", alert_columns(conn.dialect()));
    conn.row(&sql, &[name.into()], alert_row)
}

/// Every alert, in the order they were added.
fn all_alerts(conn: &Conn) -> Result<Vec<AlertRow>, StoreError> {
    conn.rows(&format!("SELECT {} FROM alerts ORDER BY id", alert_columns(conn.dialect())), &[], alert_row)
}

/// What changes whenever an alert is added, replaced or removed.
fn alerts_version(conn: &Conn) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT count(*) AS n, coalesce(max(id), 0) AS top, coalesce(max({}), '') AS at FROM alerts",
        match conn.dialect() {
            Dialect::Sqlite => "updated_at",
            Dialect::Postgres => "CAST(updated_at AS TEXT)",
        }
    );
    let found = conn.row(&sql, &[], |r| Ok(format!("{}:{}:{}", r.int("n")?, r.int("top")?, r.text("at")?)))?;
    Ok(found.unwrap_or_default())
}

/// The alerts of a store, and their notices' log and delivery.
pub struct Alerts {
    conn: Conn,
}

impl Alerts {
    /// Opens the alerts of the store at `location` (creating the store when missing).
    pub fn open(location: &Location) -> Result<Self, StoreError> {
        Ok(Self { conn: side_connection(location)? })
    }

    /// Saves an alert; `replace` allows overwriting one of the same name. Returns whether
    /// it was new, or `None` when the name is taken and `replace` is false.
    pub fn save(&self, name: &str, definition: &str, replace: bool) -> Result<Option<bool>, StoreError> {
        let d = self.conn.dialect();
        let exists = self.get(name)?.is_some();
        if exists && !replace {
            return Ok(None);
        }
        let sql = if exists {
            format!("UPDATE alerts SET definition = {}, updated_at = {} WHERE name = ?2", json_param(d, 1), now(d))
        } else {
            format!(
                "INSERT INTO alerts (definition, name, uid, created_at, updated_at) VALUES ({}, ?2, ?3, {}, {})",
                json_param(d, 1),
                now(d),
                now(d)
            )
        };
        let mut args = vec![definition.into(), name.into()];
        if !exists {
            args.push(random_uid().into());
        }
        self.conn.execute(&sql, &args)?;
        Ok(Some(!exists))
    }

    /// Saves many alerts (name, definition) in one transaction; returns how many were
    /// saved (the others' names were taken and `replace` is false).
    pub fn save_all(&self, alerts: &[(String, String)], replace: bool) -> Result<u64, StoreError> {
        self.conn.batch("BEGIN")?;
        let mut saved = 0;
        let result = alerts
            .iter()
            .try_for_each(|(name, definition)| {
                saved += u64::from(self.save(name, definition, replace)?.is_some());
                Ok(())
            })
            .and_then(|()| self.conn.batch("COMMIT"));
        if result.is_err() {
            let _ = self.conn.batch("ROLLBACK");
        }
        result.map(|()| saved)
    }

    pub fn get(&self, name: &str) -> Result<Option<AlertRow>, StoreError> {
        alert_named(&self.conn, name)
    }

    pub fn list(&self) -> Result<Vec<AlertRow>, StoreError> {
        all_alerts(&self.conn)
    }

    /// Removes an alert with the stories it follows and its notices (pending deliveries
    /// are dropped: the user no longer wants them). False when there is none.
    pub fn remove(&self, name: &str) -> Result<bool, StoreError> {
        let Some(alert) = self.get(name)? else { return Ok(false) };
        self.conn.batch("BEGIN")?;
        let statements = [
            "DELETE FROM alert_follows WHERE alert = ?1",
            "DELETE FROM alert_notices WHERE alert = ?1",
            "DELETE FROM alerts WHERE id = ?1",
        ];
        let result = statements
            .iter()
            .try_for_each(|sql| self.conn.execute(sql, &[alert.id.into()]).map(drop))
            .and_then(|()| self.conn.batch("COMMIT"));
        if result.is_err() {
            let _ = self.conn.batch("ROLLBACK");
        }
        result.map(|()| true)
    }

    /// What changes whenever an alert is added, replaced or removed.
    pub fn version(&self) -> Result<String, StoreError> {
        alerts_version(&self.conn)
    }

    /// An alert's notices, newest first (every alert's with `None`).
    pub fn notices(&self, alert: Option<&str>, limit: usize) -> Result<Vec<NoticeRow>, StoreError> {
        notices(&self.conn, alert, limit)
    }

    /// Pending deliveries due at `now` (Unix seconds), oldest first, with their alert's
    /// definition (for its webhook).
    pub fn due(&self, now: i64, limit: usize) -> Result<Vec<(NoticeRow, String)>, StoreError> {
        let d = self.conn.dialect();
        let definition = match d {
            Dialect::Sqlite => "a.definition AS definition",
            Dialect::Postgres => "a.definition::text AS definition",
        };
        let sql = format!(
            "SELECT {}, {definition} FROM alert_notices n JOIN alerts a ON a.id = n.alert
             WHERE n.status = 'pending' AND n.next_attempt_ts <= ?1 ORDER BY n.next_attempt_ts, n.id LIMIT ?2",
            notice_columns(d)
        );
        self.conn.rows(&sql, &[now.into(), (limit as i64).into()], |r| Ok((notice_row(r)?, r.text("definition")?)))
    }

    /// Pending deliveries, however far off their next attempt.
    pub fn pending(&self) -> Result<i64, StoreError> {
        let n =
            self.conn.row("SELECT count(*) AS n FROM alert_notices WHERE status = 'pending'", &[], |r| r.int("n"))?;
        Ok(n.unwrap_or(0))
    }

    /// Takes a due notice for delivery until `until` (Unix seconds), if no other deliverer
    /// took it since it was read (its next attempt is still `expected`).
    pub fn claim(&self, id: i64, expected: Option<i64>, until: i64) -> Result<bool, StoreError> {
        let Some(expected) = expected else { return Ok(false) };
        let taken = self.conn.execute(
            "UPDATE alert_notices SET next_attempt_ts = ?3 WHERE id = ?1 AND status = 'pending' AND next_attempt_ts = ?2",
            &[id.into(), expected.into(), until.into()],
        )?;
        Ok(taken == 1)
    }

    /// Records a delivery attempt. A notice already delivered stays delivered (two
    /// deliverers racing cannot undo an acknowledgement).
    pub fn record_attempt(&self, id: i64, attempt: &Attempt) -> Result<(), StoreError> {
        let now = now(self.conn.dialect());
        match attempt {
            Attempt::Delivered { status } => {
                let sql = format!(
                    "UPDATE alert_notices SET status = 'delivered', attempts = attempts + 1, last_attempt_at = {now},
                        delivered_at = {now}, last_status = ?2, last_error = NULL, next_attempt_ts = NULL
                     WHERE id = ?1 AND status = 'pending'"
                );
                self.conn.execute(&sql, &[id.into(), i64::from(*status).into()])?;
            }
            Attempt::Failed { status, error, retry_at } => {
                let sql = format!(
                    "UPDATE alert_notices SET status = CASE WHEN CAST(?4 AS BIGINT) IS NULL THEN 'failed' ELSE 'pending' END,
                        attempts = attempts + 1, last_attempt_at = {now}, last_status = ?2, last_error = ?3,
                        next_attempt_ts = CAST(?4 AS BIGINT)
                     WHERE id = ?1 AND status = 'pending'"
                );
                let args = [id.into(), status.map(i64::from).into(), error.as_str().into(), (*retry_at).into()];
                self.conn.execute(&sql, &args)?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Every saved alert, in the order they were added.
    pub fn alerts(&self) -> Result<Vec<AlertRow>, StoreError> {
        all_alerts(&self.conn)
    }

    /// One alert by name.
    pub fn alert(&self, name: &str) -> Result<Option<AlertRow>, StoreError> {
        alert_named(&self.conn, name)
    }

    /// Notices newest first: an alert's, or every alert's with `None`.
    pub fn notices(&self, alert: Option<&str>, limit: usize) -> Result<Vec<NoticeRow>, StoreError> {
        notices(&self.conn, alert, limit)
    }

    /// What changes whenever an alert is added, replaced or removed (a writer reloads its
    /// alerts when it does).
    pub fn alerts_version(&self) -> Result<String, StoreError> {
        alerts_version(&self.conn)
    }

    /// Events after id `after`, oldest first.
    pub fn events_after(&self, after: i64, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        self.conn.rows(
            "SELECT id, kind, data FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
            &[after.into(), (limit as i64).into()],
            |r| Ok(EventRow { id: r.int("id")?, kind: r.text("kind")?, data: r.text("data")? }),
        )
    }

    /// The newest event's id (0 before any).
    pub fn last_event(&self) -> Result<i64, StoreError> {
        Ok(self.conn.row("SELECT coalesce(max(id), 0) AS id FROM events", &[], |r| r.int("id"))?.unwrap_or(0))
    }

    /// The (alert, story) pairs among these stories that can tell nothing more.
    pub fn done_follows(&self, stories: &[i64]) -> Result<std::collections::HashSet<(i64, i64)>, StoreError> {
        if stories.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!(
            "SELECT alert, story FROM alert_follows WHERE story IN ({}) AND done = ?2",
            number_list(self.conn.dialect())
        );
        let list = serde_json::Value::from(stories.to_vec()).to_string();
        let rows = self.conn.rows(&sql, &[list.into(), true.into()], |r| Ok((r.int("alert")?, r.int("story")?)))?;
        Ok(rows.into_iter().collect())
    }

    /// What the alerts last told about these stories, where they may still tell more (one
    /// query; within the open batch).
    pub fn follows_of(&self, stories: &[i64]) -> Result<Vec<FollowRow>, StoreError> {
        if stories.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT alert, story, notices, notified_unique, breaking_since, last_notice_at FROM alert_follows
             WHERE story IN ({}) AND done = ?2",
            number_list(self.conn.dialect())
        );
        let list = serde_json::Value::from(stories.to_vec()).to_string();
        self.conn.rows(&sql, &[list.into(), false.into()], |r| {
            Ok(FollowRow {
                alert: r.int("alert")?,
                story: r.int("story")?,
                notices: r.int("notices")?,
                notified_unique: r.int("notified_unique")?,
                breaking_since: r.opt_text("breaking_since")?,
                last_notice_at: r.opt_int("last_notice_at")?,
                done: false,
            })
        })
    }
}

/// Writes a batch's follows and notices (inside its transaction). A notice whose key is
/// known is not written again.
pub(crate) fn write_alerts(
    conn: &Conn,
    follows: &[FollowRow],
    notices: &[NoticeWrite],
    now_ts: i64,
) -> Result<(), StoreError> {
    for f in follows {
        conn.execute(
            "INSERT INTO alert_follows (alert, story, notices, notified_unique, breaking_since, last_notice_at, done)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (alert, story) DO UPDATE SET notices = excluded.notices,
                notified_unique = excluded.notified_unique, breaking_since = excluded.breaking_since,
                last_notice_at = excluded.last_notice_at, done = excluded.done",
            &[
                f.alert.into(),
                f.story.into(),
                f.notices.into(),
                f.notified_unique.into(),
                f.breaking_since.clone().into(),
                f.last_notice_at.into(),
                f.done.into(),
            ],
        )?;
    }
    let sql = format!(
        "INSERT INTO alert_notices (alert, story, trigger, key, created_at, body, status, next_attempt_ts)
         VALUES (?1, ?2, ?3, ?4, {}, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
        now(conn.dialect())
    );
    for n in notices {
        let (status, next) = if n.deliver { ("pending", Some(now_ts)) } else { ("none", None) };
        conn.execute(
            &sql,
            &[
                n.alert.into(),
                n.story.into(),
                n.trigger.as_str().into(),
                n.key.as_str().into(),
                n.body.as_str().into(),
                status.into(),
                next.into(),
            ],
        )?;
    }
    Ok(())
}

/// Writes a batch's live events (inside its transaction) and forgets the oldest beyond
/// [`EVENTS_KEPT`].
pub(crate) fn write_events(conn: &Conn, events: &[EventWrite]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    for e in events {
        conn.execute(
            "INSERT INTO events (kind, story, data) VALUES (?1, ?2, ?3)",
            &[e.kind.into(), e.story.into(), e.data.as_str().into()],
        )?;
    }
    conn.execute("DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?1", &[EVENTS_KEPT.into()])?;
    Ok(())
}
