//! The store on PostgreSQL, for deployments that outgrow one machine: the same schema
//! concepts as the SQLite store (`migrations/postgres/`), marked as ours by the
//! `tidings_meta` table, versioned migrations that each run in one transaction, refusal of
//! a database that is not ours or is newer, and one writer at a time by an advisory lock
//! that the server releases when the writer's connection ends (SIGKILL included).
//!
//! The driver is the `postgres` crate (the blocking face of tokio-postgres): the store's
//! callers are blocking code on their own threads, as with SQLite, and it writes in bulk
//! with binary COPY.

use std::path::PathBuf;

use postgres::{Client, Config, NoTls};

use crate::{Access, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_init.sql"),
    include_str!("../migrations/postgres/0002_breaking.sql"),
    include_str!("../migrations/postgres/0003_alerts.sql"),
    include_str!("../migrations/postgres/0004_follows_open.sql"),
    include_str!("../migrations/postgres/0005_robots.sql"),
];

/// The PostgreSQL schema version this build writes and reads.
pub const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock key of the store's single writer ("tdng", "writ").
const WRITER_LOCK: i64 = 0x7464_6e67_7772_6974 & 0x7fff_ffff_ffff_ffff;
/// The advisory lock that migrations take, so that two processes never migrate at once.
const MIGRATION_LOCK: i64 = 0x7464_6e67_6d69_6772 & 0x7fff_ffff_ffff_ffff;

/// Whether a `--data` value names a PostgreSQL database rather than a directory.
pub fn is_postgres_url(data: &str) -> bool {
    data.starts_with("postgres://") || data.starts_with("postgresql://")
}

/// A URL as it may be shown: without its password.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Connects to the database at `url` and checks its schema. With [`Access::Write`] an
/// empty database gets the schema, an older one is migrated, and the writer's lock is
/// taken for the connection's life (another writer → [`StoreError::Locked`] naming it).
pub(crate) fn connect(url: &str, access: Access) -> Result<Client, StoreError> {
    let shown = redact(url);
    let role = match access {
        Access::Write => "writer",
        Access::Read => "reader",
    };
    let mut config: Config = url.parse().map_err(|e| pg_error(&shown, e))?;
    config.application_name(&format!("tidings {role} on {} (pid {})", host_name(), std::process::id()));
    config.connect_timeout(std::time::Duration::from_secs(10));
    // The store's queries are short; compiling them (JIT) costs more than it saves.
    config.options("-c jit=off");
    let client = config.connect(NoTls).map_err(|e| pg_error(&shown, e))?;
    let mut setup = Setup { client, shown };
    if access == Access::Write {
        setup.take_writer_lock()?;
    }
    setup.prepare(access)?;
    Ok(setup.client)
}

/// Gives the writer's lock back on a connection that holds it, when the connection still
/// answers. The server frees a session's locks only once it has noticed the session end,
/// which can be after the writer's process has exited; a writer started right after (the
/// next run of a cron job) would then be refused. A closed or silent connection is left
/// alone: its session's end frees the lock.
pub(crate) fn release_writer_lock(client: &mut Client) {
    if client.is_closed() || client.is_valid(std::time::Duration::from_secs(1)).is_err() {
        return;
    }
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&WRITER_LOCK]);
}

/// A connection being checked before the store uses it.
struct Setup {
    client: Client,
    /// The URL without its password, for messages.
    shown: String,
}

impl Setup {
    fn err(&self, e: postgres::Error) -> StoreError {
        pg_error(&self.shown, e)
    }

    fn path(&self) -> PathBuf {
        PathBuf::from(&self.shown)
    }

    /// What the database holds: whether it is empty, ours, and at which version.
    fn state(&mut self) -> Result<SchemaState, StoreError> {
        let row = self
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()),
                        to_regclass('tidings_meta') IS NOT NULL",
                &[],
            )
            .map_err(|e| self.err(e))?;
        let (tables, ours): (i64, bool) = (row.get(0), row.get(1));
        let version = if ours {
            let found = self
                .client
                .query_opt("SELECT value FROM tidings_meta WHERE key = 'schema_version'", &[])
                .map_err(|e| self.err(e))?;
            let text: Option<String> = found.map(|r| r.get(0));
            text.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0)
        } else {
            0
        };
        Ok(SchemaState { empty: tables == 0, ours, version })
    }

    /// Checks the schema, and for a writer creates or migrates it.
    fn prepare(&mut self, access: Access) -> Result<(), StoreError> {
        let state = self.state()?;
        if !state.empty && !state.ours {
            return Err(StoreError::Foreign(self.path()));
        }
        if state.version > PG_SCHEMA_VERSION {
            return Err(StoreError::TooNew { path: self.path(), found: state.version, supported: PG_SCHEMA_VERSION });
        }
        match access {
            Access::Read if state.empty => Err(StoreError::Missing(self.path())),
            Access::Read if state.version < PG_SCHEMA_VERSION => {
                Err(StoreError::Outdated { path: self.path(), found: state.version, current: PG_SCHEMA_VERSION })
            }
            Access::Read => Ok(()),
            Access::Write => self.migrate(),
        }
    }

    /// Runs the migrations the database lacks, each in one transaction with its version.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let shown = self.shown.clone();
        let mut tx = self.client.transaction().map_err(|e| pg_error(&shown, e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(|e| pg_error(&shown, e))?;
        let version: i64 = match tx.query_one("SELECT to_regclass('tidings_meta') IS NOT NULL", &[]) {
            Ok(row) if row.get::<_, bool>(0) => tx
                .query_opt("SELECT value FROM tidings_meta WHERE key = 'schema_version'", &[])
                .map_err(|e| pg_error(&shown, e))?
                .and_then(|r| r.get::<_, String>(0).parse().ok())
                .unwrap_or(0),
            Ok(_) => 0,
            Err(e) => return Err(pg_error(&shown, e)),
        };
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(sql).map_err(|e| pg_error(&shown, e))?;
            tx.execute(
                "INSERT INTO tidings_meta (key, value) VALUES ('application', 'tidings'), ('schema_version', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&(i as i64 + 1).to_string()],
            )
            .map_err(|e| pg_error(&shown, e))?;
        }
        tx.commit().map_err(|e| pg_error(&shown, e))
    }

    /// Takes the writer's advisory lock for this connection's life, or names who holds it.
    fn take_writer_lock(&mut self) -> Result<(), StoreError> {
        let got: bool =
            self.client.query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK]).map_err(|e| self.err(e))?.get(0);
        if got {
            return Ok(());
        }
        let holder = self
            .client
            .query_opt(
                "SELECT a.application_name || ' from ' || coalesce(host(a.client_addr), 'a local socket')
                        || ', connected since ' || to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                        || ' UTC'
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted AND l.database =
                       (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid::bigint = ($1::bigint >> 32) AND l.objid::bigint = ($1::bigint & 4294967295)",
                &[&WRITER_LOCK],
            )
            .map_err(|e| self.err(e))?
            .map(|r| r.get::<_, String>(0))
            .unwrap_or_else(|| "another tidings writer".into());
        Err(StoreError::Locked { path: self.path(), holder })
    }
}

struct SchemaState {
    empty: bool,
    ours: bool,
    version: i64,
}

fn pg_error(shown: &str, source: postgres::Error) -> StoreError {
    StoreError::Postgres { url: shown.to_string(), source }
}

/// This machine's name, for the lock holder's description.
fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "an unnamed host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://news:s3cret@db.example:5432/tidings"),
            "postgres://news:***@db.example:5432/tidings"
        );
        assert_eq!(redact("postgres://news@db/tidings"), "postgres://news@db/tidings");
        assert!(is_postgres_url("postgresql://db/x") && !is_postgres_url("./postgres"));
    }
}

/// For tests (of this crate and of the binary): a database of its own on the test server,
/// dropped at the end. Not part of the store's API.
#[doc(hidden)]
pub mod testing {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use postgres::{Client, NoTls};

    /// The server tests use: `TIDINGS_TEST_POSTGRES`, or the local one.
    fn admin_url() -> String {
        std::env::var("TIDINGS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
    }

    pub struct TestDatabase {
        admin: String,
        name: String,
    }

    impl TestDatabase {
        /// A new, empty database; `None` (with a message) where no server answers, unless
        /// `TIDINGS_REQUIRE_POSTGRES=1`, which makes that a panic.
        pub fn create() -> Option<TestDatabase> {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let admin = admin_url();
            let mut client = match Client::connect(&admin, NoTls) {
                Ok(c) => c,
                Err(e) if std::env::var("TIDINGS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
                    panic!("TIDINGS_REQUIRE_POSTGRES=1 but {admin} does not answer: {e}")
                }
                Err(e) => {
                    eprintln!(
                        "skipped: no PostgreSQL at {admin} ({e}); set TIDINGS_REQUIRE_POSTGRES=1 to fail instead"
                    );
                    return None;
                }
            };
            let name = format!("tidings_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
            // One statement per call: a multi-statement string runs as one transaction,
            // where CREATE DATABASE may not.
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("no leftover");
            client.batch_execute(&format!("CREATE DATABASE {name}")).expect("a test database");
            Some(TestDatabase { admin, name })
        }

        pub fn url(&self) -> String {
            let base = self.admin.rsplit_once('/').map_or(self.admin.as_str(), |(b, _)| b);
            format!("{base}/{}", self.name)
        }

        pub fn name(&self) -> &str {
            &self.name
        }

        /// Runs SQL in the database.
        pub fn sql(&self, sql: &str) {
            let mut client = Client::connect(&self.url(), NoTls).expect("the test database answers");
            client.batch_execute(sql).expect("the statement runs");
        }

        /// The first column of the first row of a query, as a number.
        pub fn number(&self, sql: &str) -> i64 {
            let mut client = Client::connect(&self.url(), NoTls).expect("the test database answers");
            client.query_one(sql, &[]).expect("the query runs").get(0)
        }
    }

    impl Drop for TestDatabase {
        fn drop(&mut self) {
            if let Ok(mut client) = Client::connect(&self.admin, NoTls) {
                let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
            }
        }
    }
}
