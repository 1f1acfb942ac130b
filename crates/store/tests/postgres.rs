//! The PostgreSQL store against a real server (127.0.0.1:5432 unless
//! `TIDINGS_TEST_POSTGRES` names another): each test creates its own database and drops
//! it. Without a reachable server the tests say so and pass, unless
//! `TIDINGS_REQUIRE_POSTGRES=1` (set by `.ci/run`), which makes that a failure.

use std::sync::atomic::{AtomicUsize, Ordering};

use tidings_store::pg::PG_SCHEMA_VERSION;
use tidings_store::{Access, Location, Store, StoreError};

/// A database of its own for one test, dropped at the end.
struct TestDatabase {
    admin: String,
    name: String,
}

impl TestDatabase {
    /// `None` (with a message) where no server answers and none is required.
    fn create() -> Option<TestDatabase> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = std::env::var("TIDINGS_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(c) => c,
            Err(e) if std::env::var("TIDINGS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
                panic!("TIDINGS_REQUIRE_POSTGRES=1 but {admin} does not answer: {e}")
            }
            Err(e) => {
                eprintln!("skipped: no PostgreSQL at {admin} ({e}); set TIDINGS_REQUIRE_POSTGRES=1 to fail instead");
                return None;
            }
        };
        let name = format!("tidings_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        // One statement per call: a multi-statement string runs as one transaction, where
        // CREATE DATABASE may not.
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("no leftover");
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("a database");
        Some(TestDatabase { admin, name })
    }

    fn url(&self) -> String {
        let base = self.admin.rsplit_once('/').map_or(self.admin.as_str(), |(b, _)| b);
        format!("{base}/{}", self.name)
    }

    fn open(&self, access: Access) -> Result<Store, StoreError> {
        let index = std::env::temp_dir().join(format!("{}-index", self.name));
        Store::open(&Location::parse(&self.url(), Some(&index)), access)
    }

    fn sql(&self, sql: &str) {
        let mut client = postgres::Client::connect(&self.url(), postgres::NoTls).expect("connects");
        client.batch_execute(sql).expect("the statement runs");
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

#[test]
fn an_empty_database_gets_the_schema_and_then_reads() {
    let Some(db) = TestDatabase::create() else { return };
    let missing = db.open(Access::Read).err().expect("an empty database is no store yet");
    assert!(matches!(missing, StoreError::Missing(_)), "{missing}");
    let writer = db.open(Access::Write).expect("migrated");
    assert_eq!(writer.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
    drop(writer);
    let reader = db.open(Access::Read).expect("readable");
    assert_eq!(reader.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
    let again = db.open(Access::Write).expect("migrating twice changes nothing");
    assert_eq!(again.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
}

#[test]
fn a_second_writer_is_refused_at_once_naming_the_first() {
    let Some(db) = TestDatabase::create() else { return };
    let first = db.open(Access::Write).expect("the first writer");
    let started = std::time::Instant::now();
    let second = db.open(Access::Write).err().expect("a second writer is refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused at once, not after a wait");
    let StoreError::Locked { holder, .. } = &second else { panic!("not a lock error: {second}") };
    assert!(holder.contains("tidings writer") && holder.contains(&std::process::id().to_string()), "{holder}");
    assert!(db.open(Access::Read).is_ok(), "readers are never locked out");
    drop(first);
    assert!(db.open(Access::Write).is_ok(), "the lock ends with its connection");
}

#[test]
fn foreign_and_newer_databases_are_refused_and_left_alone() {
    let Some(foreign) = TestDatabase::create() else { return };
    foreign.sql("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
    let refused = foreign.open(Access::Write).err().expect("not ours");
    assert!(matches!(refused, StoreError::Foreign(_)), "{refused}");
    let mut client = postgres::Client::connect(&foreign.url(), postgres::NoTls).expect("connects");
    let tables: i64 = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .expect("counted")
        .get(0);
    assert_eq!(tables, 1, "nothing was created in a database that is not ours");

    let Some(newer) = TestDatabase::create() else { return };
    drop(newer.open(Access::Write).expect("a store"));
    newer.sql("UPDATE tidings_meta SET value = '99' WHERE key = 'schema_version'");
    let refused = newer.open(Access::Write).err().expect("newer than this build");
    assert!(matches!(refused, StoreError::TooNew { found: 99, .. }), "{refused}");
    assert!(!refused.to_string().contains("***") || refused.to_string().contains("postgres://"));
}
